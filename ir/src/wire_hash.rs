//! The contract hash: an API named by what travels on the wire, and by nothing else.
//!
//! The hash is taken over a canonical text written here, field by field, from the model
//! destructured exhaustively: a field added to a model type fails to compile until this file
//! says whether it travels. It used to be the SHA-256 of the model serialized by serde, so a
//! sailroute upgrade that renamed or added a model field changed the hash of an unchanged API,
//! and a server built with the new version refused every client already deployed (issue 22).
//!
//! What travels: each route's method, path shape (literal segments, and where parameters go,
//! not their names), parameter, query, body, success and error types; each used type's name,
//! generics and JSON shape (JSON keys, tags, which keys may be missing); events and resources.
//! What does not: doc comments, handler names, Rust field and variant names, path parameter
//! names, how a handler extracts its path, which routes subscribe, derives, locations.

use sha2::{Digest, Sha256};

use crate::model::{
    Api, EnumRepr, EventDef, Field, Known, PathParam, PathTemplate, ResourceDef, Response, Route,
    Segment, Shape, TypeDef, TypeRef, Variant, VariantShape,
};

/// The first 16 hex digits of the SHA-256 of the API's wire view.
pub(crate) fn contract_hash(api: &Api) -> String {
    let mut out = Canon(String::new());
    out.api(api);
    let digest = Sha256::digest(out.0.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The canonical text: `tag(child,child)`, strings as JSON string literals.
struct Canon(String);

impl Canon {
    fn open(&mut self, tag: &str) {
        self.0.push_str(tag);
        self.0.push('(');
    }

    fn close(&mut self) {
        self.0.push(')');
    }

    fn sep(&mut self) {
        self.0.push(',');
    }

    fn text(&mut self, text: &str) {
        // A JSON string literal: quotes and escapes make every text unambiguous.
        self.0
            .push_str(&serde_json::Value::String(text.to_owned()).to_string());
    }

    fn flag(&mut self, flag: bool) {
        self.0.push(if flag { '1' } else { '0' });
    }

    fn list<T>(&mut self, tag: &str, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.open(tag);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.sep();
            }
            each(self, item);
        }
        self.close();
    }

    fn api(&mut self, api: &Api) {
        let Api {
            routes,
            types,
            events,
            resources,
            // A model's wire is its routes, types and resources, which are hashed above.
            models: _,
            unmounted: _,
        } = api;
        // Routes in wire order: by method and path shape (handler names do not travel).
        let mut routes: Vec<&Route> = routes.iter().collect();
        routes.sort_by_cached_key(|r| (r.method.upper(), path_shape(&r.path)));
        self.list("routes", &routes, |out, route| out.route(route));
        let types: Vec<&TypeDef> = types.values().collect();
        self.list("types", &types, |out, def| out.type_def(def));
        self.list("events", events, |out, event| {
            let EventDef { name, ty, loc: _ } = event;
            out.open("event");
            out.text(name);
            out.sep();
            out.text(ty);
            out.close();
        });
        self.list("resources", resources, |out, resource| {
            let ResourceDef {
                identity,
                record,
                id,
                loc: _,
            } = resource;
            out.open("resource");
            out.text(identity);
            out.sep();
            out.text(record);
            out.sep();
            out.ty(id);
            out.close();
        });
    }

    fn route(&mut self, route: &Route) {
        let Route {
            name: _,
            method,
            path,
            docs: _,
            path_params,
            path_extractor: _,
            query,
            query_extractor: _,
            body,
            response,
            error,
            subscribes: _,
            loc: _,
            unsupported: _,
        } = route;
        self.open("route");
        self.text(method.upper());
        self.sep();
        self.text(&path_shape(path));
        self.sep();
        // Parameter types in path order (their names do not travel).
        let params: Vec<&TypeRef> = path
            .params()
            .filter_map(|name| {
                path_params
                    .iter()
                    .find(|PathParam { name: n, ty: _ }| n == name)
                    .map(|PathParam { name: _, ty }| ty)
            })
            .collect();
        self.list("params", &params, |out, ty| out.ty(ty));
        self.sep();
        self.optional("query", query.as_ref());
        self.sep();
        self.optional("body", body.as_ref());
        self.sep();
        match response {
            Response::Json(ty) => {
                self.open("json");
                self.ty(ty);
                self.close();
            }
            Response::Empty => self.0.push_str("empty"),
        }
        self.sep();
        self.optional("error", error.as_ref());
        self.close();
    }

    fn optional(&mut self, tag: &str, ty: Option<&TypeRef>) {
        self.open(tag);
        if let Some(ty) = ty {
            self.ty(ty);
        }
        self.close();
    }

    fn type_def(&mut self, def: &TypeDef) {
        let TypeDef {
            name,
            generics,
            docs: _,
            shape,
            derives: _,
            // Rules are not wire shape: the compatibility check compares them.
            validates: _,
            loc: _,
        } = def;
        self.open("type");
        self.text(name);
        self.sep();
        self.list("generics", generics, |out, g| out.text(g));
        self.sep();
        match shape {
            Shape::Struct(fields) => self.list("struct", fields, |out, f| out.field(f)),
            Shape::Tuple(items) => self.list("tuple", items, |out, t| out.ty(t)),
            Shape::Newtype(inner) => {
                self.open("newtype");
                self.ty(inner);
                self.close();
            }
            Shape::Unit => self.0.push_str("unit"),
            Shape::Enum { repr, variants } => {
                self.open("enum");
                match repr {
                    EnumRepr::External => self.0.push_str("external"),
                    EnumRepr::Internal { tag } => {
                        self.open("internal");
                        self.text(tag);
                        self.close();
                    }
                    EnumRepr::Adjacent { tag, content } => {
                        self.open("adjacent");
                        self.text(tag);
                        self.sep();
                        self.text(content);
                        self.close();
                    }
                    EnumRepr::Untagged => self.0.push_str("untagged"),
                }
                self.sep();
                self.list("variants", variants, |out, v| out.variant(v));
                self.close();
            }
        }
        self.close();
    }

    fn field(&mut self, field: &Field) {
        let Field {
            rust_name: _,
            json_name,
            ty,
            docs: _,
            flatten,
            rules: _,
            may_skip,
            skip_if: _,
            has_default,
            loc: _,
        } = field;
        self.open("field");
        self.text(json_name);
        self.sep();
        self.ty(ty);
        self.sep();
        self.flag(*flatten);
        self.flag(*may_skip);
        self.flag(*has_default);
        self.close();
    }

    fn variant(&mut self, variant: &Variant) {
        let Variant {
            rust_name: _,
            json_name,
            docs: _,
            shape,
            is_default: _,
        } = variant;
        self.open("variant");
        self.text(json_name);
        self.sep();
        match shape {
            VariantShape::Unit => self.0.push_str("unit"),
            VariantShape::Newtype(inner) => {
                self.open("newtype");
                self.ty(inner);
                self.close();
            }
            VariantShape::Tuple(items) => self.list("tuple", items, |out, t| out.ty(t)),
            VariantShape::Struct(fields) => self.list("struct", fields, |out, f| out.field(f)),
        }
        self.close();
    }

    fn ty(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::Bool => self.0.push_str("bool"),
            TypeRef::Int(kind) => self.0.push_str(kind.rust()),
            TypeRef::Float => self.0.push_str("float"),
            TypeRef::Char => self.0.push_str("char"),
            TypeRef::String => self.0.push_str("string"),
            TypeRef::Unit => self.0.push_str("null"),
            TypeRef::Json => self.0.push_str("any"),
            TypeRef::Known(known) => self.0.push_str(known_name(*known)),
            TypeRef::Option(inner) => self.wrap("option", inner),
            TypeRef::Boxed(inner) => self.wrap("boxed", inner),
            TypeRef::List(inner) => self.wrap("list", inner),
            TypeRef::Map(inner) => self.wrap("map", inner),
            TypeRef::JsonText(inner) => self.wrap("json_text", inner),
            TypeRef::Tuple(items) => self.list("tuple", items, |out, t| out.ty(t)),
            TypeRef::Named { name, args } => {
                self.open("named");
                self.text(name);
                self.sep();
                self.list("args", args, |out, t| out.ty(t));
                self.close();
            }
            TypeRef::Param(name) => {
                self.open("param");
                self.text(name);
                self.close();
            }
        }
    }

    fn wrap(&mut self, tag: &str, inner: &TypeRef) {
        self.open(tag);
        self.ty(inner);
        self.close();
    }
}

/// The path with parameters as `{}` and `{*}`: where they go, not what they are called.
fn path_shape(path: &PathTemplate) -> String {
    let PathTemplate { segments } = path;
    let mut shape = String::new();
    for segment in segments {
        shape.push('/');
        match segment {
            Segment::Literal(text) => shape.push_str(text),
            Segment::Param(_) => shape.push_str("{}"),
            Segment::Rest(_) => shape.push_str("{*}"),
        }
    }
    if shape.is_empty() {
        shape.push('/');
    }
    shape
}

/// Names written here, not taken from `Debug` or serde, so renaming a variant in the model
/// changes nothing on the wire. (Integers travel as their Rust spelling, `IntKind::rust`,
/// which cannot change: it is the primitive's name.)
fn known_name(known: Known) -> &'static str {
    match known {
        Known::Uuid => "uuid",
        Known::DateTimeUtc => "datetime-utc",
        Known::DateTimeFixed => "datetime-fixed",
        Known::DateTimeLocal => "datetime-local",
        Known::NaiveDateTime => "naive-datetime",
        Known::NaiveDate => "naive-date",
        Known::NaiveTime => "naive-time",
        Known::Url => "url",
        Known::IpAddr => "ip",
        Known::Ipv4Addr => "ipv4",
        Known::Ipv6Addr => "ipv6",
        Known::SocketAddr => "socket-addr",
        Known::Decimal => "decimal",
        Known::Bytes => "bytes",
    }
}
