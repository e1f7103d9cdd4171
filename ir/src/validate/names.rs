//! Names and clashes: client methods are named after handlers, so two handlers of one name
//! cannot both have one.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::Api;

pub(super) fn check(api: &Api, errors: &mut Vec<Error>) {
    let mut by_name = BTreeMap::new();
    for route in &api.routes {
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
}
