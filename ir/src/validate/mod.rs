//! Every check of what a client may contain, in one place, one module per family: routes and
//! paths (`routes.rs`), mounts and prefixes (`mounts.rs`), names and clashes (`names.rs`),
//! types and extractors (`types.rs`). The parser reports what it cannot read at its location;
//! everything it can read is judged here, so the macros, the generator and the compatibility
//! check agree on what is allowed. Emitters keep only their language's reserved words.

use std::collections::BTreeSet;

use crate::error::{Error, Errors};
use crate::model::{Api, Method, Segment};

mod mounts;
mod names;
mod routes;
mod types;

pub(crate) use mounts::check_prefix;

/// What the user allowed that the checks would otherwise refuse, for [`validate_client`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientOptions {
    /// Handlers or types whose answers the clients take as untyped JSON
    /// (`sailroute-codegen --untyped`).
    pub untyped: BTreeSet<String>,
    /// Extractors the clients need not send anything for (`--ignore-extractor`).
    pub ignored_extractors: BTreeSet<String>,
}

/// The shape axum routes on: parameter names do not tell two paths apart.
pub fn route_key(method: Method, segments: &[Segment]) -> (Method, Vec<String>) {
    let shape = segments
        .iter()
        .map(|s| match s {
            Segment::Literal(text) => text.clone(),
            Segment::Param(_) => "{}".to_owned(),
            Segment::Rest(_) => "{*}".to_owned(),
        })
        .collect();
    (method, shape)
}

/// Checks the model: routes and paths, names and clashes. What a server may serve.
pub fn validate(api: &Api) -> Result<(), Errors> {
    let mut errors = Vec::new();
    routes::check(api, &mut errors);
    names::check(api, &mut errors);
    finish(errors)
}

/// [`validate`], and what a generated client needs besides: every type and extractor it
/// must send or read is one it can describe, unless `options` allow it.
pub fn validate_client(api: &Api, options: &ClientOptions) -> Result<(), Errors> {
    let mut errors = Vec::new();
    routes::check(api, &mut errors);
    names::check(api, &mut errors);
    types::supported(api, options, &mut errors);
    finish(errors)
}

/// The errors in source order, or none.
fn finish(mut errors: Vec<Error>) -> Result<(), Errors> {
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by(|a, b| {
        (&a.loc.file, a.loc.line, a.loc.column).cmp(&(&b.loc.file, b.loc.line, b.loc.column))
    });
    Err(Errors(errors))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn api(source: &str) -> Api {
        crate::resolve(vec![crate::parse::file("api.rs", source).unwrap()]).unwrap()
    }

    const TWO: &str = r#"
        #[get("/a/:id")]
        async fn one(Path(id): Path<u32>) -> StatusCode { unreachable!() }
        #[get("/b")]
        async fn two() -> StatusCode { unreachable!() }
        fn app() -> Router { routes![one, two] }
    "#;

    #[test]
    fn a_valid_api_passes() {
        assert!(validate(&api(TWO)).is_ok());
    }

    #[test]
    fn a_path_parameter_without_a_type_is_refused_where_the_handler_is() {
        let mut api = api(TWO);
        api.routes[0].path_params.clear();
        let errors = validate(&api).unwrap_err().to_string();
        assert!(
            errors.contains("api.rs:") && errors.contains("the path parameter `:id` of `one`"),
            "{errors}"
        );
    }

    #[test]
    fn clashing_paths_and_names_are_refused() {
        let mut api = api(TWO);
        let mut copy = api.routes[1].clone();
        api.routes.push(copy.clone());
        copy.name = "three".to_owned();
        api.routes.push(copy);
        let errors = validate(&api).unwrap_err().to_string();
        assert!(errors.contains("both handle GET /b"), "{errors}");
        assert!(errors.contains("two handlers are named `two`"), "{errors}");
    }
}
