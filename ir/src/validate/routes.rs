//! Routes and paths: two handlers on one method and path; a path parameter without a type.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::{Api, Segment};

use super::route_key;

pub(super) fn check(api: &Api, errors: &mut Vec<Error>) {
    let mut by_key = BTreeMap::new();
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
    }
}
