//! Checks across routes: two handlers on one method and path, two handlers with one name.

use std::collections::BTreeMap;

use crate::error::{Error, Errors};
use crate::model::{Api, Method, Segment};

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

/// Checks the routes against each other.
pub fn validate(api: &Api) -> Result<(), Errors> {
    let mut errors = Vec::new();
    let mut by_key = BTreeMap::new();
    let mut by_name = BTreeMap::new();
    for route in &api.routes {
        // Every parameter has a type: a client never guesses one (a parameter that came from
        // elsewhere, such as a nest prefix, has none and is refused here).
        for segment in &route.path.segments {
            if let Segment::Param(name) | Segment::Rest(name) = segment
                && route.param_type(name).is_none()
            {
                errors.push(Error::new(
                    route.loc.clone(),
                    format!(
                        "the path parameter `:{name}` of `{}` ({}) has no type: bind it in the handler's `Path` extractor, like `Path({name}): Path<String>`",
                        route.name,
                        route.path.sails()
                    ),
                ));
            }
        }
        if let Some(first) = by_key.insert(route_key(route.method, &route.path.segments), route) {
            errors.push(Error::new(
                route.loc.clone(),
                format!(
                    "`{}` and `{}` ({}) both handle {} {}: change one path or method",
                    route.name,
                    first.name,
                    first.loc,
                    route.method.upper(),
                    route.path.sails()
                ),
            ));
        }
        if let Some(first) = by_name.insert(route.name.as_str(), route) {
            errors.push(Error::new(
                route.loc.clone(),
                format!(
                    "two handlers are named `{}` (the other is at {}): client methods are named after handlers, so rename one",
                    route.name, first.loc
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Errors(errors))
    }
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
