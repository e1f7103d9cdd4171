//! JSON Schema for the model's types, as serde_json writes and reads them: the schemas of the
//! OpenAPI and AsyncAPI documents. One component per scanned type (per instantiation for a
//! generic one: `Page<Point>` is `Page_Point`), referenced with `$ref`.
//!
//! A struct's `required` keys are those serde always writes *and* always needs: a field with a
//! default, or one serde may leave out when writing (`skip_serializing_if`), is optional, so
//! the one schema describes both what the server accepts and what it answers. Tagging follows
//! serde: external (`{"Variant": …}`, unit variants as strings), internal (the tag beside the
//! fields), adjacent (`{tag, content}`) and untagged (the content alone); tagged enums are a
//! `oneOf` (the tag tells variants apart), untagged ones an `anyOf` (serde takes the first that
//! reads). `flatten` is an `allOf` of the struct's own keys and the flattened type's.

use std::collections::BTreeMap;

use sailroute_ir::model::{
    Api, Check, EnumRepr, Field, IntKind, Known, Rules, Shape, TypeDef, TypeRef, Variant,
    VariantShape,
};
use serde_json::{Map, Value, json};

/// Which JSON Schema dialect to write: they differ in how tuples are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// JSON Schema 2020-12 (OpenAPI 3.1): `prefixItems`.
    Draft2020,
    /// Draft 07 (AsyncAPI 3.0's default schema format): `items` as an array.
    Draft07,
}

/// Collects the component schemas of the types it is asked about.
pub(crate) struct Schemas<'a> {
    api: &'a Api,
    dialect: Dialect,
    /// Where components live: `#/components/schemas/`.
    prefix: &'static str,
    components: BTreeMap<String, Value>,
}

type Params = BTreeMap<String, TypeRef>;

/// One field of a query struct, as a query parameter.
pub(crate) struct QueryField {
    /// The key (serde's name).
    pub(crate) name: String,
    /// Whether serde needs it.
    pub(crate) required: bool,
    /// Its values' schema.
    pub(crate) schema: Value,
    /// Its doc comment.
    pub(crate) description: Option<String>,
}

impl<'a> Schemas<'a> {
    pub(crate) fn new(api: &'a Api, dialect: Dialect) -> Self {
        Schemas {
            api,
            dialect,
            prefix: "#/components/schemas/",
            components: BTreeMap::new(),
        }
    }

    /// The model the schemas are of.
    pub(crate) fn api(&self) -> &'a Api {
        self.api
    }

    /// The component schemas referenced so far, by component name.
    pub(crate) fn into_components(self) -> BTreeMap<String, Value> {
        self.components
    }

    /// The schema of a type as it is used.
    pub(crate) fn of(&mut self, ty: &TypeRef) -> Value {
        self.of_in(ty, &Params::new())
    }

    /// A struct's fields as separate query parameters, or `None` when the type is not a plain
    /// struct.
    pub(crate) fn query_fields(&mut self, ty: &TypeRef) -> Option<Vec<QueryField>> {
        let TypeRef::Named { name, args } = ty else {
            return None;
        };
        let def = self.api.types.get(name)?;
        let Shape::Struct(fields) = &def.shape else {
            return None;
        };
        if fields.iter().any(|f| f.flatten) {
            return None;
        }
        let params = bind(def, args);
        Some(
            fields
                .iter()
                .map(|f| {
                    // A query has no `null`: an `Option` is the parameter left out.
                    let ty = match &f.ty {
                        TypeRef::Option(inner) => inner.as_ref(),
                        ty => ty,
                    };
                    let mut schema = self.of_in(ty, &params);
                    constrain(&mut schema, &f.rules, ty);
                    QueryField {
                        name: f.json_name.clone(),
                        required: required(f),
                        schema,
                        description: description(&f.docs.0),
                    }
                })
                .collect(),
        )
    }

    fn of_in(&mut self, ty: &TypeRef, params: &Params) -> Value {
        match ty {
            TypeRef::Bool => json!({ "type": "boolean" }),
            TypeRef::Int(kind) => integer(*kind),
            TypeRef::Float => json!({ "type": "number" }),
            TypeRef::Char => json!({ "type": "string", "minLength": 1, "maxLength": 1 }),
            TypeRef::String => json!({ "type": "string" }),
            TypeRef::Unit => json!({ "type": "null" }),
            TypeRef::Json => json!({}),
            TypeRef::Known(known) => known_schema(*known),
            TypeRef::Option(inner) => {
                json!({ "anyOf": [self.of_in(inner, params), { "type": "null" }] })
            }
            TypeRef::Boxed(inner) => self.of_in(inner, params),
            TypeRef::JsonText(inner) => json!({
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": self.of_in(inner, params),
            }),
            TypeRef::List(inner) => json!({ "type": "array", "items": self.of_in(inner, params) }),
            TypeRef::Map(inner) => {
                json!({ "type": "object", "additionalProperties": self.of_in(inner, params) })
            }
            TypeRef::Tuple(items) => {
                let items: Vec<Value> = items.iter().map(|t| self.of_in(t, params)).collect();
                self.tuple(items)
            }
            TypeRef::Named { name, args } => {
                let args: Vec<TypeRef> = args.iter().map(|a| a.substitute(params)).collect();
                self.named(name, &args)
            }
            TypeRef::Param(name) => match params.get(name) {
                Some(bound) => {
                    let bound = bound.clone();
                    self.of_in(&bound, &Params::new())
                }
                // An unbound parameter (a generic type used bare): any JSON.
                None => json!({}),
            },
        }
    }

    /// A `$ref` to the component for `name<args>`, building the component the first time.
    fn named(&mut self, name: &str, args: &[TypeRef]) -> Value {
        let key = component_name(name, args);
        let reference = json!({ "$ref": format!("{}{key}", self.prefix) });
        if self.components.contains_key(&key) {
            return reference;
        }
        let Some(def) = self.api.types.get(name) else {
            // Declared outside the scanned source (`ts_type` / `extern_type`): its shape is
            // not known here, so any JSON.
            self.components.insert(
                key,
                json!({ "description": format!("`{name}`, declared outside the scanned source.") }),
            );
            return reference;
        };
        // A placeholder first, so a recursive type refers to itself instead of looping.
        self.components.insert(key.clone(), Value::Null);
        let params = bind(def, args);
        let mut schema = self.shape(&def.shape, &params);
        if let (Some(text), Value::Object(map)) = (description(&def.docs.0), &mut schema) {
            map.insert("description".to_owned(), Value::String(text));
        }
        if let Value::Object(map) = &mut schema {
            map.insert("title".to_owned(), Value::String(name.to_owned()));
        }
        self.components.insert(key, schema);
        reference
    }

    fn shape(&mut self, shape: &Shape, params: &Params) -> Value {
        match shape {
            Shape::Struct(fields) => self.object(fields, params, None),
            Shape::Tuple(items) => {
                let items: Vec<Value> = items.iter().map(|t| self.of_in(t, params)).collect();
                self.tuple(items)
            }
            Shape::Newtype(inner) => self.of_in(inner, params),
            Shape::Unit => json!({ "type": "null" }),
            Shape::Enum { repr, variants } => self.enumeration(repr, variants, params),
        }
    }

    /// An object of `fields`, with `tag` (key, value) first when internally tagged.
    fn object(&mut self, fields: &[Field], params: &Params, tag: Option<(&str, &str)>) -> Value {
        let mut properties = Map::new();
        let mut needed = Vec::new();
        if let Some((key, value)) = tag {
            properties.insert(key.to_owned(), json!({ "const": value }));
            needed.push(Value::String(key.to_owned()));
        }
        let mut flattened = Vec::new();
        let mut open = false;
        for field in fields {
            if field.flatten {
                match self.flattened(&field.ty, params) {
                    Some(schema) => flattened.push(schema),
                    // A flattened map takes every other key.
                    None => open = true,
                }
                continue;
            }
            let mut schema = self.of_in(&field.ty, params);
            constrain(&mut schema, &field.rules, &field.ty);
            if let (Some(text), Value::Object(map)) = (description(&field.docs.0), &mut schema) {
                map.insert("description".to_owned(), Value::String(text));
            }
            properties.insert(field.json_name.clone(), schema);
            if required(field) {
                needed.push(Value::String(field.json_name.clone()));
            }
        }
        let mut own = Map::new();
        own.insert("type".to_owned(), json!("object"));
        own.insert("properties".to_owned(), Value::Object(properties));
        if !needed.is_empty() {
            own.insert("required".to_owned(), Value::Array(needed));
        }
        if open {
            own.insert("additionalProperties".to_owned(), Value::Bool(true));
        }
        if flattened.is_empty() {
            return Value::Object(own);
        }
        let mut all = vec![Value::Object(own)];
        all.extend(flattened);
        json!({ "allOf": all })
    }

    /// The schema a flattened field adds, or `None` for a map (any other key).
    fn flattened(&mut self, ty: &TypeRef, params: &Params) -> Option<Value> {
        match ty {
            // A flattened `Option` writes its keys or none of them: only "any other key" holds.
            TypeRef::Map(_) | TypeRef::Json | TypeRef::Option(_) => None,
            TypeRef::Boxed(inner) => self.flattened(inner, params),
            TypeRef::Param(name) => match params.get(name) {
                Some(bound) => {
                    let bound = bound.clone();
                    self.flattened(&bound, &Params::new())
                }
                None => None,
            },
            other => Some(self.of_in(other, params)),
        }
    }

    fn tuple(&self, items: Vec<Value>) -> Value {
        let n = items.len();
        match self.dialect {
            Dialect::Draft2020 => json!({
                "type": "array", "prefixItems": items, "minItems": n, "maxItems": n,
            }),
            Dialect::Draft07 => json!({
                "type": "array", "items": items, "minItems": n, "maxItems": n,
            }),
        }
    }

    fn enumeration(&mut self, repr: &EnumRepr, variants: &[Variant], params: &Params) -> Value {
        let mut options: Vec<Value> = Vec::new();
        for variant in variants {
            let name = variant.json_name.as_str();
            let mut schema = match repr {
                EnumRepr::External => match &variant.shape {
                    VariantShape::Unit => json!({ "const": name }),
                    shape => {
                        let content = self.variant_content(shape, params);
                        json!({
                            "type": "object",
                            "properties": { name: content },
                            "required": [name],
                            "additionalProperties": false,
                        })
                    }
                },
                EnumRepr::Internal { tag } => match &variant.shape {
                    VariantShape::Struct(fields) => self.object(fields, params, Some((tag, name))),
                    VariantShape::Unit => self.object(&[], params, Some((tag, name))),
                    VariantShape::Newtype(inner) => json!({
                        "allOf": [
                            self.object(&[], params, Some((tag, name))),
                            self.of_in(inner, params),
                        ]
                    }),
                    // serde refuses internally tagged tuple variants; the IR rejects them.
                    VariantShape::Tuple(_) => json!({}),
                },
                EnumRepr::Adjacent { tag, content } => match &variant.shape {
                    VariantShape::Unit => self.object(&[], params, Some((tag, name))),
                    shape => {
                        let inner = self.variant_content(shape, params);
                        json!({
                            "type": "object",
                            "properties": { tag.as_str(): { "const": name }, content.as_str(): inner },
                            "required": [tag, content],
                        })
                    }
                },
                EnumRepr::Untagged => match &variant.shape {
                    VariantShape::Unit => json!({ "type": "null" }),
                    shape => self.variant_content(shape, params),
                },
            };
            if let (Some(text), Value::Object(map)) = (description(&variant.docs.0), &mut schema) {
                map.insert("description".to_owned(), Value::String(text));
            }
            options.push(schema);
        }
        let key = if matches!(repr, EnumRepr::Untagged) {
            "anyOf"
        } else {
            "oneOf"
        };
        json!({ key: options })
    }

    fn variant_content(&mut self, shape: &VariantShape, params: &Params) -> Value {
        match shape {
            VariantShape::Unit => json!({ "type": "null" }),
            VariantShape::Newtype(inner) => self.of_in(inner, params),
            VariantShape::Tuple(items) => {
                let items: Vec<Value> = items.iter().map(|t| self.of_in(t, params)).collect();
                self.tuple(items)
            }
            VariantShape::Struct(fields) => self.object(fields, params, None),
        }
    }
}

/// What the runtime answers on its own (a body over the limit, a panic): `{"error": …}`.
pub(crate) fn runtime_error() -> Value {
    json!({
        "type": "object",
        "properties": { "error": { "type": "string" } },
        "required": ["error"],
    })
}

/// The body of the runtime's 422 answer to input that breaks its type's rules
/// (`sailroute::Invalid`).
pub(crate) fn invalid() -> Value {
    json!({
        "type": "object",
        "properties": {
            "error": { "const": "validation" },
            "message": { "type": "string" },
            "fields": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "path": { "type": "string" },
                        "rule": { "type": "string" },
                        "message": { "type": "string" },
                    },
                    "required": ["path", "rule", "message"],
                },
            },
        },
        "required": ["error", "message", "fields"],
    })
}

/// Adds a field's validation rules to its schema as JSON Schema keywords: on the value
/// inside an `Option` (garde checks a present value; `null` passes), and `inner` rules on the
/// list's `items`.
pub(crate) fn constrain(schema: &mut Value, rules: &Rules, ty: &TypeRef) {
    let (target, ty) = unwrap_option(schema, ty);
    add_checks(target, &rules.checks, ty);
    if let (Some(items), TypeRef::List(item)) = (target.get_mut("items"), ty) {
        add_checks(items, &rules.inner, item);
    }
}

/// The schema and type inside an `Option` (the first branch of its `anyOf`) or a box.
fn unwrap_option<'s, 't>(schema: &'s mut Value, ty: &'t TypeRef) -> (&'s mut Value, &'t TypeRef) {
    match ty {
        TypeRef::Boxed(inner) => unwrap_option(schema, inner),
        TypeRef::Option(inner) => {
            // `of_in` writes an `Option` as `{"anyOf": [inner, {"type": "null"}]}`.
            if schema.get("anyOf").and_then(|a| a.get(0)).is_some() {
                return unwrap_option(&mut schema["anyOf"][0], inner);
            }
            (schema, inner)
        }
        _ => (schema, ty),
    }
}

fn add_checks(schema: &mut Value, checks: &[Check], ty: &TypeRef) {
    let Value::Object(map) = schema else {
        return;
    };
    let mut patterns = Vec::new();
    for check in checks {
        match check {
            Check::Length { min, max } => {
                let (low, high) = match ty {
                    TypeRef::List(_) => ("minItems", "maxItems"),
                    TypeRef::Map(_) => ("minProperties", "maxProperties"),
                    _ => ("minLength", "maxLength"),
                };
                if let Some(min) = min {
                    map.insert(low.to_owned(), json!(min));
                }
                if let Some(max) = max {
                    map.insert(high.to_owned(), json!(max));
                }
            }
            Check::Range { min, max } => {
                for (key, bound) in [("minimum", min), ("maximum", max)] {
                    // The parser kept only number literals, which are JSON numbers.
                    if let Some(number) = bound
                        .as_deref()
                        .and_then(|b| serde_json::from_str::<Value>(b).ok())
                    {
                        map.insert(key.to_owned(), number);
                    }
                }
            }
            Check::Pattern(re) => patterns.push(re.clone()),
            Check::Email => {
                map.insert("format".to_owned(), json!("email"));
            }
            Check::Url => {
                map.insert("format".to_owned(), json!("uri"));
            }
            Check::Custom => {}
        }
    }
    // One `pattern` per schema: more are an `allOf`, every one must match.
    let mut patterns = patterns.into_iter();
    if let Some(first) = patterns.next() {
        map.insert("pattern".to_owned(), json!(first));
    }
    let rest: Vec<Value> = patterns.map(|p| json!({ "pattern": p })).collect();
    if !rest.is_empty() {
        map.insert("allOf".to_owned(), Value::Array(rest));
    }
}

/// Whether serde always writes the field and always needs it.
fn required(field: &Field) -> bool {
    !field.has_default && !field.may_skip
}

/// A doc comment as one description.
pub(crate) fn description(lines: &[String]) -> Option<String> {
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// The type's generic parameters bound to `args`.
fn bind(def: &TypeDef, args: &[TypeRef]) -> Params {
    def.generics
        .iter()
        .cloned()
        .zip(args.iter().cloned())
        .collect()
}

/// The component name of `name<args>`: `Page_Point`, `Pair_u8_String`.
pub(crate) fn component_name(name: &str, args: &[TypeRef]) -> String {
    let mut out = name.to_owned();
    for arg in args {
        out.push('_');
        out.push_str(&arg_name(arg));
    }
    out
}

fn arg_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::Int(kind) => kind.rust().to_owned(),
        TypeRef::Float => "f64".to_owned(),
        TypeRef::Char => "char".to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Unit => "Unit".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::Known(known) => known.name().replace(['<', '>', ':', ' '], ""),
        TypeRef::Option(inner) => format!("Option_{}", arg_name(inner)),
        TypeRef::Boxed(inner) => arg_name(inner),
        TypeRef::JsonText(inner) => format!("JsonText_{}", arg_name(inner)),
        TypeRef::List(inner) => format!("Vec_{}", arg_name(inner)),
        TypeRef::Map(inner) => format!("Map_{}", arg_name(inner)),
        TypeRef::Tuple(items) => {
            let names: Vec<String> = items.iter().map(arg_name).collect();
            format!("Tuple_{}", names.join("_"))
        }
        TypeRef::Named { name, args } => component_name(name, args),
        TypeRef::Param(name) => name.clone(),
    }
}

fn integer(kind: IntKind) -> Value {
    let (format, min, max): (Option<&str>, Option<Value>, Option<Value>) = match kind {
        IntKind::U8 => (None, Some(json!(0)), Some(json!(u8::MAX))),
        IntKind::U16 => (None, Some(json!(0)), Some(json!(u16::MAX))),
        IntKind::U32 => (None, Some(json!(0)), Some(json!(u32::MAX))),
        IntKind::U64 | IntKind::Usize => (None, Some(json!(0)), Some(json!(u64::MAX))),
        IntKind::U128 => (None, Some(json!(0)), None),
        IntKind::I8 => (None, Some(json!(i8::MIN)), Some(json!(i8::MAX))),
        IntKind::I16 => (None, Some(json!(i16::MIN)), Some(json!(i16::MAX))),
        IntKind::I32 => (Some("int32"), Some(json!(i32::MIN)), Some(json!(i32::MAX))),
        IntKind::I64 | IntKind::Isize => {
            (Some("int64"), Some(json!(i64::MIN)), Some(json!(i64::MAX)))
        }
        IntKind::I128 => (None, None, None),
    };
    let mut map = Map::new();
    map.insert("type".to_owned(), json!("integer"));
    if let Some(format) = format {
        map.insert("format".to_owned(), json!(format));
    }
    if let Some(min) = min {
        map.insert("minimum".to_owned(), min);
    }
    if let Some(max) = max {
        map.insert("maximum".to_owned(), max);
    }
    Value::Object(map)
}

/// What serde writes for a well-known type (with the crates' default serde features).
fn known_schema(known: Known) -> Value {
    match known {
        Known::Uuid => json!({ "type": "string", "format": "uuid" }),
        Known::DateTimeUtc | Known::DateTimeFixed | Known::DateTimeLocal => {
            json!({ "type": "string", "format": "date-time" })
        }
        Known::NaiveDateTime => json!({
            "type": "string",
            "description": "A date and time without an offset: YYYY-MM-DDTHH:MM:SS[.fff].",
        }),
        Known::NaiveDate => json!({ "type": "string", "format": "date" }),
        // JSON Schema's `time` format requires an offset, which a naive time has not.
        Known::NaiveTime => json!({
            "type": "string",
            "description": "A time of day without an offset: HH:MM:SS[.fff].",
        }),
        Known::Url => json!({ "type": "string", "format": "uri" }),
        Known::IpAddr => json!({ "type": "string", "description": "An IPv4 or IPv6 address." }),
        Known::Ipv4Addr => json!({ "type": "string", "format": "ipv4" }),
        Known::Ipv6Addr => json!({ "type": "string", "format": "ipv6" }),
        Known::SocketAddr => json!({ "type": "string", "description": "host:port" }),
        Known::Decimal => json!({
            "type": "string",
            "description": "An exact decimal number, as a string.",
        }),
        Known::Bytes => json!({
            "type": "array",
            "items": { "type": "integer", "minimum": 0, "maximum": 255 },
        }),
    }
}
