//! Scanned files -> [`Api`]: every type a route uses is looked up among the scanned serde
//! types (transitively); what cannot be found is an error naming where it was used.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Errors};
use crate::model::{
    Api, EventDef, PathExtractor, PathParam, ResourceDef, Response, Route, Shape, SourceLoc,
    TypeDef, TypeRef, Unsupported, UnsupportedKind, VariantShape,
};
use crate::model::{Segment, Unmounted};
use crate::parse::{Alias, FnMounts, MountEntry, Scanned};

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
    Ok(Api {
        routes,
        types,
        events,
        resources,
        unmounted,
    })
}

/// Keeps the routes that a scanned router mounts, each at its full path (nest prefixes
/// included), and returns the others as unmounted.
fn mount(
    routes: Vec<Route>,
    mut mounts: Vec<FnMounts>,
    consts: &BTreeMap<String, String>,
    errors: &mut Vec<Error>,
) -> (Vec<Route>, Vec<Unmounted>) {
    if routes.is_empty() {
        return (routes, Vec::new());
    }
    errors.extend(crate::parse::resolve_consts(&mut mounts, consts));
    let mounts_any = mounts
        .iter()
        .flat_map(|f| &f.entries)
        .any(|e| matches!(e, MountEntry::Handler { .. }));
    if !mounts_any {
        errors.push(Error::new(
            routes[0].loc.clone(),
            "no scanned `routes![…]` mounts the annotated handlers, so the generator cannot know their paths: scan the file that builds the router (the one calling `routes![…]` and `.nest(…)`) too",
        ));
        return (Vec::new(), Vec::new());
    }
    // Which function a call names: by its last segment, then by its module when several
    // scanned functions have that name.
    let find = |callee: &[String]| -> Vec<usize> {
        let Some(name) = callee.last() else {
            return Vec::new();
        };
        let candidates: Vec<usize> = (0..mounts.len())
            .filter(|&i| &mounts[i].name == name)
            .collect();
        if candidates.len() <= 1 || callee.len() < 2 {
            return candidates;
        }
        let module = &callee[callee.len() - 2];
        candidates
            .into_iter()
            .filter(|&i| mounts[i].module.last() == Some(module))
            .collect()
    };
    let mut called = vec![false; mounts.len()];
    for f in &mounts {
        for entry in &f.entries {
            if let MountEntry::Call { callee, .. } = entry {
                for i in find(callee) {
                    called[i] = true;
                }
            }
        }
    }
    // Every handler reachable from a function nobody calls, with its prefix.
    let mut placed: BTreeMap<String, Vec<(String, SourceLoc)>> = BTreeMap::new();
    let mut stack: Vec<(usize, String, usize)> = (0..mounts.len())
        .filter(|&i| !called[i])
        .map(|i| (i, String::new(), 0))
        .collect();
    while let Some((i, prefix, depth)) = stack.pop() {
        if depth > 32 {
            continue; // a cycle of calls: each function was already expanded once on it
        }
        for entry in &mounts[i].entries {
            match entry {
                MountEntry::Handler {
                    prefix: inner,
                    name,
                    loc,
                } => {
                    let full = format!("{prefix}{}", inner.path());
                    let places = placed.entry(name.clone()).or_default();
                    if !places.iter().any(|(p, _)| p == &full) {
                        places.push((full, loc.clone()));
                    }
                }
                MountEntry::Call {
                    prefix: inner,
                    callee,
                } => {
                    let targets = find(callee);
                    if targets.len() > 1 {
                        errors.push(Error::new(
                            mounts[i].loc.clone(),
                            format!(
                                "`{}` calls `{}`, and several scanned functions have that name: give them different names or module paths the generator can tell apart",
                                mounts[i].name,
                                callee.join("::")
                            ),
                        ));
                        continue;
                    }
                    for t in targets {
                        stack.push((t, format!("{prefix}{}", inner.path()), depth + 1));
                    }
                }
            }
        }
    }
    let mut mounted = Vec::new();
    let mut unmounted = Vec::new();
    for mut route in routes {
        match placed.get(&route.name).map(Vec::as_slice) {
            None | Some([]) => unmounted.push(Unmounted {
                name: route.name.clone(),
                loc: route.loc.clone(),
            }),
            Some([(prefix, _)]) => {
                let mut segments: Vec<Segment> = prefix
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| Segment::Literal(s.to_owned()))
                    .collect();
                segments.append(&mut route.path.segments);
                route.path.segments = segments;
                mounted.push(route);
            }
            Some(places) => {
                let paths: Vec<String> = places
                    .iter()
                    .map(|(p, loc)| format!("`{p}{}` ({loc})", route.path.sails()))
                    .collect();
                errors.push(Error::new(
                    route.loc.clone(),
                    format!(
                        "the handler `{}` is mounted at {} paths: {}; a client method has one path, so mount it once",
                        route.name,
                        places.len(),
                        paths.join(", ")
                    ),
                ));
            }
        }
    }
    (mounted, unmounted)
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

fn route_refs(route: &Route) -> impl Iterator<Item = &TypeRef> {
    route
        .path_params
        .iter()
        .map(|p| &p.ty)
        .chain(route.query.iter())
        .chain(route.body.iter())
        .chain(match &route.response {
            Response::Json(t) => Some(t),
            Response::Empty => None,
        })
        .chain(route.error.iter())
}

fn bare_value_is_json(r: &mut TypeRef) {
    match r {
        TypeRef::Named { name, args } if name == "Value" && args.is_empty() => *r = TypeRef::Json,
        TypeRef::Named { args, .. } => args.iter_mut().for_each(bare_value_is_json),
        TypeRef::Option(inner)
        | TypeRef::Boxed(inner)
        | TypeRef::List(inner)
        | TypeRef::Map(inner) => {
            bare_value_is_json(inner);
        }
        TypeRef::Tuple(items) => items.iter_mut().for_each(bare_value_is_json),
        _ => {}
    }
}

fn route_refs_mut(route: &mut Route) -> impl Iterator<Item = &mut TypeRef> {
    let response = match &mut route.response {
        Response::Json(t) => Some(t),
        Response::Empty => None,
    };
    let extractor: Vec<&mut TypeRef> = match &mut route.path_extractor {
        PathExtractor::Single(t) => vec![t],
        PathExtractor::Tuple(items) => items.iter_mut().collect(),
        _ => Vec::new(),
    };
    route
        .path_params
        .iter_mut()
        .map(|p| &mut p.ty)
        .chain(extractor)
        .chain(route.query.iter_mut())
        .chain(route.body.iter_mut())
        .chain(response)
        .chain(route.error.iter_mut())
}

fn shape_refs_mut(shape: &mut Shape, visit: &mut impl FnMut(&mut TypeRef)) {
    match shape {
        Shape::Struct(fields) => fields.iter_mut().for_each(|f| visit(&mut f.ty)),
        Shape::Tuple(items) => items.iter_mut().for_each(&mut *visit),
        Shape::Newtype(t) => visit(t),
        Shape::Unit => {}
        Shape::Enum { variants, .. } => {
            for v in variants {
                match &mut v.shape {
                    VariantShape::Unit => {}
                    VariantShape::Newtype(t) => visit(t),
                    VariantShape::Tuple(items) => items.iter_mut().for_each(&mut *visit),
                    VariantShape::Struct(fields) => {
                        fields.iter_mut().for_each(|f| visit(&mut f.ty))
                    }
                }
            }
        }
    }
}

/// Calls `visit` with every type reference in a shape.
/// Calls `visit` with every type a shape holds (fields, items, variants' contents).
pub fn shape_types(shape: &Shape, visit: &mut impl FnMut(&TypeRef)) {
    shape_refs(shape, visit);
}

pub(crate) fn shape_refs(shape: &Shape, visit: &mut impl FnMut(&TypeRef)) {
    match shape {
        Shape::Struct(fields) => fields.iter().for_each(|f| visit(&f.ty)),
        Shape::Tuple(items) => items.iter().for_each(&mut *visit),
        Shape::Newtype(t) => visit(t),
        Shape::Unit => {}
        Shape::Enum { variants, .. } => {
            for v in variants {
                match &v.shape {
                    VariantShape::Unit => {}
                    VariantShape::Newtype(t) => visit(t),
                    VariantShape::Tuple(items) => items.iter().for_each(&mut *visit),
                    VariantShape::Struct(fields) => fields.iter().for_each(|f| visit(&f.ty)),
                }
            }
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

/// Replaces a return type that is a scanned type alias (`ApiResult<Todo>` for
/// `type ApiResult<T> = Result<Json<T>, ApiError>`) with what it stands for.
fn see_through_aliases(
    route: &mut Route,
    aliases: &BTreeMap<String, Alias>,
    errors: &mut Vec<Error>,
) {
    // Aliases of aliases resolve in a few steps; the bound stops a cycle.
    for _ in 0..8 {
        let Some(index) = route
            .unsupported
            .iter()
            .position(|u| u.kind == UnsupportedKind::Response && aliases.contains_key(&u.name))
        else {
            return;
        };
        let written = route.unsupported.remove(index);
        let Ok(ty) = syn::parse_str::<syn::Type>(&written.ty) else {
            return;
        };
        let alias = &aliases[&written.name];
        let args: Vec<syn::Type> = match &ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .and_then(|s| match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => Some(
                        a.args
                            .iter()
                            .filter_map(|g| match g {
                                syn::GenericArgument::Type(t) => Some(t.clone()),
                                _ => None,
                            })
                            .collect(),
                    ),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut target = alias.target.clone();
        let mut substitute = Substitute {
            params: &alias.params,
            args: &args,
        };
        syn::visit_mut::VisitMut::visit_type_mut(&mut substitute, &mut target);
        match crate::parse::response_of_type(&target) {
            Ok((response, error, untyped)) => {
                route.response = response;
                if error.is_some() {
                    route.error = error;
                }
                if untyped {
                    route.unsupported.push(Unsupported {
                        name: crate::parse::route_type_name(&target),
                        ty: crate::parse::route_type_text(&target),
                        ..written
                    });
                }
            }
            Err(e) => errors.push(Error::new(written.loc, e.to_string())),
        }
    }
}

/// Puts an alias' type arguments in place of its parameters.
struct Substitute<'a> {
    params: &'a [String],
    args: &'a [syn::Type],
}

impl syn::visit_mut::VisitMut for Substitute<'_> {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if let syn::Type::Path(p) = ty
            && p.qself.is_none()
            && let Some(ident) = p.path.get_ident()
            && let Some(i) = self.params.iter().position(|param| ident == param)
            && let Some(arg) = self.args.get(i)
        {
            *ty = arg.clone();
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
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
