//! The model's types as the Rust client declares them: type spellings, fields, derives.

use super::*;

/// The Rust spelling of a type in the client.
pub(super) fn rust_ty(ty: &TypeRef, options: &RustOptions) -> String {
    let mapped = |key: &str, fallback: &str| {
        options
            .type_map
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_owned())
    };
    match ty {
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::Int(kind) => kind.rust().to_owned(),
        TypeRef::Float => "f64".to_owned(),
        TypeRef::Char => "char".to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Unit => "()".to_owned(),
        TypeRef::Json => "::sailroute_client::serde_json::Value".to_owned(),
        TypeRef::Known(known) => mapped(known.name(), known_rust(*known)),
        TypeRef::Option(inner) => format!("Option<{}>", rust_ty(inner, options)),
        TypeRef::Boxed(inner) => format!("Box<{}>", rust_ty(inner, options)),
        TypeRef::JsonText(inner) => {
            format!("::sailroute_client::JsonText<{}>", rust_ty(inner, options))
        }
        TypeRef::List(inner) => format!("Vec<{}>", rust_ty(inner, options)),
        TypeRef::Map(inner) => format!(
            "::std::collections::BTreeMap<String, {}>",
            rust_ty(inner, options)
        ),
        TypeRef::Tuple(items) => {
            let items: Vec<String> = items.iter().map(|t| rust_ty(t, options)).collect();
            if items.len() == 1 {
                format!("({},)", items[0])
            } else {
                format!("({})", items.join(", "))
            }
        }
        TypeRef::Named { name, args } => {
            let base = options
                .type_map
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.clone());
            if args.is_empty() {
                base
            } else {
                let args: Vec<String> = args.iter().map(|t| rust_ty(t, options)).collect();
                format!("{base}<{}>", args.join(", "))
            }
        }
        TypeRef::Param(name) => name.clone(),
    }
}

/// The Rust type a well-known type is in the client: the server's own, re-exported by
/// `sailroute-client` (`uuid`, `chrono`, `rust_decimal` behind its features of those names).
pub(super) fn known_rust(known: Known) -> &'static str {
    match known {
        Known::Uuid => "::sailroute_client::uuid::Uuid",
        Known::DateTimeUtc => {
            "::sailroute_client::chrono::DateTime<::sailroute_client::chrono::Utc>"
        }
        Known::DateTimeFixed => {
            "::sailroute_client::chrono::DateTime<::sailroute_client::chrono::FixedOffset>"
        }
        Known::DateTimeLocal => {
            "::sailroute_client::chrono::DateTime<::sailroute_client::chrono::Local>"
        }
        Known::NaiveDateTime => "::sailroute_client::chrono::NaiveDateTime",
        Known::NaiveDate => "::sailroute_client::chrono::NaiveDate",
        Known::NaiveTime => "::sailroute_client::chrono::NaiveTime",
        Known::Url => "::sailroute_client::url::Url",
        Known::IpAddr => "::std::net::IpAddr",
        Known::Ipv4Addr => "::std::net::Ipv4Addr",
        Known::Ipv6Addr => "::std::net::Ipv6Addr",
        Known::SocketAddr => "::std::net::SocketAddr",
        Known::Decimal => "::sailroute_client::rust_decimal::Decimal",
        Known::Bytes => "::sailroute_client::bytes::Bytes",
    }
}

/// Whether `#[serde(default)]` works for the type as the client declares it.
pub(super) fn has_default_impl(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named { .. } | TypeRef::Param(_) => false,
        TypeRef::Known(known) => matches!(known, Known::Uuid | Known::Decimal | Known::Bytes),
        TypeRef::Tuple(items) => items.iter().all(has_default_impl),
        TypeRef::Boxed(inner) => has_default_impl(inner),
        _ => true,
    }
}

pub(super) fn field_view(field: &Field, options: &RustOptions) -> FieldView {
    let mut attrs = Vec::new();
    let name = ident(&field.rust_name);
    if field.json_name != field.rust_name.trim_start_matches("r#") {
        attrs.push(format!("#[serde(rename = {})]", lit(&field.json_name)));
    }
    let mut ty = rust_ty(&field.ty, options);
    if field.flatten {
        attrs.push("#[serde(flatten)]".to_owned());
    } else if field.may_skip {
        // The client writes the key exactly when the server would: the same predicate for
        // the standard ones, and always otherwise (a custom predicate cannot be called here).
        let emptiness = field
            .skip_if
            .as_deref()
            .is_some_and(|p| p.ends_with("is_empty"));
        match &field.ty {
            TypeRef::Option(_) => {
                attrs.push("#[serde(default, skip_serializing_if = \"Option::is_none\")]".to_owned());
            }
            TypeRef::List(_) if emptiness => {
                attrs.push("#[serde(default, skip_serializing_if = \"Vec::is_empty\")]".to_owned());
            }
            TypeRef::Map(_) if emptiness => attrs.push(
                "#[serde(default, skip_serializing_if = \"::std::collections::BTreeMap::is_empty\")]".to_owned(),
            ),
            TypeRef::String if emptiness => {
                attrs.push("#[serde(default, skip_serializing_if = \"String::is_empty\")]".to_owned());
            }
            // The server may leave the key out: a type with a default takes it, any other is
            // made optional so that decoding cannot fail.
            t if has_default_impl(t) => attrs.push("#[serde(default)]".to_owned()),
            _ => {
                ty = format!("Option<{ty}>");
                attrs.push("#[serde(default, skip_serializing_if = \"Option::is_none\")]".to_owned());
            }
        }
    }
    FieldView {
        docs: doc_attrs({
            let mut lines = doc_lines(&field.docs);
            if let Some(summary) = field.rules.summary(&field.ty) {
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                lines.push(summary);
            }
            lines
        }),
        attrs,
        name,
        ty,
    }
}

/// Whether a type is `Copy` as the client declares it.
pub(super) fn is_copy(ty: &TypeRef, api: &Api, options: &RustOptions, depth: usize) -> bool {
    match ty {
        TypeRef::Bool | TypeRef::Int(_) | TypeRef::Float | TypeRef::Char | TypeRef::Unit => true,
        TypeRef::Known(known) => !matches!(known, Known::Url | Known::Bytes),
        TypeRef::Option(inner) => is_copy(inner, api, options, depth),
        TypeRef::Tuple(items) => items.iter().all(|t| is_copy(t, api, options, depth)),
        TypeRef::Named { name, args } => {
            depth < 16
                && !options.type_map.contains_key(name)
                && args.iter().all(|t| is_copy(t, api, options, depth + 1))
                && api.types.get(name).is_some_and(|def| {
                    def.derives.iter().any(|d| d == "Copy")
                        && shape_is_copy(&def.shape, api, options, depth + 1)
                })
        }
        _ => false,
    }
}

pub(super) fn shape_is_copy(shape: &Shape, api: &Api, options: &RustOptions, depth: usize) -> bool {
    let mut all = true;
    sailroute_ir::model::shape_types(shape, &mut |t| {
        all &= is_copy(t, api, options, depth);
    });
    all
}

/// The server's extra derives that hold for the client's declaration: `Copy` only when every
/// field is `Copy` here too (a `&'static str` field is a `String` in the client).
pub(super) fn derives(def: &TypeDef, api: &Api, options: &RustOptions) -> String {
    def.derives
        .iter()
        .filter(|d| *d != "Copy" || shape_is_copy(&def.shape, api, options, 0))
        .map(|d| format!(", {d}"))
        .collect()
}

pub(super) fn type_view(def: &TypeDef, api: &Api, options: &RustOptions) -> TypeView {
    let generics = if def.generics.is_empty() {
        String::new()
    } else {
        format!("<{}>", def.generics.join(", "))
    };
    let mut view = TypeView {
        docs: doc_attrs(doc_lines(&def.docs)),
        derives: derives(def, api, options),
        undocumented: false,
        attrs: Vec::new(),
        kind: "struct",
        name: def.name.clone(),
        generics,
        fields: Vec::new(),
        items: Vec::new(),
        variants: Vec::new(),
    };
    match &def.shape {
        Shape::Struct(fields) => {
            view.fields = fields.iter().map(|f| field_view(f, options)).collect()
        }
        Shape::Tuple(items) => {
            view.kind = "tuple";
            view.items = items.iter().map(|t| rust_ty(t, options)).collect();
        }
        Shape::Newtype(inner) => {
            view.kind = "tuple";
            view.items = vec![rust_ty(inner, options)];
        }
        Shape::Unit => view.kind = "unit",
        Shape::Enum { repr, variants } => {
            view.kind = "enum";
            view.attrs.push(match repr {
                EnumRepr::External => String::new(),
                EnumRepr::Internal { tag } => format!("#[serde(tag = {})]", lit(tag)),
                EnumRepr::Adjacent { tag, content } => {
                    format!("#[serde(tag = {}, content = {})]", lit(tag), lit(content))
                }
                EnumRepr::Untagged => "#[serde(untagged)]".to_owned(),
            });
            view.attrs.retain(|a| !a.is_empty());
            view.variants = variants
                .iter()
                .map(|v| {
                    let mut attrs = Vec::new();
                    if v.is_default {
                        attrs.push("#[default]".to_owned());
                    }
                    if v.json_name != v.rust_name.trim_start_matches("r#") {
                        attrs.push(format!("#[serde(rename = {})]", lit(&v.json_name)));
                    }
                    let (kind, items, fields) = match &v.shape {
                        VariantShape::Unit => ("unit", Vec::new(), Vec::new()),
                        VariantShape::Newtype(t) => {
                            ("tuple", vec![rust_ty(t, options)], Vec::new())
                        }
                        VariantShape::Tuple(ts) => (
                            "tuple",
                            ts.iter().map(|t| rust_ty(t, options)).collect(),
                            Vec::new(),
                        ),
                        VariantShape::Struct(fs) => (
                            "struct",
                            Vec::new(),
                            fs.iter().map(|f| field_view(f, options)).collect(),
                        ),
                    };
                    VariantView {
                        docs: doc_attrs(doc_lines(&v.docs)),
                        attrs,
                        name: ident(&v.rust_name),
                        kind,
                        items,
                        fields,
                    }
                })
                .collect();
        }
    }
    view.undocumented = view.docs.is_empty()
        || view.fields.iter().any(|f| f.docs.is_empty())
        || view
            .variants
            .iter()
            .any(|v| v.docs.is_empty() || v.fields.iter().any(|f| f.docs.is_empty()))
        || !view.items.is_empty();
    for key in [def.name.as_str(), "*"] {
        if let Some(extra) = options.type_attributes.get(key) {
            view.attrs.extend(extra.iter().cloned());
        }
    }
    view
}
