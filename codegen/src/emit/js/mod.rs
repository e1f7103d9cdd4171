//! The JavaScript client: an ES module (`index.js`) with TypeScript declarations
//! (`index.d.ts`), rendered through `templates/js/` and `templates/ts/`. No bare imports at
//! run time: the socket.io-client socket (or `fetch`) is passed in.
//!
//! One job per file: the package metadata (`package.rs`), the TypeScript spelling of types
//! (`types.rs`), names the client keeps for itself (`names.rs`), each route's method
//! (`methods.rs`); this file renders them through the templates.

use std::collections::BTreeMap;

use askama::Template;
use sailroute_ir::model::{
    Api, EnumRepr, Field, Known, Response, Route, Segment, Shape, TypeDef, TypeRef, VariantShape,
};

use super::{GENERATED, camel, doc_lines};
use crate::Error;

mod checks;
mod methods;
mod names;
mod package;
mod types;

use methods::*;
use names::*;
pub(crate) use package::{check_package_version, default_package_name, render_package};
use types::*;

#[derive(Template)]
#[template(path = "js/index.js.jinja", escape = "none")]
pub(super) struct JsFile<'a> {
    header: &'static str,
    /// The API's hash on the wire.
    contract: String,
    methods: &'a [MethodView],
    consts: &'a [ConstEnum],
    validators: &'a [checks::JsValidator],
}

#[derive(Template)]
#[template(path = "js/browser.js.jinja", escape = "none")]
pub(super) struct BrowserFile<'a> {
    header: &'static str,
    /// The API's hash on the wire.
    contract: String,
    methods: &'a [MethodView],
    consts: &'a [ConstEnum],
    validators: &'a [checks::JsValidator],
}

pub(super) struct EventView {
    pub(super) name: String,
    pub(super) name_literal: String,
    pub(super) ty: String,
}

pub(super) struct ResourceView {
    pub(super) identity: String,
    pub(super) identity_literal: String,
    pub(super) alias: String,
    pub(super) record: String,
    pub(super) id: String,
}

#[derive(Template)]
#[template(path = "ts/index.d.ts.jinja", escape = "none")]
pub(super) struct DtsFile<'a> {
    header: &'static str,
    types: Vec<TsType>,
    methods: &'a [MethodView],
    consts: &'a [ConstEnum],
    events: Vec<EventView>,
    resources: Vec<ResourceView>,
}

pub(super) struct MethodView {
    pub(super) docs: Vec<String>,
    pub(super) name: String,
    /// In call order.
    pub(super) params: Vec<ParamView>,
    pub(super) method: &'static str,
    pub(super) path: String,
    pub(super) query: String,
    pub(super) body: String,
    pub(super) ok: String,
    /// The route's error body type.
    pub(super) err: String,
    /// The name of the route's error type guard (`isCreateTodoError`).
    pub(super) guard: String,
    pub(super) subscribing: bool,
    /// The local check of the body and query (`(errors) => { … }`), or empty.
    pub(super) check: String,
}

pub(super) struct ParamView {
    pub(super) name: String,
    pub(super) ty: String,
    pub(super) optional: bool,
}

pub(super) struct TsType {
    pub(super) docs: Vec<String>,
    pub(super) name: String,
    pub(super) generics: String,
    /// `Some(fields)` for an interface, else `expr` is the alias.
    pub(super) fields: Option<Vec<TsField>>,
    pub(super) expr: String,
}

pub(super) struct TsField {
    pub(super) docs: Vec<String>,
    pub(super) name: String,
    pub(super) optional: bool,
    pub(super) ty: String,
}

/// A unit-only enum, also emitted as a frozen object of its values.
pub(super) struct ConstEnum {
    pub(super) docs: Vec<String>,
    pub(super) name: String,
    /// Key, value and the variant's doc comment (one line, empty for none).
    pub(super) values: Vec<(String, String, String)>,
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
    let validators: Vec<checks::JsValidator> = api
        .types
        .values()
        .filter_map(|def| checks::validator(def, api))
        .collect();
    BrowserFile {
        header: GENERATED,
        contract,
        methods: &methods,
        consts: &consts,
        validators: &validators,
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
    let validators: Vec<checks::JsValidator> = api
        .types
        .values()
        .filter_map(|def| checks::validator(def, api))
        .collect();
    let js = JsFile {
        header: GENERATED,
        contract,
        methods: &methods,
        consts: &consts,
        validators: &validators,
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
