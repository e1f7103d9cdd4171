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
