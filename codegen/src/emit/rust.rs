//! The Rust client: types re-declared with the serde attributes that give the same JSON, and
//! a `Client` with one async method per route, rendered through `templates/rust/` and
//! formatted with prettyplease.

use std::collections::BTreeMap;

use askama::Template;
use sailroute_ir::model::{
    Api, EnumRepr, Field, Known, Response, Route, Segment, Shape, TypeDef, TypeRef, VariantShape,
};

use super::{GENERATED, doc_lines};
use crate::Error;

/// Options for the Rust client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RustOptions {
    /// Type name -> Rust path to use instead of re-declaring it (or instead of the type a
    /// well-known type keeps).
    pub type_map: BTreeMap<String, String>,
    /// Type name (or `*` for every type) -> attributes to put on its declaration, as written
    /// (`#[derive(Hash)]`, `#[non_exhaustive]`), like prost-build's `type_attribute`.
    pub type_attributes: BTreeMap<String, Vec<String>>,
}

#[derive(Template)]
#[template(path = "rust/client.rs.jinja", escape = "none")]
struct ClientFile {
    /// The API's hash on the wire (`sailroute_ir::compat::contract_hash`).
    contract: String,
    types: Vec<TypeView>,
    methods: Vec<MethodView>,
    events: Vec<ListenerView>,
    resources: Vec<ListenerView>,
}

/// A typed listener: `on_<fn_name>(|payload: ty| …)` for the event `name`.
struct ListenerView {
    fn_name: String,
    name: String,
    ty: String,
    /// For resources: the message alias and what it stands for.
    alias: String,
    record: String,
    id: String,
}

struct TypeView {
    docs: Vec<String>,
    /// Derives beyond the ones every client type has, each with a leading `, `.
    derives: String,
    /// The type, a field or a variant has no doc comment on the server.
    undocumented: bool,
    attrs: Vec<String>,
    kind: &'static str,
    name: String,
    generics: String,
    fields: Vec<FieldView>,
    items: Vec<String>,
    variants: Vec<VariantView>,
}

struct FieldView {
    docs: Vec<String>,
    attrs: Vec<String>,
    name: String,
    ty: String,
}

struct VariantView {
    docs: Vec<String>,
    attrs: Vec<String>,
    name: String,
    kind: &'static str,
    items: Vec<String>,
    fields: Vec<FieldView>,
}

struct MethodView {
    docs: Vec<String>,
    name: String,
    params: Vec<(String, String)>,
    ok: String,
    err: String,
    method: &'static str,
    path: String,
    /// The call takes a query, a body; it subscribes; its success has no body to decode.
    query: bool,
    body: bool,
    subscribing: bool,
    empty: bool,
}

/// Renders the Rust client for `api`.
pub(crate) fn render(api: &Api, options: &RustOptions) -> Result<String, Error> {
    let contract = sailroute_ir::compat::contract_hash(api);
    let api = &super::links::rewrite(api, super::links::Lang::Rust);
    if let Some(name) = api
        .referenced_names()
        .into_iter()
        .find(|n| !api.types.contains_key(n) && !options.type_map.contains_key(n))
    {
        return Err(Error::Config(format!(
            "the type `{name}` has a TypeScript shape only (`ts_type`), so the Rust client has no type for it: give its Rust path with `.map_type(\"{name}\", \"<Rust path>\")` or `.extern_type(..)`"
        )));
    }
    // Mapped types are not declared, so they cannot clash.
    let declared: Vec<&TypeDef> = api
        .types
        .values()
        .filter(|def| !options.type_map.contains_key(&def.name))
        .collect();
    super::check_reserved(
        declared.iter().copied(),
        &["Client", "CONTRACT"],
        "the Rust client",
    )?;
    let listeners: Vec<String> = api
        .events
        .iter()
        .map(|e| format!("on_{}", snake(&e.name)))
        .chain(
            api.resources
                .iter()
                .map(|r| format!("on_{}", snake(&r.identity))),
        )
        .collect();
    super::check_method_names(
        api,
        |route| route.name.clone(),
        |name| RUST_CLIENT_METHODS.contains(&name) || listeners.iter().any(|l| l == name),
        "the Rust client",
    )?;
    let types = declared
        .iter()
        .map(|def| type_view(def, api, options))
        .collect();
    let aliases: Vec<String> = api
        .resources
        .iter()
        .map(|r| super::js::message_alias(&r.record))
        .collect();
    let alias_refs: Vec<&str> = aliases.iter().map(String::as_str).collect();
    super::check_reserved(
        declared.iter().copied(),
        &alias_refs,
        "a resource's message type",
    )?;
    let methods = api
        .routes
        .iter()
        .map(|r| method_view(r, options))
        .collect::<Result<_, _>>()?;
    let events = api
        .events
        .iter()
        .map(|e| ListenerView {
            fn_name: snake(&e.name),
            name: lit(&e.name),
            ty: rust_ty(
                &TypeRef::Named {
                    name: e.ty.clone(),
                    args: Vec::new(),
                },
                options,
            ),
            alias: String::new(),
            record: String::new(),
            id: String::new(),
        })
        .collect();
    let resources = api
        .resources
        .iter()
        .map(|r| {
            let alias = super::js::message_alias(&r.record);
            ListenerView {
                fn_name: snake(&r.identity),
                name: lit(&r.identity),
                ty: alias.clone(),
                alias,
                record: rust_ty(
                    &TypeRef::Named {
                        name: r.record.clone(),
                        args: Vec::new(),
                    },
                    options,
                ),
                id: rust_ty(&r.id, options),
            }
        })
        .collect();
    let source = ClientFile {
        contract,
        types,
        methods,
        events,
        resources,
    }
    .render()
    .map_err(|e| Error::Render {
        what: "the Rust client",
        message: e.to_string(),
        source: Box::new(e),
    })?;
    let file = syn::parse_file(&source).map_err(|e| Error::Render {
        what: "the Rust client",
        message: format!("generated code does not parse ({e}):\n{source}"),
        source: Box::new(e),
    })?;
    Ok(format!(
        "// {GENERATED}\n\n{}",
        spaced(&prettyplease::unparse(&file))
    ))
}

/// prettyplease puts items and methods back to back; a blank line after each closing
/// brace at item level makes the file read like hand-written code.
fn spaced(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 20);
    let mut prev: Option<&str> = None;
    for line in code.lines() {
        if let Some(p) = prev {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let closes = p.trim() == "}" || p.trim_end().ends_with(';') && indent(p) == 0;
            let opens_item = !line.trim().is_empty()
                && !line.trim_start().starts_with('}')
                && !line.trim_start().starts_with(')');
            if closes && opens_item && indent(p) == indent(line) && indent(line) <= 4 {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

/// An event name as a method-name suffix: `chat:typing` -> `chat_typing`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() {
        "event".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// A Rust string literal (with escapes) for `text`.
fn lit(text: &str) -> String {
    format!("{text:?}")
}

fn doc_attrs(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .map(|l| format!("#[doc = {}]", lit(&format!(" {l}"))))
        .collect()
}

/// The Rust client's own methods (an event's or resource's `on_<name>` listener too).
const RUST_CLIENT_METHODS: &[&str] = &[
    "connect",
    "http",
    "from_raw",
    "raw",
    "with_timeout",
    "with_header",
    "state",
];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// The Rust spelling of a type in the client.
fn rust_ty(ty: &TypeRef, options: &RustOptions) -> String {
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
fn known_rust(known: Known) -> &'static str {
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
fn has_default_impl(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named { .. } | TypeRef::Param(_) => false,
        TypeRef::Known(known) => matches!(known, Known::Uuid | Known::Decimal | Known::Bytes),
        TypeRef::Tuple(items) => items.iter().all(has_default_impl),
        TypeRef::Boxed(inner) => has_default_impl(inner),
        _ => true,
    }
}

fn field_view(field: &Field, options: &RustOptions) -> FieldView {
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
        docs: doc_attrs(doc_lines(&field.docs)),
        attrs,
        name,
        ty,
    }
}

/// Whether a type is `Copy` as the client declares it.
fn is_copy(ty: &TypeRef, api: &Api, options: &RustOptions, depth: usize) -> bool {
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

fn shape_is_copy(shape: &Shape, api: &Api, options: &RustOptions, depth: usize) -> bool {
    let mut all = true;
    sailroute_ir::model::shape_types(shape, &mut |t| {
        all &= is_copy(t, api, options, depth);
    });
    all
}

/// The server's extra derives that hold for the client's declaration: `Copy` only when every
/// field is `Copy` here too (a `&'static str` field is a `String` in the client).
fn derives(def: &TypeDef, api: &Api, options: &RustOptions) -> String {
    def.derives
        .iter()
        .filter(|d| *d != "Copy" || shape_is_copy(&def.shape, api, options, 0))
        .map(|d| format!(", {d}"))
        .collect()
}

fn type_view(def: &TypeDef, api: &Api, options: &RustOptions) -> TypeView {
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

/// How a parameter is taken: `Copy` values by value, strings as `&str`, the rest by reference.
fn param_ty(ty: &TypeRef, options: &RustOptions) -> String {
    match ty {
        TypeRef::Bool | TypeRef::Int(_) | TypeRef::Float | TypeRef::Char => rust_ty(ty, options),
        TypeRef::Known(known)
            if !matches!(known, Known::Url | Known::Bytes)
                && !options.type_map.contains_key(known.name()) =>
        {
            rust_ty(ty, options)
        }
        TypeRef::String => "&str".to_owned(),
        _ => format!("&{}", rust_ty(ty, options)),
    }
}

fn method_view(route: &Route, options: &RustOptions) -> Result<MethodView, Error> {
    let mut docs = doc_lines(&route.docs);
    if !docs.is_empty() {
        docs.push(String::new());
    }
    docs.push(format!("`{} {}`", route.method.upper(), route.path.sails()));
    let mut params = Vec::new();
    // The path as pieces to concatenate: literal text and encoded parameters.
    let mut pieces: Vec<String> = Vec::new();
    let mut literal = String::new();
    for segment in &route.path.segments {
        literal.push('/');
        match segment {
            Segment::Literal(text) => literal.push_str(text),
            Segment::Param(name) | Segment::Rest(name) => {
                pieces.push(lit(&std::mem::take(&mut literal)));
                let arg = ident(name);
                let helper = if matches!(segment, Segment::Rest(_)) {
                    "path_rest"
                } else {
                    "path_segment"
                };
                pieces.push(format!("&::sailroute_client::{helper}(&{arg})?"));
                let ty = crate::emit::param_type(route, name)?;
                params.push((arg, param_ty(ty, options)));
            }
        }
    }
    if !literal.is_empty() || pieces.is_empty() {
        pieces.push(lit(if literal.is_empty() { "/" } else { &literal }));
    }
    let path = if pieces.len() == 1 {
        format!("String::from({})", pieces[0])
    } else {
        format!("[{}].concat()", pieces.join(", "))
    };
    if let Some(ty) = &route.query {
        params.push(("query".to_owned(), param_ty(ty, options)));
    }
    if let Some(ty) = &route.body {
        params.push(("body".to_owned(), param_ty(ty, options)));
    }
    let subscribing = !route.subscribes.is_empty();
    let (ok, empty) = match &route.response {
        Response::Json(ty) => (rust_ty(ty, options), false),
        Response::Empty => ("()".to_owned(), true),
    };
    if subscribing {
        docs.push(String::new());
        docs.push(format!(
            "Subscribes this socket to {}; re-issued after a reconnect.",
            route
                .subscribes
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let err = route.error.as_ref().map_or_else(
        || "::sailroute_client::serde_json::Value".to_owned(),
        |t| rust_ty(t, options),
    );
    Ok(MethodView {
        docs: doc_attrs(docs),
        name: ident(&route.name),
        params,
        ok,
        err,
        method: route.method.upper(),
        path,
        query: route.query.is_some(),
        body: route.body.is_some(),
        subscribing,
        empty,
    })
}
