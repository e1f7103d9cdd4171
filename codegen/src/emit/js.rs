//! The JavaScript client: an ES module (`index.js`) with TypeScript declarations
//! (`index.d.ts`), rendered through `templates/js/` and `templates/ts/`. No bare imports at
//! run time: the socket.io-client socket (or `fetch`) is passed in.

use std::collections::BTreeMap;

use askama::Template;
use sailroute_ir::model::{
    Api, EnumRepr, Field, Known, Response, Route, Segment, Shape, TypeDef, TypeRef, VariantShape,
};

use super::{GENERATED, camel, doc_lines};
use crate::Error;

#[derive(Template)]
#[template(path = "js/index.js.jinja", escape = "none")]
struct JsFile<'a> {
    header: &'static str,
    /// The API's hash on the wire.
    contract: String,
    methods: &'a [MethodView],
    consts: &'a [ConstEnum],
}

#[derive(Template)]
#[template(path = "js/browser.js.jinja", escape = "none")]
struct BrowserFile<'a> {
    header: &'static str,
    /// The API's hash on the wire.
    contract: String,
    methods: &'a [MethodView],
    consts: &'a [ConstEnum],
}

struct EventView {
    name: String,
    name_literal: String,
    ty: String,
}

struct ResourceView {
    identity: String,
    identity_literal: String,
    alias: String,
    record: String,
    id: String,
}

#[derive(Template)]
#[template(path = "ts/index.d.ts.jinja", escape = "none")]
struct DtsFile<'a> {
    header: &'static str,
    types: Vec<TsType>,
    methods: &'a [MethodView],
    consts: &'a [ConstEnum],
    events: Vec<EventView>,
    resources: Vec<ResourceView>,
}

struct MethodView {
    docs: Vec<String>,
    name: String,
    /// In call order.
    params: Vec<ParamView>,
    method: &'static str,
    path: String,
    query: &'static str,
    body: &'static str,
    ok: String,
    /// The route's error body type.
    err: String,
    /// The name of the route's error type guard (`isCreateTodoError`).
    guard: String,
    subscribing: bool,
}

struct ParamView {
    name: String,
    ty: String,
    optional: bool,
}

struct TsType {
    docs: Vec<String>,
    name: String,
    generics: String,
    /// `Some(fields)` for an interface, else `expr` is the alias.
    fields: Option<Vec<TsField>>,
    expr: String,
}

struct TsField {
    docs: Vec<String>,
    name: String,
    optional: bool,
    ty: String,
}

/// A unit-only enum, also emitted as a frozen object of its values.
struct ConstEnum {
    docs: Vec<String>,
    name: String,
    /// Key, value and the variant's doc comment (one line, empty for none).
    values: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "js/package.json.jinja", escape = "none")]
struct PackageFile {
    name: String,
    version: String,
    runtime: String,
}

/// The runtime version generated clients need: the generator's own, as a caret range.
pub(crate) const RUNTIME_RANGE: &str = concat!("^", env!("CARGO_PKG_VERSION"));

/// The `package.json` written beside `index.js`: a publishable ES module package named
/// `name` at `version`, its types first, with the runtime and socket.io-client 4 as peer
/// dependencies (one runtime per app, so one `ClientError`).
pub(crate) fn render_package(name: &str, version: &str) -> Result<String, Error> {
    check_package_name(name)?;
    check_package_version(version)?;
    let mut text = PackageFile {
        name: string(name),
        version: string(version),
        runtime: string(RUNTIME_RANGE),
    }
    .render()
    .map_err(|e| Error::Render {
        what: "package.json",
        message: e.to_string(),
        source: Box::new(e),
    })?;
    text.push('\n');
    Ok(text)
}

/// npm's rules for a package name: at most 214 characters, lower case, URL-safe, an optional
/// `@scope/`, and no leading `.` or `_`.
fn check_package_name(name: &str) -> Result<(), Error> {
    let bare = match name.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, bare)) if !scope.is_empty() && name_chars(scope) => bare,
            _ => "",
        },
        None => name,
    };
    let valid =
        !bare.is_empty() && name.len() <= 214 && name_chars(bare) && !bare.starts_with(['.', '_']);
    if valid {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "{name:?} is not an npm package name: give one like \"todo-client\" or \"@acme/todo-client\" (lower case letters, digits, `-`, `.`, `_`) with `.js_package(name, version)` or `--js-name`"
        )))
    }
}

fn name_chars(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_' | '~'))
}

/// A semantic version, `MAJOR.MINOR.PATCH` with an optional pre-release or build suffix.
pub(crate) fn check_package_version(version: &str) -> Result<(), Error> {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    let valid = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    if valid {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "{version:?} is not a semantic version: give one like \"1.2.0\" with `.js_package(name, version)` or `--js-version`"
        )))
    }
}

/// The package name a client generated into `dir` gets when none is given: the directory's
/// name, or its parent's when the directory has a generic name (`js`, `src`, …), lower-cased
/// and made URL-safe.
pub(crate) fn default_package_name(dir: &std::path::Path) -> String {
    const GENERIC: &[&str] = &[
        "js",
        "src",
        "lib",
        "dist",
        "out",
        "pkg",
        "package",
        "generated",
        "client",
        "api",
    ];
    let names: Vec<String> = dir
        .components()
        .rev()
        .filter_map(|c| match c {
            std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let chosen = names
        .iter()
        .find(|n| !GENERIC.contains(&n.to_ascii_lowercase().as_str()))
        .or(names.first());
    let mut name: String = chosen
        .map(|n| {
            n.chars()
                .map(|c| {
                    let c = c.to_ascii_lowercase();
                    if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.') {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    name = name.trim_start_matches(['.', '-']).to_owned();
    if name.is_empty() {
        name = "api-client".to_owned();
    }
    name
}

/// The alias of a resource's message union: `Pet` -> `PetChange`.
pub(crate) fn message_alias(record: &str) -> String {
    format!("{record}Change")
}

/// Renders the classic-script flavour (`browser.js`) for `api`.
pub(crate) fn render_browser(api: &Api) -> Result<String, Error> {
    let contract = sailroute_ir::compat::contract_hash(api);
    let api = &super::links::rewrite(api, super::links::Lang::TypeScript);
    let methods: Vec<MethodView> = api
        .routes
        .iter()
        .map(|r| method_view(r, api))
        .collect::<Result<_, _>>()?;
    let consts: Vec<ConstEnum> = api.types.values().filter_map(const_enum).collect();
    BrowserFile {
        header: GENERATED,
        contract,
        methods: &methods,
        consts: &consts,
    }
    .render()
    .map_err(|e| Error::Render {
        what: "browser.js",
        message: e.to_string(),
        source: Box::new(e),
    })
}

/// Options for the JavaScript client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsOptions {
    /// Type name -> TypeScript type to declare it as, instead of the scanned declaration (or
    /// for a type no scanned file declares).
    pub type_map: BTreeMap<String, String>,
    /// The generated package's npm name; by default the output directory's
    /// (its name, lower-cased and made URL-safe), or the crate's in a build script.
    pub package_name: Option<String>,
    /// The generated package's version; by default the crate's in a build script, else `0.1.0`.
    pub package_version: Option<String>,
}

/// [`render`] with options.
pub(crate) fn render_with(api: &Api, options: &JsOptions) -> Result<(String, String), Error> {
    let contract = sailroute_ir::compat::contract_hash(api);
    let api = &super::links::rewrite(api, super::links::Lang::TypeScript);
    super::check_reserved(api.types.values(), RESERVED, "the JavaScript client")?;
    super::check_method_names(
        api,
        |route| camel(&route.name),
        |name| JS_CLIENT_METHODS.contains(&name),
        "the JavaScript client",
    )?;
    let referenced = api.referenced_names();
    let missing: Vec<&String> = referenced
        .iter()
        .filter(|n| !api.types.contains_key(*n) && !options.type_map.contains_key(*n))
        .collect();
    if let Some(name) = missing.first() {
        return Err(Error::Config(format!(
            "the type `{name}` is mapped for the Rust client only (`map_type`), so the TypeScript client has no shape for it: give one with `.ts_type(\"{name}\", \"<TypeScript type>\")` or `.extern_type(\"{name}\", \"<Rust path>\", \"<TypeScript type>\")`"
        )));
    }
    let aliases: Vec<String> = api
        .resources
        .iter()
        .map(|r| message_alias(&r.record))
        .collect();
    let alias_refs: Vec<&str> = aliases.iter().map(String::as_str).collect();
    super::check_reserved(api.types.values(), &alias_refs, "a resource's message type")?;
    let methods: Vec<MethodView> = api
        .routes
        .iter()
        .map(|r| method_view(r, api))
        .collect::<Result<_, _>>()?;
    let consts: Vec<ConstEnum> = api.types.values().filter_map(const_enum).collect();
    let mut types: Vec<TsType> = api
        .types
        .values()
        .filter(|def| !options.type_map.contains_key(&def.name))
        .map(ts_type)
        .collect();
    types.extend(
        options
            .type_map
            .iter()
            .filter(|(name, _)| referenced.contains(*name))
            .map(|(name, ts)| TsType {
                docs: jsdoc(vec![format!(
                    "`{name}`, declared outside the scanned source (`ts_type`)."
                )]),
                name: name.clone(),
                generics: String::new(),
                fields: None,
                expr: format!(" {ts}"),
            }),
    );
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let render_error = |what: &'static str| {
        move |e: askama::Error| Error::Render {
            what,
            message: e.to_string(),
            source: Box::new(e),
        }
    };
    let js = JsFile {
        header: GENERATED,
        contract,
        methods: &methods,
        consts: &consts,
    }
    .render()
    .map_err(render_error("index.js"))?;
    let events = api
        .events
        .iter()
        .map(|e| EventView {
            name: e.name.clone(),
            name_literal: string(&e.name),
            ty: e.ty.clone(),
        })
        .collect();
    let resources = api
        .resources
        .iter()
        .map(|r| ResourceView {
            identity: r.identity.clone(),
            identity_literal: string(&r.identity),
            alias: message_alias(&r.record),
            record: r.record.clone(),
            id: ts(&r.id),
        })
        .collect();
    let dts = DtsFile {
        header: GENERATED,
        types,
        methods: &methods,
        consts: &consts,
        events,
        resources,
    }
    .render()
    .map_err(render_error("index.d.ts"))?;
    Ok((js, dts))
}

fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c == '$' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_ascii_alphanumeric())
}

/// A property key: bare when it can be, quoted otherwise.
fn key(name: &str) -> String {
    if is_ident(name) {
        name.to_owned()
    } else {
        string(name)
    }
}

/// A JS/TS string literal.
fn string(text: &str) -> String {
    // JSON string syntax is valid JavaScript.
    serde_json_string(text)
}

fn serde_json_string(text: &str) -> String {
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
fn jsdoc(lines: Vec<String>) -> Vec<String> {
    lines.into_iter().map(|l| l.replace("*/", "*\\/")).collect()
}

const INT_NOTE: &str = "64-bit integer: JavaScript numbers hold it exactly only up to 2^53 - 1 (`Number.MAX_SAFE_INTEGER`).";

fn mentions_wide_int(ty: &TypeRef) -> bool {
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
fn known_format(known: Known) -> &'static str {
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
fn ts(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "boolean".to_owned(),
        TypeRef::Int(_) | TypeRef::Float => "number".to_owned(),
        TypeRef::Char | TypeRef::String => "string".to_owned(),
        TypeRef::Known(known) if known.is_string() => "string".to_owned(),
        TypeRef::Known(_) => "Array<number>".to_owned(),
        TypeRef::Unit => "null".to_owned(),
        TypeRef::Json => "unknown".to_owned(),
        TypeRef::Option(inner) => format!("{} | null", ts(inner)),
        TypeRef::Boxed(inner) => ts(inner),
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

fn field_docs(field: &Field) -> Vec<String> {
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
    if mentions_wide_int(&field.ty) {
        docs.push(INT_NOTE.to_owned());
    }
    jsdoc(docs)
}

/// A field is optional when serde may leave it out (`skip_serializing_if`) or accepts it
/// missing (`default`, `Option`): one declaration serves requests and responses.
fn ts_field(field: &Field) -> TsField {
    TsField {
        docs: field_docs(field),
        name: key(&field.json_name),
        optional: field.may_skip || field.has_default,
        ty: ts(&field.ty),
    }
}

/// An object type literal on one line: `{ a: string; b?: number }`.
fn inline_object(fields: &[TsField]) -> String {
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
fn object_with_flatten(fields: &[Field]) -> (Vec<TsField>, Vec<String>) {
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

fn ts_type(def: &TypeDef) -> TsType {
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

/// Words a JavaScript parameter cannot be named (strict mode, ES modules).
const JS_RESERVED: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    // The client's own names, which a parameter would shadow.
    "options",
    "call",
    "segment",
    "rest",
];

/// A path parameter's name in JavaScript: camelCase, with `_` after a reserved word
/// (`:class` → `class_`).
fn js_param(name: &str) -> String {
    let name = camel(name);
    if JS_RESERVED.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// The JavaScript client's own methods, which a route's method cannot be.
pub(crate) const JS_CLIENT_METHODS: &[&str] = &[
    "on",
    "connectionState",
    "onConnectionState",
    "onResubscribeError",
    "forgetSubscriptions",
];

/// A doc comment on one line, for a JSDoc comment inside a type (`*/` cannot end it early).
fn inline_doc(docs: &sailroute_ir::model::Docs) -> String {
    doc_lines(docs)
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace("*/", "*\\/")
}

fn const_enum(def: &TypeDef) -> Option<ConstEnum> {
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

/// Names the generated module declares itself.
const RESERVED: &[&str] = &[
    "ClientError",
    "Client",
    "ClientOptions",
    "CallOptions",
    "SocketLike",
    "createClient",
    "DEFAULT_TIMEOUT_MS",
    "ConnectionState",
    "CONTRACT",
    "CONTRACT_QUERY",
    // The runtime's helpers the generated module imports.
    "createRuntime",
    "routeError",
    "segment",
    "rest",
];

fn method_view(route: &Route, api: &Api) -> Result<MethodView, Error> {
    let mut docs = doc_lines(&route.docs);
    if !docs.is_empty() {
        docs.push(String::new());
    }
    docs.push(format!("`{} {}`", route.method.upper(), route.path.sails()));
    let err = route
        .error
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), ts);
    docs.push(format!("@throws {{ClientError<{err}>}} when the server answers with an error status, on timeout, disconnection or transport failure, or when the call cannot be encoded"));
    let mut params = Vec::new();
    let mut path = String::new();
    for segment in &route.path.segments {
        path.push('/');
        match segment {
            Segment::Literal(text) => path.push_str(
                &text
                    .replace('\\', "\\\\")
                    .replace('`', "\\`")
                    .replace("${", "\\${"),
            ),
            Segment::Param(name) | Segment::Rest(name) => {
                let arg = js_param(name);
                let helper = if matches!(segment, Segment::Rest(_)) {
                    "rest"
                } else {
                    "segment"
                };
                path.push_str(&format!(
                    "${{{helper}(\"{}\", \"{arg}\", {arg})}}",
                    route.method.upper()
                ));
                let ty = crate::emit::param_type(route, name)?;
                params.push(ParamView {
                    name: arg,
                    ty: ts(ty),
                    optional: false,
                });
            }
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    let query = match &route.query {
        Some(ty) => {
            params.push(ParamView {
                name: "query".to_owned(),
                ty: ts(ty),
                optional: api.reads_absent(ty),
            });
            "query"
        }
        None => "undefined",
    };
    let body = match &route.body {
        Some(ty) => {
            params.push(ParamView {
                name: "body".to_owned(),
                ty: ts(ty),
                optional: false,
            });
            "body"
        }
        None => "undefined",
    };
    let ok = match &route.response {
        Response::Json(ty) => ts(ty),
        Response::Empty => "void".to_owned(),
    };
    let name = camel(&route.name);
    let mut guard = String::from("is");
    let mut chars = name.chars();
    if let Some(first) = chars.next() {
        guard.extend(first.to_uppercase());
        guard.push_str(chars.as_str());
    }
    guard.push_str("Error");
    Ok(MethodView {
        docs: jsdoc(docs),
        name,
        params,
        method: route.method.upper(),
        path,
        query,
        body,
        ok,
        err,
        guard,
        subscribing: !route.subscribes.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::Path;

    use super::*;

    #[test]
    fn default_package_names_come_from_the_output_directory() {
        for (dir, name) in [
            ("examples/todo-client/js", "todo-client"),
            ("web/src/api", "web"),
            ("web/Admin UI/generated", "admin-ui"),
            ("acme_api", "acme-api"),
            ("js", "js"),
            ("", "api-client"),
        ] {
            assert_eq!(default_package_name(Path::new(dir)), name, "{dir}");
        }
    }

    #[test]
    fn npm_refuses_what_the_generator_refuses() {
        for good in ["todo-client", "@acme/todo", "a.b_c~d", "x"] {
            assert!(render_package(good, "1.2.3-beta.1+7").is_ok(), "{good}");
        }
        for bad in ["Todo", "", "@acme", "@/x", ".hidden", "_x", "a b", "a/b"] {
            let error = render_package(bad, "1.0.0").unwrap_err().to_string();
            assert!(error.contains("not an npm package name"), "{bad}: {error}");
        }
        for bad in ["1", "1.2", "v1.2.3", "1.2.x", "1.2.3 beta"] {
            let error = render_package("x", bad).unwrap_err().to_string();
            assert!(error.contains("not a semantic version"), "{bad}: {error}");
        }
    }
}
