//! The model: routes, the serde types they use, and their docs, as owned data that every
//! emitter reads and none of which refers to syn.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::rules::{Check, Rules};

/// Everything a client needs to know about a server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Api {
    /// Routes, sorted by handler name.
    pub routes: Vec<Route>,
    /// The types the routes, events and resources use (and the types those use), by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Typed events (`#[event("name")]`), sorted by name.
    pub events: Vec<EventDef>,
    /// Resourceful pub-sub records (`#[resource("identity")]`), sorted by identity.
    pub resources: Vec<ResourceDef>,
    /// Blueprint models (`#[model("identity")]`), sorted by identity. Their routes, types and
    /// resources are in `routes`, `types` and `resources` too, as the generator derives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<BlueprintDef>,
    /// Annotated handlers that no scanned `routes![…]` mounts: left out of the clients, and
    /// reported (a `cargo:warning` from build scripts).
    #[serde(skip)]
    pub unmounted: Vec<Unmounted>,
}

impl Api {
    /// Whether the server reads `ty` from a request that sends none of it (an absent query,
    /// say): an `Option`, a map, any JSON, or a struct whose every field serde fills in when its
    /// key is missing; boxes and newtypes as their content. The one answer to "may a client
    /// leave this out?", for the clients' signatures and the compatibility check alike.
    pub fn reads_absent(&self, ty: &TypeRef) -> bool {
        let mut ty = ty.clone();
        // Bounded: a newtype of itself would loop.
        for _ in 0..64 {
            ty = match &ty {
                TypeRef::Option(_) | TypeRef::Map(_) | TypeRef::Json => return true,
                TypeRef::Boxed(inner) => (**inner).clone(),
                TypeRef::Named { name, args } => {
                    let Some(def) = self.types.get(name) else {
                        return false;
                    };
                    match &def.shape {
                        Shape::Struct(fields) => return fields.iter().all(|f| f.has_default),
                        Shape::Newtype(inner) => {
                            let params = def.generics.iter().cloned().zip(args.iter().cloned());
                            inner.substitute(&params.collect())
                        }
                        _ => return false,
                    }
                }
                _ => return false,
            };
        }
        false
    }

    /// Whether a type's values are checked by the server: a scanned type that derives
    /// `garde::Validate`.
    pub fn validates(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named { name, .. } => self.types.get(name).is_some_and(|def| def.validates),
            _ => false,
        }
    }

    /// Whether the server may answer a route with the runtime's 422 `Invalid` body: its body,
    /// query or path struct has validation rules.
    pub fn checks_input(&self, route: &Route) -> bool {
        let path = match &route.path_extractor {
            PathExtractor::Struct(name) => self.types.get(name).is_some_and(|def| def.validates),
            _ => false,
        };
        path || route.body.as_ref().is_some_and(|t| self.validates(t))
            || route.query.as_ref().is_some_and(|t| self.validates(t))
    }
}

/// A blueprint model (`#[sailroute::model("user")]` on a struct): its attributes and
/// associations, and where its routes are served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlueprintDef {
    /// The identity: the event name, the middle of the room names, the default route name.
    pub identity: String,
    /// The struct's name: the record type of the clients.
    pub record: String,
    /// The path its routes start with: `/user`, `/api/users`.
    pub base: String,
    /// The blueprint actions it serves, by Sails' names (`find`, `findOne`, `create`,
    /// `update`, `destroy`, `populate`, `add`, `remove`, `replace`).
    pub actions: Vec<String>,
    /// Its doc comment.
    pub docs: Docs,
    /// Its attributes, in declaration order (`id`, `createdAt` and `updatedAt` are implied).
    pub attributes: Vec<BlueprintAttr>,
    /// Its associations, in declaration order.
    pub associations: Vec<BlueprintAssoc>,
    /// Where it is declared.
    #[serde(skip)]
    pub loc: SourceLoc,
}

/// The types an attribute can have, as the runtime stores and compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttrKind {
    /// A whole number (stored as a 64-bit integer).
    Integer,
    /// A number (a double).
    Number,
    /// A string.
    String,
    /// `true` or `false`.
    Boolean,
    /// Any JSON.
    Json,
}

impl AttrKind {
    /// The Rust type a record holds it as.
    pub fn type_ref(self) -> TypeRef {
        match self {
            AttrKind::Integer => TypeRef::Int(IntKind::I64),
            AttrKind::Number => TypeRef::Float,
            AttrKind::String => TypeRef::String,
            AttrKind::Boolean => TypeRef::Bool,
            AttrKind::Json => TypeRef::Json,
        }
    }
}

/// One attribute of a [`BlueprintDef`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlueprintAttr {
    /// Its name on the wire (the field's name).
    pub name: String,
    /// Its type.
    pub kind: AttrKind,
    /// Its doc comment.
    pub docs: Docs,
}

/// One association of a [`BlueprintDef`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlueprintAssoc {
    /// Its name (`owner`, `pets`).
    pub name: String,
    /// The associated model's struct name.
    pub target: String,
    /// `None` for a singular association (Sails' `model`); the associated model's singular
    /// association that points back, for a collection (Sails' `collection … via`).
    pub via: Option<String>,
    /// Its doc comment.
    pub docs: Docs,
}

/// An annotated handler that no scanned router mounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmounted {
    /// The handler's name.
    pub name: String,
    /// Where it is.
    pub loc: SourceLoc,
}

/// A serde type that travels as one Socket.IO event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDef {
    /// The event name.
    pub name: String,
    /// The payload type's name (a scanned type).
    pub ty: String,
    /// Where the attribute is.
    #[serde(skip)]
    pub loc: SourceLoc,
}

/// A record type published with Sails' resourceful pub-sub: messages are the identity's
/// event, `{verb: "created" | "updated" | …, …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceDef {
    /// The identity (event name, room-name stem).
    pub identity: String,
    /// The record type's name (a scanned type).
    pub record: String,
    /// The primary key's type.
    pub id: TypeRef,
    /// Where the attribute is.
    #[serde(skip)]
    pub loc: SourceLoc,
}

/// Where an item was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceLoc {
    /// The file, as given to the scanner (empty inside a proc macro).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Doc comment lines, with the one leading space of `/// text` removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Docs(pub Vec<String>);

impl Docs {
    /// No documentation at all.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|line| line.trim().is_empty())
    }

    /// The lines, trailing blank lines removed.
    pub fn lines(&self) -> &[String] {
        let end = self
            .0
            .iter()
            .rposition(|line| !line.trim().is_empty())
            .map_or(0, |i| i + 1);
        &self.0[..end]
    }
}

/// An HTTP method a route can be declared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// Every method, in attribute-name order.
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Options,
    ];

    /// The attribute name and socket event name: `get`, `post`, …
    pub fn lower(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
            Method::Delete => "delete",
            Method::Head => "head",
            Method::Options => "options",
        }
    }

    /// The HTTP token: `GET`, `POST`, …
    pub fn upper(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    /// The method named by an attribute, if it is one.
    pub fn from_attr(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.lower() == name)
    }

    /// Whether a request of this method carries its input in the query string rather than a
    /// body (and a socket request's `data` becomes the query).
    pub fn query_only(self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Delete | Method::Options
        )
    }
}

/// A route path, stored as segments.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PathTemplate {
    /// The segments between slashes; an empty list is `/`.
    pub segments: Vec<Segment>,
}

/// One segment of a [`PathTemplate`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Segment {
    /// Matched literally.
    Literal(String),
    /// `:name` or `{name}`: one segment.
    Param(String),
    /// `*name` or `{*name}` at the end: the rest of the path.
    Rest(String),
}

impl PathTemplate {
    /// The parameter names in path order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param(name) | Segment::Rest(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// The path in axum 0.8 syntax: `/users/{id}`, `/files/{*rest}`.
    pub fn axum(&self) -> String {
        self.render(|s| match s {
            Segment::Literal(text) => text.clone(),
            Segment::Param(name) => format!("{{{name}}}"),
            Segment::Rest(name) => format!("{{*{name}}}"),
        })
    }

    /// The path in Sails syntax: `/users/:id`, `/files/*rest`.
    pub fn sails(&self) -> String {
        self.render(|s| match s {
            Segment::Literal(text) => text.clone(),
            Segment::Param(name) => format!(":{name}"),
            Segment::Rest(name) => format!("*{name}"),
        })
    }

    /// The path with each parameter rendered by `param` (for client code).
    pub fn render(&self, mut segment: impl FnMut(&Segment) -> String) -> String {
        if self.segments.is_empty() {
            return "/".to_owned();
        }
        let mut out = String::new();
        for s in &self.segments {
            out.push('/');
            out.push_str(&segment(s));
        }
        out
    }
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.axum())
    }
}

/// A route: one handler, one method and path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The handler's name (the client method's name).
    pub name: String,
    /// The method.
    pub method: Method,
    /// The path.
    pub path: PathTemplate,
    /// The handler's doc comment.
    pub docs: Docs,
    /// Path parameters in path order, with their types.
    pub path_params: Vec<PathParam>,
    /// How the handler takes its path parameters, as written.
    pub path_extractor: PathExtractor,
    /// The `Query<T>` type, if any.
    pub query: Option<TypeRef>,
    /// The `Query` extractor's path, resolved through the file's `use` items where it can
    /// be (`axum::extract::Query`, `sailroute::Query`): only some decode repeated keys.
    #[serde(skip)]
    pub query_extractor: Option<String>,
    /// The `Json<T>` body type, if any.
    pub body: Option<TypeRef>,
    /// What a success carries.
    pub response: Response,
    /// The error body type, when the handler returns `Result<_, E>` and `E` carries a body:
    /// a scanned serde type, or any other type a client can describe (`Vec<String>`, text).
    /// `None` for `StatusCode` (an error without a typed body) and for handlers that do not
    /// return a `Result`.
    pub error: Option<TypeRef>,
    /// Events and resources this route subscribes the requesting socket to
    /// (`subscribes = T`): type names, each an event or resource type. Clients re-issue
    /// subscribing calls after a reconnect.
    pub subscribes: Vec<String>,
    /// Where the handler is.
    #[serde(skip)]
    pub loc: SourceLoc,
    /// What the generator cannot type on its own: an extractor it does not know, a return
    /// or error type that is not JSON of a scanned type. A client is generated only when the
    /// user says how to treat each (`sailroute-codegen`'s `untyped` and `ignore_extractor`).
    #[serde(skip)]
    pub unsupported: Vec<Unsupported>,
}

impl Route {
    /// The type of the path parameter `name`. Every parameter of the path has one once the
    /// model is validated ([`validate`](crate::validate)).
    pub fn param_type(&self, name: &str) -> Option<&TypeRef> {
        self.path_params
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.ty)
    }
}

/// Something in a handler's signature that the generator cannot type by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsupported {
    /// Which part of the signature.
    pub kind: UnsupportedKind,
    /// The type's name (its last path segment: `Form`, `AppError`, `ApiResult`).
    pub name: String,
    /// The whole type, as written.
    pub ty: String,
    /// Where it is written.
    #[serde(skip)]
    pub loc: SourceLoc,
}

/// Which part of a handler's signature an [`Unsupported`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnsupportedKind {
    /// An argument: an extractor that may take input the client would have to send.
    Extractor,
    /// The success type: not `Json<T>`, text, `StatusCode` or `()`.
    Response,
    /// The error type of a `Result`: not a scanned serde type.
    Error,
}

/// A path parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathParam {
    /// The name in the path template.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
}

/// How a handler extracts path parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PathExtractor {
    /// No `Path` extractor.
    None,
    /// `Path<T>` with one value.
    Single(TypeRef),
    /// `Path<(A, B, …)>`: one type per parameter, in path order.
    Tuple(Vec<TypeRef>),
    /// `Path<S>` where `S` is a struct whose fields are named like the parameters.
    Struct(String),
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// `Json<T>`.
    Json(TypeRef),
    /// `StatusCode`, `()` or nothing: no body the client decodes.
    Empty,
}

/// The well-known types: kept as they are in Rust clients, written as serde writes them
/// (with its default features) in TypeScript.
///
/// Not `#[non_exhaustive]`: the generator is released with this crate, and every emitter
/// matches every variant, so a new one fails to compile until each client knows how to write
/// it (it was rendered as untyped JSON behind a catch-all arm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Known {
    /// `uuid::Uuid`: a hyphenated string.
    Uuid,
    /// `chrono::DateTime<Utc>`: an RFC 3339 string.
    DateTimeUtc,
    /// `chrono::DateTime<FixedOffset>`: an RFC 3339 string.
    DateTimeFixed,
    /// `chrono::DateTime<Local>`: an RFC 3339 string.
    DateTimeLocal,
    /// `chrono::NaiveDateTime`: `YYYY-MM-DDTHH:MM:SS[.f]`, no offset.
    NaiveDateTime,
    /// `chrono::NaiveDate`: `YYYY-MM-DD`.
    NaiveDate,
    /// `chrono::NaiveTime`: `HH:MM:SS[.f]`.
    NaiveTime,
    /// `url::Url`: a string.
    Url,
    /// `std::net::IpAddr`: a string.
    IpAddr,
    /// `std::net::Ipv4Addr`: a string.
    Ipv4Addr,
    /// `std::net::Ipv6Addr`: a string.
    Ipv6Addr,
    /// `std::net::SocketAddr`: `host:port`.
    SocketAddr,
    /// `rust_decimal::Decimal`: a decimal string.
    Decimal,
    /// `bytes::Bytes`: an array of byte values.
    Bytes,
}

impl Known {
    /// Every well-known type.
    pub const ALL: [Known; 14] = [
        Known::Uuid,
        Known::DateTimeUtc,
        Known::DateTimeFixed,
        Known::DateTimeLocal,
        Known::NaiveDateTime,
        Known::NaiveDate,
        Known::NaiveTime,
        Known::Url,
        Known::IpAddr,
        Known::Ipv4Addr,
        Known::Ipv6Addr,
        Known::SocketAddr,
        Known::Decimal,
        Known::Bytes,
    ];

    /// The name `map_type` uses for it (the type's own name; `DateTime` for every time zone).
    pub fn name(self) -> &'static str {
        match self {
            Known::Uuid => "Uuid",
            Known::DateTimeUtc | Known::DateTimeFixed | Known::DateTimeLocal => "DateTime",
            Known::NaiveDateTime => "NaiveDateTime",
            Known::NaiveDate => "NaiveDate",
            Known::NaiveTime => "NaiveTime",
            Known::Url => "Url",
            Known::IpAddr => "IpAddr",
            Known::Ipv4Addr => "Ipv4Addr",
            Known::Ipv6Addr => "Ipv6Addr",
            Known::SocketAddr => "SocketAddr",
            Known::Decimal => "Decimal",
            Known::Bytes => "Bytes",
        }
    }

    /// Whether serde writes it as a JSON string (everything but `Bytes`).
    pub fn is_string(self) -> bool {
        self != Known::Bytes
    }

    /// A map key it can be (serde writes these as object keys).
    pub fn is_key(self) -> bool {
        matches!(self, Known::Uuid)
    }
}

/// A type as it is used: in a field, a parameter, a body.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TypeRef {
    /// `bool`
    Bool,
    /// An integer type.
    Int(IntKind),
    /// `f32` / `f64`
    Float,
    /// `char`
    Char,
    /// `String`, `&str`, `Cow<str>`, …
    String,
    /// `()`: JSON `null`.
    Unit,
    /// `serde_json::Value`: any JSON.
    Json,
    /// A well-known type of a common crate or of `std` (`uuid::Uuid`, chrono's date and time
    /// types, `url::Url`, `std::net` addresses, `rust_decimal::Decimal`, `bytes::Bytes`): its
    /// own type in a Rust client, its serde JSON shape in TypeScript.
    Known(Known),
    /// `Option<T>`
    Option(Box<TypeRef>),
    /// `Box<T>`, `Arc<T>`, `Rc<T>`: the value itself on the wire, a box in a Rust client (so
    /// recursive types stay sized).
    Boxed(Box<TypeRef>),
    /// `Vec<T>`, `VecDeque<T>`, `HashSet<T>`, `BTreeSet<T>`, `[T; N]`, `&[T]`
    List(Box<TypeRef>),
    /// `HashMap<K, V>` / `BTreeMap<K, V>` with string-like keys: a JSON object.
    Map(Box<TypeRef>),
    /// A tuple: a JSON array of fixed length.
    Tuple(Vec<TypeRef>),
    /// A scanned type, with generic arguments.
    Named {
        /// The type's name.
        name: String,
        /// Generic arguments.
        args: Vec<TypeRef>,
    },
    /// A generic parameter of the enclosing type.
    Param(String),
    /// The JSON text of a value, carried as one string: how a blueprint query sends `where`
    /// and `sort` in a query string (`?where={"name":"scott"}`), as Sails reads them.
    JsonText(Box<TypeRef>),
}

impl TypeRef {
    /// This type with the generic parameters in `params` replaced by what they are bound to
    /// (`T` in `Page<T>` used as `Page<Point>`).
    pub fn substitute(&self, params: &BTreeMap<String, TypeRef>) -> TypeRef {
        let sub = |t: &TypeRef| Box::new(t.substitute(params));
        match self {
            TypeRef::Param(name) => params.get(name).cloned().unwrap_or_else(|| self.clone()),
            TypeRef::Option(inner) => TypeRef::Option(sub(inner)),
            TypeRef::Boxed(inner) => TypeRef::Boxed(sub(inner)),
            TypeRef::List(inner) => TypeRef::List(sub(inner)),
            TypeRef::Map(inner) => TypeRef::Map(sub(inner)),
            TypeRef::JsonText(inner) => TypeRef::JsonText(sub(inner)),
            TypeRef::Tuple(items) => {
                TypeRef::Tuple(items.iter().map(|t| t.substitute(params)).collect())
            }
            TypeRef::Named { name, args } => TypeRef::Named {
                name: name.clone(),
                args: args.iter().map(|t| t.substitute(params)).collect(),
            },
            other => other.clone(),
        }
    }

    /// Calls `visit` with the name of every scanned type this refers to.
    pub fn named(&self, visit: &mut impl FnMut(&str)) {
        match self {
            TypeRef::Option(inner)
            | TypeRef::Boxed(inner)
            | TypeRef::List(inner)
            | TypeRef::Map(inner)
            | TypeRef::JsonText(inner) => {
                inner.named(visit);
            }
            TypeRef::Tuple(items) => items.iter().for_each(|t| t.named(visit)),
            TypeRef::Named { name, args } => {
                visit(name);
                args.iter().for_each(|t| t.named(visit));
            }
            _ => {}
        }
    }
}

/// Integer widths, for the 64-bit policy (JavaScript numbers hold integers exactly only up
/// to 2^53).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum IntKind {
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `u128`
    U128,
    /// `usize`
    Usize,
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `i128`
    I128,
    /// `isize`
    Isize,
}

impl IntKind {
    /// The Rust spelling.
    pub fn rust(self) -> &'static str {
        match self {
            IntKind::U8 => "u8",
            IntKind::U16 => "u16",
            IntKind::U32 => "u32",
            IntKind::U64 => "u64",
            IntKind::U128 => "u128",
            IntKind::Usize => "usize",
            IntKind::I8 => "i8",
            IntKind::I16 => "i16",
            IntKind::I32 => "i32",
            IntKind::I64 => "i64",
            IntKind::I128 => "i128",
            IntKind::Isize => "isize",
        }
    }

    /// Whether values may exceed what a JavaScript number holds exactly.
    pub fn exceeds_js(self) -> bool {
        matches!(
            self,
            IntKind::U64
                | IntKind::U128
                | IntKind::Usize
                | IntKind::I64
                | IntKind::I128
                | IntKind::Isize
        )
    }

    /// From a Rust primitive name.
    pub fn from_name(name: &str) -> Option<IntKind> {
        Some(match name {
            "u8" => IntKind::U8,
            "u16" => IntKind::U16,
            "u32" => IntKind::U32,
            "u64" => IntKind::U64,
            "u128" => IntKind::U128,
            "usize" => IntKind::Usize,
            "i8" => IntKind::I8,
            "i16" => IntKind::I16,
            "i32" => IntKind::I32,
            "i64" => IntKind::I64,
            "i128" => IntKind::I128,
            "isize" => IntKind::Isize,
            _ => return None,
        })
    }
}

/// A scanned serde type, as serde serializes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Generic type parameters.
    pub generics: Vec<String>,
    /// Its doc comment.
    pub docs: Docs,
    /// Its JSON shape.
    pub shape: Shape,
    /// The standard traits the server derives beyond serde's that a client type can derive
    /// too: `Default`, `Eq`, `Hash`, `PartialOrd`, `Ord`, `Copy` (in the server's order).
    pub derives: Vec<String>,
    /// It derives `garde::Validate`: the server checks its fields' [`Rules`] on every request
    /// that carries it as a body, query or path, and answers 422 when one fails.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub validates: bool,
    /// Where it is defined.
    #[serde(skip)]
    pub loc: SourceLoc,
}

/// The JSON shape of a [`TypeDef`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shape {
    /// A struct with named fields: an object.
    Struct(Vec<Field>),
    /// A tuple struct with two or more fields: an array.
    Tuple(Vec<TypeRef>),
    /// A tuple struct with one field, or `#[serde(transparent)]`: the inner value.
    Newtype(TypeRef),
    /// A unit struct: `null`.
    Unit,
    /// An enum.
    Enum {
        /// How variants are tagged.
        repr: EnumRepr,
        /// The variants serde writes (skipped ones are left out).
        variants: Vec<Variant>,
    },
}

/// A named field, after serde's attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// The Rust name.
    pub rust_name: String,
    /// The JSON key (after `rename`/`rename_all`).
    pub json_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Its doc comment.
    pub docs: Docs,
    /// `#[serde(flatten)]`: the value's own keys are merged into the parent object.
    pub flatten: bool,
    /// Its validation rules (`#[garde(...)]`), enforced by the server when the type derives
    /// `garde::Validate`.
    #[serde(default, skip_serializing_if = "Rules::is_empty")]
    pub rules: Rules,
    /// Serde may leave the key out when writing (`skip_serializing_if`, `skip_serializing`).
    pub may_skip: bool,
    /// The `skip_serializing_if` predicate as written (`Option::is_none`, `Vec::is_empty`).
    pub skip_if: Option<String>,
    /// Serde accepts the key missing when reading (`default` on the field or the struct, or
    /// an `Option`).
    pub has_default: bool,
    /// Where the field is written.
    #[serde(skip)]
    pub loc: SourceLoc,
}

/// How an enum's variants are told apart in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnumRepr {
    /// `{"Variant": content}`, or `"Variant"` for unit variants (serde's default).
    External,
    /// `#[serde(tag = "t")]`: `{"t": "Variant", ...fields}`.
    Internal {
        /// The tag key.
        tag: String,
    },
    /// `#[serde(tag = "t", content = "c")]`: `{"t": "Variant", "c": content}`.
    Adjacent {
        /// The tag key.
        tag: String,
        /// The content key.
        content: String,
    },
    /// `#[serde(untagged)]`: the content alone.
    Untagged,
}

/// An enum variant, after serde's attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// The Rust name.
    pub rust_name: String,
    /// The tag value (after `rename`/`rename_all`).
    pub json_name: String,
    /// Its doc comment.
    pub docs: Docs,
    /// What it holds.
    pub shape: VariantShape,
    /// `#[default]`: the variant `derive(Default)` picks.
    pub is_default: bool,
}

/// What a [`Variant`] holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VariantShape {
    /// Nothing.
    Unit,
    /// One unnamed value.
    Newtype(TypeRef),
    /// Several unnamed values.
    Tuple(Vec<TypeRef>),
    /// Named fields.
    Struct(Vec<Field>),
}

pub use crate::resolve::shape_types;
