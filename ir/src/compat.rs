//! Whether a client generated from one API can talk to a server serving another: computed from
//! the two models, not from the equality of their hashes. A client is compatible when every
//! route it calls is still served at the same method and path, every value it sends is one
//! the server reads, and every value the server answers (results, errors, events, resource
//! messages) is one the client reads.
//!
//! So adding a route, an event or an optional field is compatible; removing or moving a
//! route, retyping a field, making an optional request field required, or sending a new enum
//! variant to an older client is not. Doc comments and Rust names do not travel on the wire
//! and do not count. What the model cannot see — `deny_unknown_fields`, custom `Deserialize`
//! impls, validation in handlers — is not checked.
//!
//! [`contract_hash`] names an API by what travels on the wire; clients send it, servers look
//! it up.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{
    Api, Check, Field, IntKind, Response, Segment, Shape, TypeDef, TypeRef, VariantShape,
};

/// The hash of an API as it travels on the wire: the first 16 hex digits of the SHA-256 of its
/// wire view (`wire_hash.rs`), without what does not travel — doc comments, handler names,
/// Rust field and variant names, path parameter names, how a handler extracts its path, which
/// routes subscribe. Renaming any of those keeps the hash; renaming a JSON key or a type does
/// not, and neither does a new version of this crate with a model laid out differently.
/// Generated clients carry it; a server given its contract compares it with theirs.
pub fn contract_hash(api: &Api) -> String {
    crate::wire_hash::contract_hash(api)
}

/// A route's place on the wire: its method and its path with the parameters' names left out.
fn wire_key(route: &crate::model::Route) -> (String, String) {
    let path = route.path.render(|s| match s {
        Segment::Literal(text) => text.clone(),
        Segment::Param(_) => "{}".to_owned(),
        Segment::Rest(_) => "{*}".to_owned(),
    });
    (route.method.upper().to_owned(), path)
}

/// Why a client cannot talk to a server: each problem in a sentence, naming the route, event
/// or resource and the place in the value (`GET /todos/{id}: the result's `title`: …`).
/// Empty when the client is compatible.
pub fn incompatibilities(client: &Api, server: &Api) -> Vec<String> {
    let mut problems = Vec::new();
    let served: BTreeMap<(String, String), &crate::model::Route> =
        server.routes.iter().map(|r| (wire_key(r), r)).collect();
    for route in &client.routes {
        let key = wire_key(route);
        let place = format!("{} {}", route.method.upper(), route.path.axum());
        let Some(theirs) = served.get(&key) else {
            problems.push(format!("{place}: the server no longer serves this route"));
            continue;
        };
        let mut check = Checker::new(client, server, &mut problems);
        // Path parameters: the client writes them, the server reads them.
        // A path parameter is text: a server that reads it as a string reads anything.
        for (mine, yours) in route.path_params.iter().zip(&theirs.path_params) {
            if yours.ty != TypeRef::String {
                check.reads(
                    Side::Server,
                    &yours.ty,
                    &mine.ty,
                    &format!("{place}: the path parameter `{}`", mine.name),
                );
            }
        }
        match (&route.query, &theirs.query) {
            (Some(mine), Some(yours)) => {
                check.reads(Side::Server, yours, mine, &format!("{place}: the query"))
            }
            (None, Some(yours)) => check.absent_is_read(yours, &format!("{place}: the query")),
            _ => {}
        }
        match (&route.body, &theirs.body) {
            (Some(mine), Some(yours)) => {
                check.reads(Side::Server, yours, mine, &format!("{place}: the body"))
            }
            (None, Some(_)) => check
                .problems
                .push(format!("{place}: the body: the server now needs one")),
            _ => {}
        }
        match (&route.response, &theirs.response) {
            (Response::Json(mine), Response::Json(yours)) => {
                check.reads(Side::Client, mine, yours, &format!("{place}: the result"))
            }
            (Response::Json(_), Response::Empty) => check.problems.push(format!(
                "{place}: the result: the server no longer answers with one"
            )),
            _ => {}
        }
        if let (Some(mine), Some(yours)) = (&route.error, &theirs.error) {
            check.reads(
                Side::Client,
                mine,
                yours,
                &format!("{place}: the error body"),
            );
        }
    }
    let events: BTreeMap<&str, &str> = server
        .events
        .iter()
        .map(|e| (e.name.as_str(), e.ty.as_str()))
        .collect();
    for event in &client.events {
        let place = format!("the `{}` event", event.name);
        match events.get(event.name.as_str()) {
            None => problems.push(format!("{place}: the server no longer sends it")),
            Some(theirs) => {
                let mut check = Checker::new(client, server, &mut problems);
                check.reads(Side::Client, &named(&event.ty), &named(theirs), &place);
            }
        }
    }
    let resources: BTreeMap<&str, &crate::model::ResourceDef> = server
        .resources
        .iter()
        .map(|r| (r.identity.as_str(), r))
        .collect();
    for resource in &client.resources {
        let place = format!("the `{}` resource", resource.identity);
        match resources.get(resource.identity.as_str()) {
            None => problems.push(format!("{place}: the server no longer publishes it")),
            Some(theirs) => {
                let mut check = Checker::new(client, server, &mut problems);
                check.reads(
                    Side::Client,
                    &named(&resource.record),
                    &named(&theirs.record),
                    &format!("{place}: its record"),
                );
                check.reads(
                    Side::Client,
                    &resource.id,
                    &theirs.id,
                    &format!("{place}: its id"),
                );
            }
        }
    }
    problems
}

fn named(name: &str) -> TypeRef {
    TypeRef::Named {
        name: name.to_owned(),
        args: Vec::new(),
    }
}

/// Which side reads the value being checked (the other writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Client,
    Server,
}

struct Checker<'a, 'p> {
    client: &'a Api,
    server: &'a Api,
    /// Pairs of named types already being compared (recursive types).
    seen: BTreeSet<(Side, TypeRef, TypeRef)>,
    problems: &'p mut Vec<String>,
}

impl<'a, 'p> Checker<'a, 'p> {
    fn new(client: &'a Api, server: &'a Api, problems: &'p mut Vec<String>) -> Self {
        Checker {
            client,
            server,
            seen: BTreeSet::new(),
            problems,
        }
    }

    fn api(&self, side: Side) -> &Api {
        match side {
            Side::Client => self.client,
            Side::Server => self.server,
        }
    }

    /// Records a problem unless every value `writer` can hold is one `reader` reads. `reader`
    /// is in the API of `side`, `writer` in the other's.
    fn reads(&mut self, side: Side, reader: &TypeRef, writer: &TypeRef, place: &str) {
        let other = match side {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        };
        let reader = self.unwrap(side, reader);
        let writer = self.unwrap(other, writer);
        match (&reader, &writer) {
            (TypeRef::Json, _) => {}
            (TypeRef::Option(r), TypeRef::Option(w)) => self.reads(side, r, w, place),
            (TypeRef::Option(r), w) => self.reads(side, r, w, place),
            (_, TypeRef::Option(_)) => {
                self.problem(place, "may now be null, which the reader refuses")
            }
            (TypeRef::Bool, TypeRef::Bool)
            | (TypeRef::Float, TypeRef::Float | TypeRef::Int(_))
            | (TypeRef::Char, TypeRef::Char)
            | (TypeRef::String, TypeRef::String | TypeRef::Char)
            | (TypeRef::Unit, TypeRef::Unit) => {}
            (TypeRef::Int(r), TypeRef::Int(w)) => {
                if !int_within(*w, *r) {
                    self.problem(
                        place,
                        &format!("is now {} where {} was read", w.rust(), r.rust()),
                    );
                }
            }
            (TypeRef::Known(r), TypeRef::Known(w)) if r == w => {}
            (TypeRef::List(r), TypeRef::List(w)) | (TypeRef::Map(r), TypeRef::Map(w)) => {
                self.reads(side, r, w, &format!("{place}'s item"));
            }
            (TypeRef::Tuple(r), TypeRef::Tuple(w)) if r.len() == w.len() => {
                for (i, (r, w)) in r.iter().zip(w).enumerate() {
                    self.reads(side, r, w, &format!("{place}'s item {i}"));
                }
            }
            (TypeRef::Named { .. }, TypeRef::Named { .. }) => {
                let key = (side, reader.clone(), writer.clone());
                if !self.seen.insert(key) {
                    return;
                }
                let (Some((r_def, r_params)), Some((w_def, w_params))) =
                    (self.def(side, &reader), self.def(other, &writer))
                else {
                    // Declared outside both models (an external type): compared by name.
                    if reader != writer {
                        self.problem(place, "is now another type");
                    }
                    return;
                };
                self.shapes(side, (&r_def, &r_params), (&w_def, &w_params), place);
            }
            _ => self.problem(place, "has changed type"),
        }
    }

    /// The server reads `ty` from a client that sends nothing ([`Api::reads_absent`]).
    fn absent_is_read(&mut self, ty: &TypeRef, place: &str) {
        if !self.api(Side::Server).reads_absent(ty) {
            self.problem(place, "the server now needs one");
        }
    }

    /// Boxes and newtypes are their content on the wire.
    fn unwrap(&self, side: Side, ty: &TypeRef) -> TypeRef {
        let mut ty = ty.clone();
        for _ in 0..64 {
            ty = match &ty {
                TypeRef::Boxed(inner) => (**inner).clone(),
                TypeRef::Named { .. } => match self.def(side, &ty) {
                    Some((def, params)) => match &def.shape {
                        Shape::Newtype(inner) => inner.substitute(&params),
                        _ => return ty,
                    },
                    None => return ty,
                },
                _ => return ty,
            };
        }
        ty
    }

    /// The definition of a named type in `side`'s API, with its parameters bound.
    fn def(&self, side: Side, ty: &TypeRef) -> Option<(TypeDef, BTreeMap<String, TypeRef>)> {
        let TypeRef::Named { name, args } = ty else {
            return None;
        };
        let def = self.api(side).types.get(name)?.clone();
        let params = def
            .generics
            .iter()
            .cloned()
            .zip(args.iter().cloned())
            .collect();
        Some((def, params))
    }

    fn shapes(
        &mut self,
        side: Side,
        (reader, r_params): (&TypeDef, &BTreeMap<String, TypeRef>),
        (writer, w_params): (&TypeDef, &BTreeMap<String, TypeRef>),
        place: &str,
    ) {
        let other = opposite(side);
        match (&reader.shape, &writer.shape) {
            (Shape::Struct(r), Shape::Struct(w)) => {
                self.fields(side, (r, r_params), (w, w_params), place);
            }
            (Shape::Tuple(r), Shape::Tuple(w)) if r.len() == w.len() => {
                for (i, (r, w)) in r.iter().zip(w).enumerate() {
                    let (r, w) = (r.substitute(r_params), w.substitute(w_params));
                    self.reads(side, &r, &w, &format!("{place}'s item {i}"));
                }
            }
            (Shape::Unit, Shape::Unit) => {}
            (
                Shape::Enum {
                    repr: r_repr,
                    variants: r_variants,
                },
                Shape::Enum {
                    repr: w_repr,
                    variants: w_variants,
                },
            ) => {
                if r_repr != w_repr {
                    self.problem(place, "is tagged differently now");
                    return;
                }
                for w in w_variants {
                    let variant_place = format!("{place}'s variant `{}`", w.json_name);
                    let Some(r) = r_variants.iter().find(|r| r.json_name == w.json_name) else {
                        let who = match other {
                            Side::Server => "the server may now send it",
                            Side::Client => "the client may send it",
                        };
                        self.problems.push(format!(
                            "{variant_place}: the reader does not know it, and {who}"
                        ));
                        continue;
                    };
                    match (&r.shape, &w.shape) {
                        (VariantShape::Unit, VariantShape::Unit) => {}
                        (VariantShape::Newtype(r), VariantShape::Newtype(w)) => {
                            let (r, w) = (r.substitute(r_params), w.substitute(w_params));
                            self.reads(side, &r, &w, &variant_place);
                        }
                        (VariantShape::Tuple(r), VariantShape::Tuple(w)) if r.len() == w.len() => {
                            for (i, (r, w)) in r.iter().zip(w).enumerate() {
                                let (r, w) = (r.substitute(r_params), w.substitute(w_params));
                                self.reads(side, &r, &w, &format!("{variant_place}'s item {i}"));
                            }
                        }
                        (VariantShape::Struct(r), VariantShape::Struct(w)) => {
                            self.fields(side, (r, r_params), (w, w_params), &variant_place);
                        }
                        _ => self.problem(&variant_place, "holds something else now"),
                    }
                }
            }
            _ => self.problem(place, "has changed shape"),
        }
    }

    fn fields(
        &mut self,
        side: Side,
        (reader, r_params): (&[Field], &BTreeMap<String, TypeRef>),
        (writer, w_params): (&[Field], &BTreeMap<String, TypeRef>),
        place: &str,
    ) {
        // Flattened fields merge keys from elsewhere: compared pairwise, in order.
        let r_flat: Vec<&Field> = reader.iter().filter(|f| f.flatten).collect();
        let w_flat: Vec<&Field> = writer.iter().filter(|f| f.flatten).collect();
        if r_flat.len() != w_flat.len() {
            self.problem(place, "flattens other fields now");
        }
        for (r, w) in r_flat.iter().zip(&w_flat) {
            let (rt, wt) = (r.ty.substitute(r_params), w.ty.substitute(w_params));
            self.reads(
                side,
                &rt,
                &wt,
                &format!("{place}'s flattened `{}`", r.rust_name),
            );
        }
        for r in reader.iter().filter(|f| !f.flatten) {
            let field_place = format!("{place}'s `{}`", r.json_name);
            match writer
                .iter()
                .find(|w| !w.flatten && w.json_name == r.json_name)
            {
                None if r.has_default => {}
                None => self.problem(&field_place, "is needed but no longer written"),
                Some(w) if w.may_skip && !r.has_default => {
                    self.problem(&field_place, "is needed but may now be left out")
                }
                Some(w) => {
                    let (rt, wt) = (r.ty.substitute(r_params), w.ty.substitute(w_params));
                    self.reads(side, &rt, &wt, &field_place);
                    self.rules(&r.rules.checks, &w.rules.checks, &field_place);
                    self.rules(
                        &r.rules.inner,
                        &w.rules.inner,
                        &format!("{field_place}'s item"),
                    );
                }
            }
        }
    }

    /// Records a problem unless every value the writer's rules allow passes the reader's:
    /// a rule tightened where the server reads (a request), or loosened where the client
    /// reads (an answer). `custom` rules are the server's own and are not compared.
    fn rules(&mut self, reader: &[Check], writer: &[Check], place: &str) {
        for check in reader {
            let kept = match check {
                Check::Length { min, max } => {
                    let (w_min, w_max) = length_bounds(writer);
                    min.is_none_or(|m| w_min >= m)
                        && max.is_none_or(|m| w_max.is_some_and(|w| w <= m))
                }
                Check::Range { min, max } => {
                    let (w_min, w_max) = range_bounds(writer);
                    let at_least = |bound: &Option<String>, writer: Option<f64>, above: bool| {
                        bound
                            .as_deref()
                            .and_then(|b| b.parse::<f64>().ok())
                            .is_none_or(|b| {
                                writer.is_some_and(|w| if above { w >= b } else { w <= b })
                            })
                    };
                    at_least(min, w_min, true) && at_least(max, w_max, false)
                }
                Check::Pattern(_) | Check::Email | Check::Url => writer.contains(check),
                Check::Custom => true,
            };
            if !kept {
                self.problem(
                    place,
                    &format!(
                        "is now checked for {} where the writer does not ensure it",
                        check.describe("characters or items")
                    ),
                );
            }
        }
    }

    fn problem(&mut self, place: &str, what: &str) {
        self.problems.push(format!("{place} {what}"));
    }
}

/// The tightest length bounds among `checks`.
fn length_bounds(checks: &[Check]) -> (u64, Option<u64>) {
    let mut low = 0;
    let mut high: Option<u64> = None;
    for check in checks {
        if let Check::Length { min, max } = check {
            low = low.max(min.unwrap_or(0));
            if let Some(max) = max {
                high = Some(high.map_or(*max, |h| h.min(*max)));
            }
        }
    }
    (low, high)
}

/// The tightest range bounds among `checks`.
fn range_bounds(checks: &[Check]) -> (Option<f64>, Option<f64>) {
    let mut low: Option<f64> = None;
    let mut high: Option<f64> = None;
    for check in checks {
        if let Check::Range { min, max } = check {
            if let Some(m) = min.as_deref().and_then(|b| b.parse::<f64>().ok()) {
                low = Some(low.map_or(m, |l| l.max(m)));
            }
            if let Some(m) = max.as_deref().and_then(|b| b.parse::<f64>().ok()) {
                high = Some(high.map_or(m, |h| h.min(m)));
            }
        }
    }
    (low, high)
}

fn opposite(side: Side) -> Side {
    match side {
        Side::Client => Side::Server,
        Side::Server => Side::Client,
    }
}

/// Whether every value of `inner` is a value of `outer`.
fn int_within(inner: IntKind, outer: IntKind) -> bool {
    let (lo, hi) = bounds(inner);
    let (outer_lo, outer_hi) = bounds(outer);
    outer_lo <= lo && hi <= outer_hi
}

fn bounds(kind: IntKind) -> (i128, u128) {
    match kind {
        IntKind::U8 => (0, u8::MAX.into()),
        IntKind::U16 => (0, u16::MAX.into()),
        IntKind::U32 => (0, u32::MAX.into()),
        IntKind::U64 | IntKind::Usize => (0, u64::MAX.into()),
        IntKind::U128 => (0, u128::MAX),
        IntKind::I8 => (i8::MIN.into(), 127),
        IntKind::I16 => (i16::MIN.into(), 32_767),
        IntKind::I32 => (i32::MIN.into(), 2_147_483_647),
        IntKind::I64 | IntKind::Isize => (i64::MIN.into(), 9_223_372_036_854_775_807),
        IntKind::I128 => (
            i128::MIN,
            170_141_183_460_469_231_731_687_303_715_884_105_727,
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const BASE: &str = r#"
        /// A todo.
        #[derive(Serialize, Deserialize)]
        pub struct Todo { pub id: u32, pub title: String, #[serde(default)] pub done: bool }
        #[derive(Serialize, Deserialize)]
        pub struct NewTodo { pub title: String }
        #[derive(Serialize, Deserialize)]
        pub enum Kind { Small, Big }
        #[derive(Serialize, Deserialize)]
        pub struct Filter { pub kind: Option<Kind> }
        #[get("/todos/:id")]
        async fn get_todo(Path(id): Path<u32>) -> Json<Todo> { unreachable!() }
        #[post("/todos")]
        async fn create_todo(Json(body): Json<NewTodo>) -> Json<Todo> { unreachable!() }
        #[get("/todos")]
        async fn list_todos(Query(f): Query<Filter>) -> Json<Vec<Todo>> { unreachable!() }
        EXTRA
        fn app() -> Router { routes![get_todo, create_todo, list_todos ROUTES] }
    "#;

    fn api(edit: impl Fn(String) -> String) -> Api {
        let source = edit(BASE.to_owned())
            .replace("EXTRA", "")
            .replace("ROUTES", "");
        crate::resolve(vec![crate::parse::file("api.rs", &source).unwrap()]).unwrap()
    }

    fn check(edit: impl Fn(String) -> String) -> Vec<String> {
        incompatibilities(&api(|s| s), &api(edit))
    }

    /// The hash of this file's fixture, pinned. **Changing it is a wire break**: every client
    /// generated before the change, of an API that did not change, would be refused by a
    /// server built after it. The hash is computed from the explicit wire view of
    /// `wire_hash.rs`, not from the model's serde layout, so refactoring the model must leave
    /// it as it is; change it only with a note in the release that deployed clients must be
    /// generated again.
    #[test]
    fn the_fixtures_contract_hash_is_pinned() {
        assert_eq!(contract_hash(&api(|s| s)), "96c4b7e080e7c386");
    }

    #[test]
    fn the_same_api_is_compatible_and_hashes_alike() {
        assert_eq!(check(|s| s), Vec::<String>::new());
        assert_eq!(contract_hash(&api(|s| s)), contract_hash(&api(|s| s)));
        assert_eq!(contract_hash(&api(|s| s)).len(), 16);
        // Doc comments do not travel on the wire.
        let redocumented = api(|s| s.replace("/// A todo.", "/// Something to do."));
        assert_eq!(contract_hash(&redocumented), contract_hash(&api(|s| s)));
        // Nor do handler names, Rust field names (the JSON key kept) and path parameter names.
        let renamed = api(|s| {
            s.replace("get_todo", "fetch_todo")
                .replace("pub id: u32", "#[serde(rename = \"id\")] pub key: u32")
                .replace(
                    "/todos/:id\")]\n        async fn fetch_todo(Path(id)",
                    "/todos/:key\")]\n        async fn fetch_todo(Path(key)",
                )
        });
        assert_ne!(renamed.routes, api(|s| s).routes);
        assert_eq!(contract_hash(&renamed), contract_hash(&api(|s| s)));
        assert_eq!(
            incompatibilities(&api(|s| s), &renamed),
            Vec::<String>::new()
        );
    }

    #[test]
    fn tightened_request_rules_and_loosened_answer_rules_are_not() {
        let with_rules = |s: String| {
            s.replace(
                "pub struct NewTodo { pub title: String }",
                "#[derive(Validate)] pub struct NewTodo { #[garde(length(chars, min = 1, max = 100))] pub title: String }",
            )
            .replace(
                "pub struct Todo { pub id: u32, pub title: String,",
                "#[derive(Validate)] pub struct Todo { #[garde(range(max = 1000))] pub id: u32, #[garde(length(chars, max = 100))] pub title: String,",
            )
        };
        let client = api(with_rules);
        // Loosening a request rule and tightening an answer's keep old clients working.
        let server = api(|s| {
            with_rules(s)
                .replace("min = 1, max = 100", "max = 200")
                .replace("range(max = 1000)", "range(max = 10)")
        });
        assert_eq!(incompatibilities(&client, &server), Vec::<String>::new());
        // The other way round, each is a problem.
        let problems = incompatibilities(&server, &client);
        assert_eq!(problems.len(), 4, "one body, three answers: {problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`title`") && p.contains("at least 1")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`id`") && p.contains("at most 10")),
            "{problems:?}"
        );
    }

    #[test]
    fn additions_are_compatible() {
        // A new route.
        let added = |s: String| {
            s.replace(
                "EXTRA",
                "#[delete(\"/todos/:id\")] async fn delete_todo(Path(id): Path<u32>) {}",
            )
            .replace("ROUTES", ", delete_todo")
        };
        assert_eq!(check(added), Vec::<String>::new());
        assert_ne!(contract_hash(&api(added)), contract_hash(&api(|s| s)));
        // An optional field in a request and a new field in a result.
        assert_eq!(
            check(|s| s
                .replace(
                    "pub struct NewTodo { pub title: String }",
                    "pub struct NewTodo { pub title: String, pub note: Option<String> }"
                )
                .replace(
                    "pub done: bool }",
                    "pub done: bool, pub tags: Vec<String> }"
                )),
            Vec::<String>::new()
        );
        // A wider integer on the reading side.
        assert_eq!(
            check(|s| s.replace("Path(id): Path<u32>", "Path(id): Path<u64>")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn removals_and_retypes_are_not() {
        let removed = check(|s| s.replace("routes![get_todo, ", "routes!["));
        assert_eq!(
            removed,
            ["GET /todos/{id}: the server no longer serves this route"]
        );
        let retyped = check(|s| s.replace("pub title: String, #[serde", "pub title: u32, #[serde"));
        assert_eq!(
            retyped,
            [
                "POST /todos: the result's `title` has changed type",
                "GET /todos/{id}: the result's `title` has changed type",
                "GET /todos: the result's item's `title` has changed type",
            ]
        );
        let required = check(|s| {
            s.replace(
                "pub struct NewTodo { pub title: String }",
                "pub struct NewTodo { pub title: String, pub owner: String }",
            )
        });
        assert_eq!(
            required,
            ["POST /todos: the body's `owner` is needed but no longer written"]
        );
        let variant =
            check(|s| s.replace("pub enum Kind { Small, Big }", "pub enum Kind { Small }"));
        assert_eq!(
            variant,
            [
                "GET /todos: the query's `kind`'s variant `Big`: the reader does not know it, and the client may send it"
            ]
        );
        let narrowed = check(|s| {
            s.replace(
                "pub struct Todo { pub id: u32",
                "pub struct Todo { pub id: u64",
            )
        });
        assert_eq!(narrowed.len(), 3, "{narrowed:?}");
        assert!(
            narrowed[0].contains("is now u64 where u32 was read"),
            "{narrowed:?}"
        );
    }
}
