//! The TypeScript spelling of the model's types, as serde_json writes them.

use super::*;

pub(super) fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c == '$' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_ascii_alphanumeric())
}

/// A property key: bare when it can be, quoted otherwise.
pub(super) fn key(name: &str) -> String {
    if is_ident(name) {
        name.to_owned()
    } else {
        string(name)
    }
}

/// A JS/TS string literal.
pub(super) fn string(text: &str) -> String {
    // JSON string syntax is valid JavaScript.
    serde_json_string(text)
}

pub(super) fn serde_json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// JSDoc-safe lines.
pub(super) fn jsdoc(lines: Vec<String>) -> Vec<String> {
    lines.into_iter().map(|l| l.replace("*/", "*\\/")).collect()
}

pub(super) const INT_NOTE: &str = "64-bit integer: JavaScript numbers hold it exactly only up to 2^53 - 1 (`Number.MAX_SAFE_INTEGER`).";

pub(super) fn mentions_wide_int(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Int(kind) => kind.exceeds_js(),
        TypeRef::Option(inner)
        | TypeRef::Boxed(inner)
        | TypeRef::List(inner)
        | TypeRef::Map(inner) => mentions_wide_int(inner),
        TypeRef::Tuple(items) => items.iter().any(mentions_wide_int),
        _ => false,
    }
}

/// What the JSON of a well-known type looks like, for its `@format` note.
pub(super) fn known_format(known: Known) -> &'static str {
    match known {
        Known::Uuid => "uuid",
        Known::DateTimeUtc | Known::DateTimeFixed | Known::DateTimeLocal => "date-time (RFC 3339)",
        Known::NaiveDateTime => "date-time without an offset (YYYY-MM-DDTHH:MM:SS[.fff])",
        Known::NaiveDate => "date (YYYY-MM-DD)",
        Known::NaiveTime => "time (HH:MM:SS[.fff])",
        Known::Url => "uri",
        Known::IpAddr => "ip (v4 or v6)",
        Known::Ipv4Addr => "ipv4",
        Known::Ipv6Addr => "ipv6",
        Known::SocketAddr => "socket address (host:port)",
        Known::Decimal => "decimal (a number as a string, exact)",
        Known::Bytes => "bytes (each 0 to 255)",
    }
}

/// The TypeScript spelling of a type, as serde_json writes it.
pub(super) fn ts(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "boolean".to_owned(),
        TypeRef::Int(_) | TypeRef::Float => "number".to_owned(),
        TypeRef::Char | TypeRef::String => "string".to_owned(),
        TypeRef::Known(known) if known.is_string() => "string".to_owned(),
        TypeRef::Known(_) => "Array<number>".to_owned(),
        TypeRef::Unit => "null".to_owned(),
        TypeRef::Json => "unknown".to_owned(),
        TypeRef::Option(inner) => format!("{} | null", ts(inner)),
        // The generated method sends the JSON text; the caller writes the value.
        TypeRef::Boxed(inner) | TypeRef::JsonText(inner) => ts(inner),
        TypeRef::List(inner) => format!("Array<{}>", ts(inner)),
        TypeRef::Map(inner) => format!("Record<string, {}>", ts(inner)),
        TypeRef::Tuple(items) => {
            format!("[{}]", items.iter().map(ts).collect::<Vec<_>>().join(", "))
        }
        TypeRef::Named { name, args } if args.is_empty() => name.clone(),
        TypeRef::Named { name, args } => format!(
            "{name}<{}>",
            args.iter().map(ts).collect::<Vec<_>>().join(", ")
        ),
        TypeRef::Param(name) => name.clone(),
    }
}

pub(super) fn field_docs(field: &Field) -> Vec<String> {
    let mut docs = doc_lines(&field.docs);
    let known = match &field.ty {
        TypeRef::Known(k) => Some(*k),
        TypeRef::Option(inner) | TypeRef::List(inner) => match **inner {
            TypeRef::Known(k) => Some(k),
            _ => None,
        },
        _ => None,
    };
    if let Some(format) = known.map(known_format) {
        docs.push(format!("@format {format}"));
    }
    if let Some(summary) = field.rules.summary(&field.ty) {
        docs.push(summary);
    }
    if mentions_wide_int(&field.ty) {
        docs.push(INT_NOTE.to_owned());
    }
    jsdoc(docs)
}

/// A field is optional when serde may leave it out (`skip_serializing_if`) or accepts it
/// missing (`default`, `Option`): one declaration serves requests and responses.
pub(super) fn ts_field(field: &Field) -> TsField {
    TsField {
        docs: field_docs(field),
        name: key(&field.json_name),
        optional: field.may_skip || field.has_default,
        ty: ts(&field.ty),
    }
}

/// An object type literal on one line: `{ a: string; b?: number }`.
pub(super) fn inline_object(fields: &[TsField]) -> String {
    if fields.is_empty() {
        return "{}".to_owned();
    }
    let parts: Vec<String> = fields
        .iter()
        .map(|f| format!("{}{}: {}", f.name, if f.optional { "?" } else { "" }, f.ty))
        .collect();
    format!("{{ {} }}", parts.join("; "))
}

/// A struct's fields, flattened ones as intersections.
pub(super) fn object_with_flatten(fields: &[Field]) -> (Vec<TsField>, Vec<String>) {
    let own = fields.iter().filter(|f| !f.flatten).map(ts_field).collect();
    let flattened = fields
        .iter()
        .filter(|f| f.flatten)
        .map(|f| match &f.ty {
            // An index signature constrains every key, the named ones too: the extra keys
            // can only be typed `unknown` beside them.
            TypeRef::Map(_) => "Record<string, unknown>".to_owned(),
            TypeRef::Option(inner) => format!("Partial<{}>", ts(inner)),
            other => ts(other),
        })
        .collect();
    (own, flattened)
}

pub(super) fn ts_type(def: &TypeDef) -> TsType {
    let generics = if def.generics.is_empty() {
        String::new()
    } else {
        format!("<{}>", def.generics.join(", "))
    };
    let mut out = TsType {
        docs: jsdoc(doc_lines(&def.docs)),
        name: def.name.clone(),
        generics,
        fields: None,
        expr: String::new(),
    };
    match &def.shape {
        Shape::Struct(fields) => {
            let (own, flattened) = object_with_flatten(fields);
            if flattened.is_empty() {
                out.fields = Some(own);
            } else {
                let mut parts = vec![inline_object(&own)];
                parts.extend(flattened);
                out.expr = format!(" {}", parts.join(" & "));
            }
        }
        Shape::Tuple(items) => {
            out.expr = format!(" [{}]", items.iter().map(ts).collect::<Vec<_>>().join(", "))
        }
        Shape::Newtype(inner) => out.expr = format!(" {}", ts(inner)),
        Shape::Unit => out.expr = " null".to_owned(),
        Shape::Enum { repr, variants } => {
            let alternatives: Vec<String> = variants
                .iter()
                .map(|v| {
                    let tag = string(&v.json_name);
                    let content = match &v.shape {
                        VariantShape::Unit => None,
                        VariantShape::Newtype(t) => Some(ts(t)),
                        VariantShape::Tuple(items) => Some(format!(
                            "[{}]",
                            items.iter().map(ts).collect::<Vec<_>>().join(", ")
                        )),
                        VariantShape::Struct(fields) => {
                            let (own, flattened) = object_with_flatten(fields);
                            let mut parts = vec![inline_object(&own)];
                            parts.extend(flattened);
                            Some(parts.join(" & "))
                        }
                    };
                    match (repr, content) {
                        (EnumRepr::External, None) => tag,
                        (EnumRepr::External, Some(c)) => {
                            format!("{{ {}: {} }}", key(&v.json_name), c)
                        }
                        (EnumRepr::Internal { tag: t }, None) => {
                            format!("{{ {}: {} }}", key(t), tag)
                        }
                        (EnumRepr::Internal { tag: t }, Some(c)) => {
                            format!("({{ {}: {} }} & {})", key(t), tag, c)
                        }
                        (EnumRepr::Adjacent { tag: t, .. }, None) => {
                            format!("{{ {}: {} }}", key(t), tag)
                        }
                        (EnumRepr::Adjacent { tag: t, content }, Some(c)) => {
                            format!("{{ {}: {}; {}: {} }}", key(t), tag, key(content), c)
                        }
                        (EnumRepr::Untagged, None) => "null".to_owned(),
                        (EnumRepr::Untagged, Some(c)) => c,
                    }
                })
                .collect();
            out.expr = match alternatives.len() {
                0 => " never".to_owned(),
                1 => format!(" {}", alternatives[0]),
                _ => alternatives
                    .iter()
                    .zip(variants)
                    .map(|(a, v)| match inline_doc(&v.docs) {
                        doc if doc.is_empty() => format!("\n  | {a}"),
                        doc => format!("\n  /** {doc} */\n  | {a}"),
                    })
                    .collect(),
            };
        }
    }
    out
}

/// A doc comment on one line, for a JSDoc comment inside a type (`*/` cannot end it early).
pub(super) fn inline_doc(docs: &sailroute_ir::model::Docs) -> String {
    doc_lines(docs)
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace("*/", "*\\/")
}

pub(super) fn const_enum(def: &TypeDef) -> Option<ConstEnum> {
    let Shape::Enum {
        repr: EnumRepr::External,
        variants,
    } = &def.shape
    else {
        return None;
    };
    if variants.is_empty()
        || !variants.iter().all(|v| v.shape == VariantShape::Unit)
        || !def.generics.is_empty()
    {
        return None;
    }
    Some(ConstEnum {
        docs: jsdoc(doc_lines(&def.docs)),
        name: def.name.clone(),
        values: variants
            .iter()
            .map(|v| (key(&v.rust_name), string(&v.json_name), inline_doc(&v.docs)))
            .collect(),
    })
}
