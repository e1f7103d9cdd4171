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

mod checks;
mod methods;
mod names;
mod types;

use checks::*;
use methods::*;
use names::*;
use types::*;

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
pub(super) struct ClientFile {
    /// The API's hash on the wire (`sailroute_ir::compat::contract_hash`).
    pub(super) contract: String,
    pub(super) types: Vec<TypeView>,
    pub(super) validators: Vec<ValidatorView>,
    pub(super) methods: Vec<MethodView>,
    pub(super) events: Vec<ListenerView>,
    pub(super) resources: Vec<ListenerView>,
}

/// A typed listener: `on_<fn_name>(|payload: ty| …)` for the event `name`.
pub(super) struct ListenerView {
    pub(super) fn_name: String,
    pub(super) name: String,
    pub(super) ty: String,
    /// For resources: the message alias and what it stands for.
    pub(super) alias: String,
    pub(super) record: String,
    pub(super) id: String,
}

pub(super) struct TypeView {
    pub(super) docs: Vec<String>,
    /// Derives beyond the ones every client type has, each with a leading `, `.
    pub(super) derives: String,
    /// The type, a field or a variant has no doc comment on the server.
    pub(super) undocumented: bool,
    pub(super) attrs: Vec<String>,
    pub(super) kind: &'static str,
    pub(super) name: String,
    pub(super) generics: String,
    pub(super) fields: Vec<FieldView>,
    pub(super) items: Vec<String>,
    pub(super) variants: Vec<VariantView>,
}

pub(super) struct FieldView {
    pub(super) docs: Vec<String>,
    pub(super) attrs: Vec<String>,
    pub(super) name: String,
    pub(super) ty: String,
}

pub(super) struct VariantView {
    pub(super) docs: Vec<String>,
    pub(super) attrs: Vec<String>,
    pub(super) name: String,
    pub(super) kind: &'static str,
    pub(super) items: Vec<String>,
    pub(super) fields: Vec<FieldView>,
}

pub(super) struct MethodView {
    pub(super) docs: Vec<String>,
    pub(super) name: String,
    pub(super) params: Vec<(String, String)>,
    pub(super) ok: String,
    pub(super) err: String,
    pub(super) method: &'static str,
    pub(super) path: String,
    /// The call takes a query, a body; it subscribes; its success has no body to decode.
    pub(super) query: bool,
    pub(super) body: bool,
    pub(super) check_query: bool,
    pub(super) check_body: bool,
    pub(super) subscribing: bool,
    pub(super) empty: bool,
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
        .map(|r| method_view(r, api, options))
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
    let validators = declared
        .iter()
        .filter_map(|def| validator_view(def, api, options))
        .collect();
    let source = ClientFile {
        contract,
        types,
        validators,
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
    // A feature of sailroute-client that is off fails the build with one error that says
    // which line to add to Cargo.toml, instead of unresolved paths.
    let needs: String = super::krate::features(&source)
        .iter()
        .map(|f| {
            format!(
                "::sailroute_client::__needs_feature!({f:?});
"
            )
        })
        .collect();
    let source = format!("{needs}{source}");
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
