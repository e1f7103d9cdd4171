//! Scanned files -> [`Api`]: every type a route uses is looked up among the scanned serde
//! types (transitively); what cannot be found is an error naming where it was used.
//!
//! Mounting (which routes a router serves, at which paths) is `mount.rs`; type aliases of
//! return types are seen through in `aliases.rs`; walking the type references of routes and
//! types is `refs.rs`.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Errors};
use crate::model::{
    Api, EventDef, PathExtractor, PathParam, ResourceDef, Response, Route, Shape, SourceLoc,
    TypeDef, TypeRef, Unsupported, UnsupportedKind, VariantShape,
};
use crate::model::{Segment, Unmounted};
use crate::parse::{Alias, FnMounts, MountEntry, Scanned};

mod aliases;
mod mount;
mod refs;

use aliases::*;
use mount::*;
pub(crate) use refs::shape_refs;
pub use refs::shape_types;
use refs::*;

/// Builds the model from everything scanned.
pub fn resolve(scanned: Vec<Scanned>) -> Result<Api, Errors> {
    resolve_with(scanned, &BTreeSet::new())
}

/// [`resolve`], with `external` naming types defined outside the scanned source that the
/// emitters are told about (a Rust path and a TypeScript shape): they are not looked up.
pub fn resolve_with(scanned: Vec<Scanned>, external: &BTreeSet<String>) -> Result<Api, Errors> {
    let mut routes = Vec::new();
    let mut events: Vec<EventDef> = Vec::new();
    let mut resources: Vec<ResourceDef> = Vec::new();
    let mut models = Vec::new();
    let mut defs: BTreeMap<String, Vec<TypeDef>> = BTreeMap::new();
    let mut aliases: BTreeMap<String, Alias> = BTreeMap::new();
    let mut mounts = Vec::new();
    let mut consts = BTreeMap::new();
    for file in scanned {
        routes.extend(file.routes);
        mounts.extend(file.mounts);
        consts.extend(file.consts);
        aliases.extend(file.aliases.into_iter().map(|a| (a.name.clone(), a)));
        events.extend(file.events);
        resources.extend(file.resources);
        models.extend(file.blueprints);
        for def in file.types {
            defs.entry(def.name.clone()).or_default().push(def);
        }
    }
    if !defs.contains_key("Value") {
        // `use serde_json::Value;` is the usual reason for a bare `Value`.
        for route in &mut routes {
            for r in route_refs_mut(route) {
                bare_value_is_json(r);
            }
        }
        for def in defs.values_mut().flatten() {
            shape_refs_mut(&mut def.shape, &mut bare_value_is_json);
        }
    }
    let mut resolver = Resolver {
        defs,
        used: BTreeMap::new(),
        errors: Vec::new(),
    };
    let (mut routes, unmounted) = mount(routes, mounts, &consts, &mut resolver.errors);
    for route in &mut routes {
        see_through_aliases(route, &aliases, &mut resolver.errors);
    }
    for route in &mut routes {
        resolver.route(route);
    }
    for event in &events {
        resolver
            .used
            .entry(event.ty.clone())
            .or_insert_with(|| (event.loc.clone(), format!("event `{}`", event.name)));
    }
    for resource in &resources {
        let user = format!("resource `{}`", resource.identity);
        resolver
            .used
            .entry(resource.record.clone())
            .or_insert_with(|| (resource.loc.clone(), user.clone()));
        resource.id.named(&mut |n| {
            resolver
                .used
                .entry(n.to_owned())
                .or_insert_with(|| (resource.loc.clone(), user.clone()));
        });
    }
    // A route subscribes to events and resources, named by their types.
    for route in &routes {
        for name in &route.subscribes {
            let known =
                events.iter().any(|e| &e.ty == name) || resources.iter().any(|r| &r.record == name);
            if !known {
                resolver.errors.push(Error::new(
                    route.loc.clone(),
                    format!("`subscribes = {name}` on handler `{}`: `{name}` is not a scanned event or resource; mark it `#[sailroute::event(\"name\")]` or `#[sailroute::resource(\"identity\")]`", route.name),
                ));
            }
        }
    }
    for (first, second) in sorted_pairs(&events, |e| e.name.as_str()) {
        resolver.errors.push(Error::new(
            second.loc.clone(),
            format!(
                "two types are the event `{}` (`{}` and `{}`): an event name has one payload type",
                second.name, first.ty, second.ty
            ),
        ));
    }
    for (first, second) in sorted_pairs(&resources, |r| r.identity.as_str()) {
        resolver.errors.push(Error::new(
            second.loc.clone(),
            format!(
                "two types are the resource `{}` (`{}` and `{}`)",
                second.identity, first.record, second.record
            ),
        ));
    }
    for resource in &resources {
        if let Some(event) = events.iter().find(|e| e.name == resource.identity) {
            resolver.errors.push(Error::new(
                event.loc.clone(),
                format!(
                    "the event `{}` has the name of the resource `{}`'s messages: rename one",
                    event.name, resource.identity
                ),
            ));
        }
    }
    events.sort_by(|a, b| a.name.cmp(&b.name));
    resources.sort_by(|a, b| a.identity.cmp(&b.identity));
    let Resolver {
        defs,
        used,
        mut errors,
    } = resolver;
    // Walk the used types to their fields' types, and so on.
    let mut types = BTreeMap::new();
    let mut queue: Vec<(String, SourceLoc, String)> =
        used.into_iter().map(|(n, (l, u))| (n, l, u)).collect();
    let mut seen = BTreeSet::new();
    while let Some((name, loc, user)) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(candidates) = defs.get(&name) else {
            if external.contains(&name) {
                continue;
            }
            errors.push(Error::new(
                loc,
                format!(
                    "unknown type `{name}` (used by {user}): no scanned file defines a struct or enum named `{name}` deriving Serialize or Deserialize; scan the source that defines it (another crate of the workspace too: `.scan(\"../shared/src\")`, CLI `--scan`), or map it to a type of your own for both clients: `.extern_type(\"{name}\", \"shared::{name}\", \"<its TypeScript shape>\")` (CLI `--extern {name}=shared::{name}=<ts>`)"
                ),
            ));
            continue;
        };
        if candidates.len() > 1 {
            let places: Vec<String> = candidates.iter().map(|d| d.loc.to_string()).collect();
            errors.push(Error::new(
                candidates[1].loc.clone(),
                format!(
                    "two serde types are named `{name}` ({}): generated clients have one namespace for types, so rename one",
                    places.join(" and ")
                ),
            ));
            continue;
        }
        let def = &candidates[0];
        // A field's type is reported at the field.
        let fields: Vec<&crate::model::Field> = match &def.shape {
            Shape::Struct(fields) => fields.iter().collect(),
            Shape::Enum { variants, .. } => variants
                .iter()
                .flat_map(|v| match &v.shape {
                    VariantShape::Struct(fields) => fields.iter().collect(),
                    _ => Vec::new(),
                })
                .collect(),
            _ => Vec::new(),
        };
        for field in &fields {
            field.ty.named(&mut |n| {
                queue.push((
                    n.to_owned(),
                    field.loc.clone(),
                    format!("the field `{}` of `{}`", field.rust_name, def.name),
                ))
            });
        }
        shape_refs(&def.shape, &mut |r| {
            r.named(&mut |n| {
                if !fields.iter().any(|f| std::ptr::eq(&f.ty, r)) {
                    queue.push((n.to_owned(), def.loc.clone(), format!("`{}`", def.name)));
                }
            });
        });
        types.insert(name, def.clone());
    }
    // Generic arity is checked once every definition is known.
    for route in &routes {
        for r in route_refs(route) {
            check_arity(r, &types, &route.loc, &mut errors);
        }
    }
    for def in types.values() {
        shape_refs(&def.shape, &mut |r| {
            check_arity(r, &types, &def.loc, &mut errors)
        });
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.loc.cmp(&b.loc).then_with(|| a.message.cmp(&b.message)));
        errors.dedup();
        return Err(Errors(errors));
    }
    routes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut api = Api {
        routes,
        types,
        events,
        resources,
        models: Vec::new(),
        unmounted,
    };
    let mut errors = crate::blueprint::expand(&mut api, models);
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.loc.cmp(&b.loc).then_with(|| a.message.cmp(&b.message)));
        return Err(Errors(errors));
    }
    Ok(api)
}

struct Resolver {
    defs: BTreeMap<String, Vec<TypeDef>>,
    /// Names used by routes: where first, and by whom.
    used: BTreeMap<String, (SourceLoc, String)>,
    errors: Vec<Error>,
}

impl Resolver {
    fn use_ref(&mut self, r: &TypeRef, route: &Route) {
        r.named(&mut |name| {
            self.used
                .entry(name.to_owned())
                .or_insert_with(|| (route.loc.clone(), format!("handler `{}`", route.name)));
        });
    }

    fn route(&mut self, route: &mut Route) {
        if let PathExtractor::Struct(name) = &route.path_extractor {
            self.path_struct(route, name.clone());
        }
        // An error type that is not a scanned serde type (an `IntoResponse` of the app's
        // own, say) has a body the generator cannot know: the user must say how to treat it.
        if let Some(TypeRef::Named { name, .. }) = &route.error
            && !self.defs.contains_key(name)
        {
            route.unsupported.push(Unsupported {
                kind: UnsupportedKind::Error,
                name: name.clone(),
                ty: name.clone(),
                loc: route.loc.clone(),
            });
            route.error = None;
        }
        let refs: Vec<TypeRef> = route_refs(route).cloned().collect();
        for r in &refs {
            self.use_ref(r, route);
        }
    }

    /// `Path<S>`: a struct binds parameters by field name; a newtype binds the single one.
    fn path_struct(&mut self, route: &mut Route, name: String) {
        let params: Vec<String> = route.path.params().map(str::to_owned).collect();
        let Some([def]) = self.defs.get(&name).map(Vec::as_slice) else {
            self.errors.push(Error::new(
                route.loc.clone(),
                format!("unknown type `{name}` in `Path<{name}>` of handler `{}`: scan the file that defines it", route.name),
            ));
            return;
        };
        match &def.shape {
            Shape::Struct(fields) => {
                let mut out = Vec::new();
                for param in &params {
                    match fields.iter().find(|f| &f.json_name == param) {
                        Some(field) => out.push(PathParam {
                            name: param.clone(),
                            ty: field.ty.clone(),
                        }),
                        None => self.errors.push(Error::new(
                            route.loc.clone(),
                            format!("`{name}` has no field `{param}` for the path parameter `:{param}` of handler `{}`: name a field `{param}`", route.name),
                        )),
                    }
                }
                for field in fields {
                    if !params.contains(&field.json_name) {
                        self.errors.push(Error::new(
                            route.loc.clone(),
                            format!("field `{}` of `{name}` matches no parameter of `{}` (handler `{}`)", field.json_name, route.path.sails(), route.name),
                        ));
                    }
                }
                route.path_params = out;
            }
            Shape::Newtype(_) if params.len() == 1 => {
                route.path_params = vec![PathParam {
                    name: params[0].clone(),
                    ty: TypeRef::Named { name, args: Vec::new() },
                }];
            }
            _ => self.errors.push(Error::new(
                route.loc.clone(),
                format!("`Path<{name}>`: `{name}` must be a struct with one field per path parameter of `{}`", route.path.sails()),
            )),
        }
    }
}

fn check_arity(
    r: &TypeRef,
    types: &BTreeMap<String, TypeDef>,
    loc: &SourceLoc,
    errors: &mut Vec<Error>,
) {
    match r {
        TypeRef::Named { name, args } => {
            if let Some(def) = types.get(name)
                && def.generics.len() != args.len()
            {
                errors.push(Error::new(
                    loc.clone(),
                    format!(
                        "`{name}` takes {} type argument(s), {} given",
                        def.generics.len(),
                        args.len()
                    ),
                ));
            }
            args.iter().for_each(|a| check_arity(a, types, loc, errors));
        }
        TypeRef::Option(inner)
        | TypeRef::Boxed(inner)
        | TypeRef::List(inner)
        | TypeRef::Map(inner) => check_arity(inner, types, loc, errors),
        TypeRef::Tuple(items) => items
            .iter()
            .for_each(|t| check_arity(t, types, loc, errors)),
        _ => {}
    }
}

/// Pairs of items sharing a key (first seen, duplicate).
fn sorted_pairs<T>(items: &[T], key: impl Fn(&T) -> &str) -> Vec<(&T, &T)> {
    let mut seen: BTreeMap<&str, &T> = BTreeMap::new();
    let mut pairs = Vec::new();
    for item in items {
        if let Some(first) = seen.insert(key(item), item) {
            pairs.push((first, item));
        }
    }
    pairs
}

impl Api {
    /// The name of every type the routes, events, resources and types refer to, declared in
    /// the model or not (types mapped to outside declarations are referred to, not declared).
    pub fn referenced_names(&self) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        let mut add = |r: &TypeRef| {
            r.named(&mut |n| {
                names.insert(n.to_owned());
            })
        };
        for route in &self.routes {
            route_refs(route).for_each(&mut add);
        }
        for def in self.types.values() {
            shape_refs(&def.shape, &mut add);
        }
        for resource in &self.resources {
            add(&resource.id);
        }
        names.extend(self.events.iter().map(|e| e.ty.clone()));
        names.extend(self.resources.iter().map(|r| r.record.clone()));
        names
    }
}
