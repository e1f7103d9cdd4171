//! syn -> model: the one parser, called by the attribute macros (one handler at a time) and
//! by the code generator (whole files).

mod docs;
mod path;
mod pubsub;
mod route;
mod types;

pub use docs::docs_of;
pub use path::PathError;
pub use pubsub::{EventAttr, ResourceAttr, attr_tokens, event_attr, find_attr, resource_attr};
pub use route::{
    CLIENT_FREE_EXTRACTORS, RouteAttr, find_route_attr, handler, response_of_type, route_attr,
};
pub use types::{derives_serde, type_def, type_ref};

use proc_macro2::Span;
use syn::Item;

use crate::error::{Error, Errors};
use crate::model::{EventDef, ResourceDef, Route, SourceLoc, TypeDef, TypeRef};

/// What one source file declares: routes and serde types.
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    /// Handlers with a route attribute.
    pub routes: Vec<Route>,
    /// Structs and enums deriving `Serialize` or `Deserialize`.
    pub types: Vec<TypeDef>,
    /// Types marked `#[event("name")]`.
    pub events: Vec<EventDef>,
    /// Types marked `#[resource("identity")]`.
    pub resources: Vec<ResourceDef>,
    /// Type aliases (`type ApiResult<T> = Result<Json<T>, ApiError>;`), to see through them
    /// in return types.
    pub aliases: Vec<Alias>,
}

/// A type alias: its name, its type parameters and what it stands for.
#[derive(Debug, Clone)]
pub struct Alias {
    /// The alias' name.
    pub name: String,
    /// Its type parameters, in order.
    pub params: Vec<String>,
    /// The aliased type.
    pub target: syn::Type,
}

/// A type's name for messages: its last path segment, or the whole type.
pub fn route_type_name(ty: &syn::Type) -> String {
    types::last_segment(ty).map_or_else(|| route::type_text(ty), |s| s.ident.to_string())
}

/// A type as source text, for messages.
pub fn route_type_text(ty: &syn::Type) -> String {
    route::type_text(ty)
}

/// The location of `span` in `file`.
pub fn loc(file: &str, span: Span) -> SourceLoc {
    let start = span.start();
    SourceLoc {
        file: file.to_owned(),
        line: start.line,
        column: start.column + 1,
    }
}

/// Turns syn errors (each may hold several) into located errors.
pub fn located(file: &str, error: syn::Error) -> Vec<Error> {
    error
        .into_iter()
        .map(|e| Error::new(loc(file, e.span()), e.to_string()))
        .collect()
}

/// Parses one file's source; `file` names it in locations and errors.
pub fn file(file: &str, source: &str) -> Result<Scanned, Errors> {
    let ast = syn::parse_file(source).map_err(|e| Errors(located(file, e)))?;
    let mut scanned = Scanned::default();
    let mut errors = Vec::new();
    items(file, &ast.items, &mut scanned, &mut errors);
    if errors.is_empty() {
        Ok(scanned)
    } else {
        Err(Errors(errors))
    }
}

fn items(file: &str, items_: &[Item], scanned: &mut Scanned, errors: &mut Vec<Error>) {
    for item in items_ {
        match item {
            Item::Fn(func) => {
                let Some((method, attr)) = find_route_attr(&func.attrs) else {
                    continue;
                };
                let args = match &attr.meta {
                    syn::Meta::List(list) => list.tokens.clone(),
                    _ => proc_macro2::TokenStream::new(),
                };
                let result = route_attr(method, args)
                    .and_then(|attr| handler(&attr, func, loc(file, func.sig.ident.span())));
                match result {
                    Ok(route) => scanned.routes.push(route),
                    Err(e) => errors.extend(located(file, e)),
                }
            }
            Item::Struct(s) if derives_serde(&s.attrs) => {
                let input = syn::DeriveInput::from(s.clone());
                push_type(file, &input, scanned, errors);
                push_pubsub(file, &input, scanned, errors);
            }
            Item::Enum(e) if derives_serde(&e.attrs) => {
                let input = syn::DeriveInput::from(e.clone());
                push_type(file, &input, scanned, errors);
                push_pubsub(file, &input, scanned, errors);
            }
            Item::Type(alias) => scanned.aliases.push(Alias {
                name: alias.ident.to_string(),
                params: alias
                    .generics
                    .type_params()
                    .map(|p| p.ident.to_string())
                    .collect(),
                target: (*alias.ty).clone(),
            }),
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    items(file, inner, scanned, errors);
                }
            }
            _ => {}
        }
    }
}

fn push_type(file: &str, input: &syn::DeriveInput, scanned: &mut Scanned, errors: &mut Vec<Error>) {
    match type_def(input, loc(file, input.ident.span())) {
        Ok(def) => scanned.types.push(def),
        Err(e) => errors.extend(located(file, e)),
    }
}

/// Records `#[event]` and `#[resource]` on a serde type.
fn push_pubsub(
    file: &str,
    input: &syn::DeriveInput,
    scanned: &mut Scanned,
    errors: &mut Vec<Error>,
) {
    let ty = input.ident.to_string();
    if let Some(attr) = find_attr(&input.attrs, "event") {
        match event_attr(attr_tokens(attr)) {
            Ok(event) => scanned.events.push(EventDef {
                name: event.name.value(),
                ty: ty.clone(),
                loc: loc(file, event.name.span()),
            }),
            Err(e) => errors.extend(located(file, e)),
        }
    }
    if let Some(attr) = find_attr(&input.attrs, "resource") {
        let parsed = resource_attr(attr_tokens(attr)).and_then(|r| {
            let id = match &r.id {
                Some(t) => type_ref(t, &[])?,
                None => TypeRef::Int(crate::model::IntKind::U64),
            };
            Ok((r, id))
        });
        match parsed {
            Ok((resource, id)) => scanned.resources.push(ResourceDef {
                identity: resource.identity.value(),
                record: ty,
                id,
                loc: loc(file, resource.identity.span()),
            }),
            Err(e) => errors.extend(located(file, e)),
        }
    }
}
