//! A blueprint model's routes, types and resource, derived from its declaration so that every
//! emitter (the Rust and TypeScript clients, OpenAPI, AsyncAPI, the contract) serves models
//! with the machinery it has for handlers: `find` becomes a route whose query holds a typed
//! `where`, a model's messages a resource.
//!
//! For a model `User` (identity `user`) this adds the record `User`, `UserWhere` (per
//! attribute, the operators its type allows), `UserSort`, `UserAttribute` (names for `select`
//! and `omit`), `UserAssociation` (names for `populate`), the queries `UserFind` and
//! `UserFindOne`, the body `UserValues`, and one route per action: `user_find`,
//! `user_find_one`, `user_create`, `user_update`, `user_destroy`, and per association
//! `user_populate_pets`, per collection `user_add_pets`, `user_remove_pets`,
//! `user_replace_pets`. The shared `Where*` operator types, `SortDirection`, `RecordOrId` and
//! `BlueprintError` are added once.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::{
    Api, AttrKind, BlueprintDef, Docs, EnumRepr, Field, IntKind, Method, PathExtractor, PathParam,
    PathTemplate, ResourceDef, Response, Route, Rules, Segment, Shape, SourceLoc, TypeDef, TypeRef,
    Variant, VariantShape,
};

/// Adds the models' routes, types and resources to `api`; the errors name what does not hold
/// together.
pub(crate) fn expand(api: &mut Api, mut models: Vec<BlueprintDef>) -> Vec<Error> {
    let mut errors = check(&models);
    if !errors.is_empty() || models.is_empty() {
        return errors;
    }
    models.sort_by(|a, b| a.identity.cmp(&b.identity));
    let mut types: BTreeMap<String, TypeDef> = BTreeMap::new();
    let loc = models[0].loc.clone();
    shared_types(&loc, &mut types);
    for model in &models {
        model_types(model, &mut types);
        api.routes.extend(routes(model));
        api.resources.push(ResourceDef {
            identity: model.identity.clone(),
            record: model.record.clone(),
            id: TypeRef::Int(IntKind::I64),
            loc: model.loc.clone(),
        });
    }
    for (name, def) in types {
        if let Some(scanned) = api.types.get(&name) {
            errors.push(Error::new(
                scanned.loc.clone(),
                format!(
                    "the serde type `{name}` has the name of a type the blueprint models bring (`{}`): rename it",
                    def.name
                ),
            ));
            continue;
        }
        api.types.insert(name, def);
    }
    api.routes.sort_by(|a, b| a.name.cmp(&b.name));
    api.resources.sort_by(|a, b| a.identity.cmp(&b.identity));
    api.models = models;
    errors
}

/// Identities and records are unique; associations point at declared models, and a
/// collection's `via` back at its owner.
fn check(models: &[BlueprintDef]) -> Vec<Error> {
    let mut errors = Vec::new();
    for (i, model) in models.iter().enumerate() {
        if let Some(first) = models[..i]
            .iter()
            .find(|m| m.identity == model.identity || m.record == model.record)
        {
            errors.push(Error::new(
                model.loc.clone(),
                format!(
                    "two models are `{}` (`{}` at {} and `{}`): identities and struct names are unique",
                    model.identity, first.record, first.loc, model.record
                ),
            ));
        }
        for assoc in &model.associations {
            let Some(target) = models.iter().find(|m| m.record == assoc.target) else {
                errors.push(Error::new(
                    model.loc.clone(),
                    format!(
                        "`{}.{}` refers to `{}`, which is not a scanned `#[sailroute::model]` struct",
                        model.record, assoc.name, assoc.target
                    ),
                ));
                continue;
            };
            let Some(via) = &assoc.via else { continue };
            let back = target.associations.iter().find(|a| &a.name == via);
            match back {
                Some(back) if back.via.is_none() && back.target == model.record => {}
                Some(_) if target.record == model.record && *via == assoc.name => {
                    errors.push(Error::new(
                        model.loc.clone(),
                        format!(
                            "`{}.{}` is a collection via itself, which is not supported: declare a join model with two `#[model]` associations",
                            model.record, assoc.name
                        ),
                    ));
                }
                // Many-to-many: the other side is a collection via this one.
                Some(back)
                    if back.target == model.record && back.via.as_deref() == Some(&assoc.name) => {}
                Some(back) if back.via.is_some() => errors.push(Error::new(
                    model.loc.clone(),
                    format!(
                        "`{}.{}` is a collection via `{}.{via}`, a collection that is not via `{}` back: write `#[collection(via = \"{}\")]` on `{}.{via}`",
                        model.record, assoc.name, target.record, assoc.name, assoc.name, target.record
                    ),
                )),
                _ => errors.push(Error::new(
                    model.loc.clone(),
                    format!(
                        "`{}.{}` is a collection via `{}.{via}`, so `{}` needs `#[model] {via}: Option<{}>`",
                        model.record, assoc.name, target.record, target.record, model.record
                    ),
                )),
            }
        }
    }
    errors
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "static", "struct", "super", "trait", "true", "try", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "typeof", "unsized", "virtual", "yield",
];

/// A JSON name as a Rust field name: `createdAt` → `created_at`, `where` → `r#where`.
fn rust_field(json: &str) -> String {
    let mut out = String::new();
    for (i, c) in json.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    if RUST_KEYWORDS.contains(&out.as_str()) {
        format!("r#{out}")
    } else {
        out
    }
}

/// A JSON name as a Rust variant name: `createdAt` → `CreatedAt`, `owner_id` → `OwnerId`.
fn rust_variant(json: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in json.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn docs(text: impl Into<String>) -> Docs {
    Docs(vec![text.into()])
}

fn named(name: &str) -> TypeRef {
    TypeRef::Named {
        name: name.to_owned(),
        args: Vec::new(),
    }
}

fn opt(ty: TypeRef) -> TypeRef {
    TypeRef::Option(Box::new(ty))
}

fn list(ty: TypeRef) -> TypeRef {
    TypeRef::List(Box::new(ty))
}

fn json_text(ty: TypeRef) -> TypeRef {
    TypeRef::JsonText(Box::new(ty))
}

/// A field; an optional one is `Option<ty>`, left out when `None`.
fn field(json: &str, ty: TypeRef, doc: Docs, optional: bool, loc: &SourceLoc) -> Field {
    Field {
        rust_name: rust_field(json),
        json_name: json.to_owned(),
        ty: if optional { opt(ty) } else { ty },
        docs: doc,
        flatten: false,
        rules: Rules::default(),
        may_skip: optional,
        skip_if: optional.then(|| "Option::is_none".to_owned()),
        has_default: optional,
        loc: loc.clone(),
    }
}

fn def(name: &str, doc: Docs, shape: Shape, derives: &[&str], loc: &SourceLoc) -> TypeDef {
    TypeDef {
        name: name.to_owned(),
        generics: Vec::new(),
        docs: doc,
        shape,
        derives: derives.iter().map(|d| (*d).to_owned()).collect(),
        validates: false,
        loc: loc.clone(),
    }
}

fn variant(json: &str, shape: VariantShape, doc: Docs) -> Variant {
    Variant {
        rust_name: rust_variant(json),
        json_name: json.to_owned(),
        docs: doc,
        shape,
        is_default: false,
    }
}

/// The comparison operators of one attribute type, and the values they take.
fn operators(kind: AttrKind) -> Vec<(&'static str, &'static str, TypeRef)> {
    let value = kind.type_ref();
    let mut ops = Vec::new();
    if matches!(
        kind,
        AttrKind::Integer | AttrKind::Number | AttrKind::String
    ) {
        for (op, what) in [
            ("<", "less than"),
            ("<=", "at most"),
            (">", "greater than"),
            (">=", "at least"),
        ] {
            ops.push((op, what, value.clone()));
        }
    }
    ops.push(("!=", "not equal to (null: is set)", opt(value.clone())));
    ops.push(("in", "one of", list(value.clone())));
    ops.push(("nin", "none of", list(value.clone())));
    if kind == AttrKind::String {
        ops.push((
            "contains",
            "contains the text (ASCII case ignored)",
            value.clone(),
        ));
        ops.push((
            "startsWith",
            "starts with the text (ASCII case ignored)",
            value.clone(),
        ));
        ops.push((
            "endsWith",
            "ends with the text (ASCII case ignored)",
            value.clone(),
        ));
        ops.push((
            "like",
            "matches the SQL `LIKE` pattern (`%` for any text)",
            value,
        ));
    }
    ops
}

fn op_rust_name(op: &str) -> &str {
    match op {
        "<" => "lt",
        "<=" => "le",
        ">" => "gt",
        ">=" => "ge",
        "!=" => "ne",
        other => other,
    }
}

fn kind_name(kind: AttrKind) -> &'static str {
    match kind {
        AttrKind::Integer => "Integer",
        AttrKind::Number => "Number",
        AttrKind::String => "String",
        AttrKind::Boolean => "Boolean",
        AttrKind::Json => "Json",
    }
}

/// "an integer", "a string", … for docs.
fn a_kind(kind: AttrKind) -> &'static str {
    match kind {
        AttrKind::Integer => "an integer",
        AttrKind::Number => "a number",
        AttrKind::String => "a string",
        AttrKind::Boolean => "a boolean",
        AttrKind::Json => "a JSON",
    }
}

/// The types every model shares: conditions per attribute type, sort directions, a singular
/// association's value, and the error body.
fn shared_types(loc: &SourceLoc, types: &mut BTreeMap<String, TypeDef>) {
    for kind in [
        AttrKind::Integer,
        AttrKind::Number,
        AttrKind::String,
        AttrKind::Boolean,
        AttrKind::Json,
    ] {
        let ops_name = format!("Where{}Ops", kind_name(kind));
        let fields = operators(kind)
            .into_iter()
            .map(|(op, what, ty)| {
                let mut f = field(op, ty, docs(format!("`{op}`: {what}.")), true, loc);
                f.rust_name = rust_field(op_rust_name(op));
                f
            })
            .collect();
        types.insert(
            ops_name.clone(),
            def(
                &ops_name,
                docs(format!(
                    "Conditions on {} attribute, all of which must hold.",
                    a_kind(kind)
                )),
                Shape::Struct(fields),
                &["Default"],
                loc,
            ),
        );
        let name = format!("Where{}", kind_name(kind));
        let mut variants = Vec::new();
        // A JSON value given alone would be read as conditions, so JSON compares through
        // operators only.
        if kind != AttrKind::Json {
            variants.push(variant(
                "Is",
                VariantShape::Newtype(kind.type_ref()),
                docs("Equal to this value."),
            ));
            variants.push(variant(
                "OneOf",
                VariantShape::Newtype(list(kind.type_ref())),
                docs("One of these values."),
            ));
        }
        // Boxed: the operators are many fields, the other variants one.
        variants.push(variant(
            "Ops",
            VariantShape::Newtype(TypeRef::Boxed(Box::new(named(&ops_name)))),
            docs("Conditions by operator."),
        ));
        types.insert(
            name.clone(),
            def(
                &name,
                docs(format!(
                    "A condition on {} attribute: a value, a list of values, or operators.",
                    a_kind(kind)
                )),
                Shape::Enum {
                    repr: EnumRepr::Untagged,
                    variants,
                },
                &[],
                loc,
            ),
        );
    }
    types.insert(
        "SortDirection".to_owned(),
        def(
            "SortDirection",
            docs("Which way a sort key orders records."),
            Shape::Enum {
                repr: EnumRepr::External,
                variants: vec![
                    variant("ASC", VariantShape::Unit, docs("Smallest first.")),
                    variant("DESC", VariantShape::Unit, docs("Largest first.")),
                ],
            },
            &["Copy", "Eq", "Hash"],
            loc,
        ),
    );
    if let Some(Shape::Enum { variants, .. }) = types.get_mut("SortDirection").map(|d| &mut d.shape)
    {
        variants[0].rust_name = "Asc".to_owned();
        variants[1].rust_name = "Desc".to_owned();
    }
    let mut link = def(
        "RecordOrId",
        docs("A singular association: the associated record when populated, its id otherwise."),
        Shape::Enum {
            repr: EnumRepr::Untagged,
            variants: vec![
                variant(
                    "Id",
                    VariantShape::Newtype(TypeRef::Int(IntKind::I64)),
                    docs("Its id."),
                ),
                variant(
                    "Record",
                    VariantShape::Newtype(TypeRef::Boxed(Box::new(TypeRef::Param("T".to_owned())))),
                    docs("The record."),
                ),
            ],
        },
        &[],
        loc,
    );
    link.generics = vec!["T".to_owned()];
    types.insert("RecordOrId".to_owned(), link);
    types.insert(
        "BlueprintError".to_owned(),
        def(
            "BlueprintError",
            docs("Why a blueprint call failed."),
            Shape::Struct(vec![
                field(
                    "error",
                    TypeRef::String,
                    docs("`bad_request`, `not_found`, `conflict` or `server_error`."),
                    false,
                    loc,
                ),
                field(
                    "message",
                    TypeRef::String,
                    docs("What went wrong, as a sentence."),
                    false,
                    loc,
                ),
            ]),
            &[],
            loc,
        ),
    );
}

/// The attributes a query may name, in the table's order: `id`, the declared ones, a key
/// per singular association, the timestamps.
fn queryable(model: &BlueprintDef) -> Vec<(String, AttrKind, Docs)> {
    let mut out = vec![("id".to_owned(), AttrKind::Integer, docs("The record's id."))];
    out.extend(
        model
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.kind, a.docs.clone())),
    );
    out.extend(
        model
            .associations
            .iter()
            .filter(|a| a.via.is_none())
            .map(|a| (a.name.clone(), AttrKind::Integer, a.docs.clone())),
    );
    out.push((
        "createdAt".to_owned(),
        AttrKind::Integer,
        docs("When it was created, in milliseconds since the Unix epoch."),
    ));
    out.push((
        "updatedAt".to_owned(),
        AttrKind::Integer,
        docs("When it last changed, in milliseconds since the Unix epoch."),
    ));
    out
}

fn model_types(model: &BlueprintDef, types: &mut BTreeMap<String, TypeDef>) {
    let loc = &model.loc;
    let name = |suffix: &str| format!("{}{suffix}", model.record);

    // The record.
    let mut fields = vec![field(
        "id",
        TypeRef::Int(IntKind::I64),
        docs("The record's id."),
        false,
        loc,
    )];
    for attr in &model.attributes {
        let mut f = field(
            &attr.name,
            opt(attr.kind.type_ref()),
            attr.docs.clone(),
            false,
            loc,
        );
        f.has_default = true;
        f.rust_name = rust_field(&attr.name);
        fields.push(f);
    }
    for assoc in &model.associations {
        let target = named(&assoc.target);
        let ty = match &assoc.via {
            None => TypeRef::Named {
                name: "RecordOrId".to_owned(),
                args: vec![target],
            },
            Some(_) => list(target),
        };
        // A collection is present when populated; a singular association is `null` when
        // unset, and either may be left out by `select` or `omit`.
        let mut f = field(&assoc.name, ty, assoc.docs.clone(), true, loc);
        f.rust_name = rust_field(&assoc.name);
        fields.push(f);
    }
    // `select` and `omit` may leave the timestamps out.
    fields.push(field(
        "createdAt",
        TypeRef::Int(IntKind::I64),
        docs("When it was created, in milliseconds since the Unix epoch."),
        true,
        loc,
    ));
    fields.push(field(
        "updatedAt",
        TypeRef::Int(IntKind::I64),
        docs("When it last changed, in milliseconds since the Unix epoch."),
        true,
        loc,
    ));
    let mut record_docs = model.docs.clone();
    record_docs.0.push(String::new());
    record_docs.0.push(format!(
        "A record of the blueprint model `{}`. Collections are present when populated.",
        model.identity
    ));
    types.insert(
        model.record.clone(),
        def(&model.record, record_docs, Shape::Struct(fields), &[], loc),
    );

    // Conditions.
    let where_name = name("Where");
    let mut fields: Vec<Field> = queryable(model)
        .into_iter()
        .map(|(attr, kind, doc)| {
            let mut f = field(
                &attr,
                named(&format!("Where{}", kind_name(kind))),
                doc,
                true,
                loc,
            );
            f.rust_name = rust_field(&attr);
            f
        })
        .collect();
    fields.push(field(
        "or",
        list(named(&where_name)),
        docs("At least one of these holds (`[]`: none)."),
        true,
        loc,
    ));
    fields.push(field(
        "and",
        list(named(&where_name)),
        docs("Every one of these holds."),
        true,
        loc,
    ));
    types.insert(
        where_name.clone(),
        def(
            &where_name,
            docs(format!(
                "Which `{}` records: every condition given must hold.",
                model.identity
            )),
            Shape::Struct(fields),
            &["Default"],
            loc,
        ),
    );

    // Sort keys and attribute names.
    let sort_name = name("Sort");
    let attribute_name = name("Attribute");
    let attrs = queryable(model);
    types.insert(
        sort_name.clone(),
        def(
            &sort_name,
            docs(format!(
                "One sort key of `{}` and its direction.",
                model.identity
            )),
            Shape::Enum {
                repr: EnumRepr::External,
                variants: attrs
                    .iter()
                    .map(|(a, _, d)| {
                        variant(a, VariantShape::Newtype(named("SortDirection")), d.clone())
                    })
                    .collect(),
            },
            &[],
            loc,
        ),
    );
    types.insert(
        attribute_name.clone(),
        def(
            &attribute_name,
            docs(format!(
                "An attribute of `{}`, for `select` and `omit`.",
                model.identity
            )),
            Shape::Enum {
                repr: EnumRepr::External,
                variants: attrs
                    .iter()
                    .map(|(a, _, d)| variant(a, VariantShape::Unit, d.clone()))
                    .collect(),
            },
            &["Copy", "Eq", "Hash"],
            loc,
        ),
    );
    let association_name = name("Association");
    if !model.associations.is_empty() {
        types.insert(
            association_name.clone(),
            def(
                &association_name,
                docs(format!(
                    "An association of `{}`, for `populate`.",
                    model.identity
                )),
                Shape::Enum {
                    repr: EnumRepr::External,
                    variants: model
                        .associations
                        .iter()
                        .map(|a| variant(&a.name, VariantShape::Unit, a.docs.clone()))
                        .collect(),
                },
                &["Copy", "Eq", "Hash"],
                loc,
            ),
        );
    }

    // Queries.
    let projection = |fields: &mut Vec<Field>| {
        fields.push(field(
            "select",
            json_text(list(named(&attribute_name))),
            docs("Only these attributes (and `id`)."),
            true,
            loc,
        ));
        fields.push(field(
            "omit",
            json_text(list(named(&attribute_name))),
            docs("Every attribute but these."),
            true,
            loc,
        ));
        if !model.associations.is_empty() {
            fields.push(field(
                "populate",
                json_text(list(named(&association_name))),
                docs("Only these associations are populated (`[]`: none; absent: all)."),
                true,
                loc,
            ));
        }
    };
    let mut find = vec![
        field(
            "where",
            json_text(named(&where_name)),
            docs("Which records."),
            true,
            loc,
        ),
        field(
            "sort",
            json_text(list(named(&sort_name))),
            docs("In which order (after these keys, by `id`)."),
            true,
            loc,
        ),
        field(
            "skip",
            TypeRef::Int(IntKind::U64),
            docs("How many to pass over."),
            true,
            loc,
        ),
        field(
            "limit",
            TypeRef::Int(IntKind::U64),
            docs("How many at most (the server's default when absent: 30 unless configured)."),
            true,
            loc,
        ),
    ];
    projection(&mut find);
    let find_name = name("Find");
    types.insert(
        find_name.clone(),
        def(
            &find_name,
            docs(format!("A `find` of `{}` records.", model.identity)),
            Shape::Struct(find),
            &["Default"],
            loc,
        ),
    );
    let mut find_one = Vec::new();
    projection(&mut find_one);
    let find_one_name = name("FindOne");
    types.insert(
        find_one_name.clone(),
        def(
            &find_one_name,
            docs(format!(
                "What a `findOne` of a `{}` answers with.",
                model.identity
            )),
            Shape::Struct(find_one),
            &["Default"],
            loc,
        ),
    );

    // The values of a create or an update.
    let mut values = Vec::new();
    for attr in &model.attributes {
        let mut f = field(
            &attr.name,
            opt(attr.kind.type_ref()),
            attr.docs.clone(),
            true,
            loc,
        );
        f.rust_name = rust_field(&attr.name);
        values.push(f);
    }
    for assoc in &model.associations {
        let ty = match &assoc.via {
            None => opt(TypeRef::Int(IntKind::I64)),
            Some(_) => list(TypeRef::Int(IntKind::I64)),
        };
        let mut doc = assoc.docs.clone();
        doc.0.push(match &assoc.via {
            None => "The associated record's id (`null`: none).".to_owned(),
            Some(_) => "The ids of the records it is to hold (taken from their owners).".to_owned(),
        });
        let mut f = field(&assoc.name, ty, doc, true, loc);
        f.rust_name = rust_field(&assoc.name);
        values.push(f);
    }
    let values_name = name("Values");
    types.insert(
        values_name.clone(),
        def(
            &values_name,
            docs(format!(
                "Attributes of a `{}` to create it with or to change: what is left out is left alone.",
                model.identity
            )),
            Shape::Struct(values),
            &["Default"],
            loc,
        ),
    );
}

fn path(base: &str, rest: &[Segment]) -> PathTemplate {
    let mut segments: Vec<Segment> = base
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| Segment::Literal(s.to_owned()))
        .collect();
    segments.extend(rest.iter().cloned());
    PathTemplate { segments }
}

fn routes(model: &BlueprintDef) -> Vec<Route> {
    let loc = &model.loc;
    let record = || named(&model.record);
    let identity = &model.identity;
    let route = |name: String,
                 method: Method,
                 rest: Vec<Segment>,
                 doc: String,
                 query: Option<TypeRef>,
                 body: Option<TypeRef>,
                 response: TypeRef,
                 subscribes: bool| {
        let path_params: Vec<PathParam> = rest
            .iter()
            .filter_map(|s| match s {
                Segment::Param(p) => Some(PathParam {
                    name: p.clone(),
                    ty: TypeRef::Int(IntKind::I64),
                }),
                _ => None,
            })
            .collect();
        let path_extractor = match path_params.len() {
            0 => PathExtractor::None,
            1 => PathExtractor::Single(TypeRef::Int(IntKind::I64)),
            _ => PathExtractor::Tuple(path_params.iter().map(|p| p.ty.clone()).collect()),
        };
        Route {
            name,
            method,
            path: path(&model.base, &rest),
            docs: docs(doc),
            path_params,
            path_extractor,
            query,
            query_extractor: None,
            body,
            response: Response::Json(response),
            error: Some(named("BlueprintError")),
            subscribes: if subscribes {
                vec![model.record.clone()]
            } else {
                Vec::new()
            },
            loc: loc.clone(),
            unsupported: Vec::new(),
        }
    };
    let on = |action: &str| model.actions.iter().any(|a| a == action);
    let param = |name: &str| Segment::Param(name.to_owned());
    let mut out = Vec::new();
    if on("find") {
        out.push(route(
            format!("{identity}_find"),
            Method::Get,
            Vec::new(),
            format!("Finds `{identity}` records (Sails' `find`); over a socket, subscribes to them and to new ones."),
            Some(named(&format!("{}Find", model.record))),
            None,
            list(record()),
            true,
        ));
    }
    if on("findOne") {
        out.push(route(
            format!("{identity}_find_one"),
            Method::Get,
            vec![param("id")],
            format!("One `{identity}` by id (Sails' `findOne`); over a socket, subscribes to it."),
            Some(named(&format!("{}FindOne", model.record))),
            None,
            record(),
            true,
        ));
    }
    if on("create") {
        out.push(route(
            format!("{identity}_create"),
            Method::Post,
            Vec::new(),
            format!("Creates a `{identity}` (Sails' `create`) and answers it populated."),
            None,
            Some(named(&format!("{}Values", model.record))),
            record(),
            false,
        ));
    }
    if on("update") {
        out.push(route(
            format!("{identity}_update"),
            Method::Patch,
            vec![param("id")],
            format!("Changes a `{identity}` (Sails' `update`) and answers it populated."),
            None,
            Some(named(&format!("{}Values", model.record))),
            record(),
            false,
        ));
    }
    if on("destroy") {
        out.push(route(
            format!("{identity}_destroy"),
            Method::Delete,
            vec![param("id")],
            format!("Destroys a `{identity}` (Sails' `destroy`) and answers it as it was."),
            None,
            None,
            record(),
            false,
        ));
    }
    for assoc in &model.associations {
        let target = assoc.target.clone();
        let lit = Segment::Literal(assoc.name.clone());
        if on("populate") {
            let response = match &assoc.via {
                Some(_) => list(named(&target)),
                None => named(&target),
            };
            out.push(route(
                format!("{identity}_populate_{}", assoc.name),
                Method::Get,
                vec![param("id"), lit.clone()],
                format!(
                    "The `{}` of a `{identity}` (Sails' `populate`){}.",
                    assoc.name,
                    if assoc.via.is_none() {
                        "; 404 when it has none"
                    } else {
                        ""
                    }
                ),
                None,
                None,
                response,
                true,
            ));
        }
        if assoc.via.is_none() {
            continue;
        }
        if on("add") {
            out.push(route(
                format!("{identity}_add_{}", assoc.name),
                Method::Put,
                vec![param("id"), lit.clone(), param("child")],
                format!("Adds a record to the `{}` of a `{identity}` (Sails' `add`), taking it from its previous owner.", assoc.name),
                None,
                None,
                record(),
                false,
            ));
        }
        if on("remove") {
            out.push(route(
                format!("{identity}_remove_{}", assoc.name),
                Method::Delete,
                vec![param("id"), lit.clone(), param("child")],
                format!(
                    "Takes a record out of the `{}` of a `{identity}` (Sails' `remove`).",
                    assoc.name
                ),
                None,
                None,
                record(),
                false,
            ));
        }
        if on("replace") {
            out.push(route(
                format!("{identity}_replace_{}", assoc.name),
                Method::Put,
                vec![param("id"), lit],
                format!(
                    "Makes the `{}` of a `{identity}` exactly these records (Sails' `replace`).",
                    assoc.name
                ),
                None,
                Some(list(TypeRef::Int(IntKind::I64))),
                record(),
                false,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::parse;

    fn resolve(source: &str) -> Result<crate::model::Api, String> {
        let scanned = parse::file("models.rs", source).map_err(|e| e.to_string())?;
        crate::resolve(vec![scanned]).map_err(|e| e.to_string())
    }

    const PAIR: &str = r#"
        /// A person.
        #[sailroute::model("user")]
        pub struct User {
            pub name: Option<String>,
            #[collection(via = "owner")]
            pub pets: Vec<Pet>,
        }
        #[model("pet", prefix = "/api")]
        pub struct Pet {
            pub name: Option<String>,
            #[model]
            pub owner: Option<User>,
        }
    "#;

    #[test]
    fn a_model_pair_brings_its_routes_types_and_resources() {
        let api = resolve(PAIR).unwrap();
        crate::validate(&api).unwrap();
        let routes: Vec<String> = api
            .routes
            .iter()
            .map(|r| format!("{} {} {}", r.name, r.method.upper(), r.path.sails()))
            .collect();
        assert_eq!(
            routes,
            [
                "pet_create POST /api/pet",
                "pet_destroy DELETE /api/pet/:id",
                "pet_find GET /api/pet",
                "pet_find_one GET /api/pet/:id",
                "pet_populate_owner GET /api/pet/:id/owner",
                "pet_update PATCH /api/pet/:id",
                "user_add_pets PUT /user/:id/pets/:child",
                "user_create POST /user",
                "user_destroy DELETE /user/:id",
                "user_find GET /user",
                "user_find_one GET /user/:id",
                "user_populate_pets GET /user/:id/pets",
                "user_remove_pets DELETE /user/:id/pets/:child",
                "user_replace_pets PUT /user/:id/pets",
                "user_update PATCH /user/:id",
            ]
        );
        for name in [
            "User",
            "UserWhere",
            "UserSort",
            "UserAttribute",
            "UserAssociation",
            "UserFind",
            "UserFindOne",
            "UserValues",
            "Pet",
            "WhereString",
            "WhereIntegerOps",
            "RecordOrId",
            "SortDirection",
            "BlueprintError",
        ] {
            assert!(api.types.contains_key(name), "{name}");
        }
        let identities: Vec<&str> = api.resources.iter().map(|r| r.identity.as_str()).collect();
        assert_eq!(identities, ["pet", "user"]);
        assert_eq!(api.models.len(), 2);
    }

    #[test]
    fn declarations_that_do_not_hold_together_are_located_errors() {
        let missing_back = PAIR
            .replace("#[model]", "")
            .replace("pub owner: Option<User>,", "");
        let message = resolve(&missing_back).unwrap_err();
        assert!(
            message.contains("`User.pets` is a collection via `Pet.owner`, so `Pet` needs `#[model] owner: Option<User>`"),
            "{message}"
        );
        let many = PAIR
            .replace("#[model]", "#[collection(via = \"pets\")]")
            .replace("pub owner: Option<User>,", "pub owner: Vec<User>,");
        // Many-to-many is a pair of collections, each via the other.
        let api = resolve(&many).unwrap();
        assert!(api.routes.iter().any(|r| r.name == "pet_add_owner"));
        let itself = r#"#[model("user")] pub struct User { #[collection(via = "friends")] pub friends: Vec<User> }"#;
        assert!(
            resolve(itself)
                .unwrap_err()
                .contains("a collection via itself")
        );
        let unknown = r#"#[model("pet")] pub struct Pet { #[model] pub owner: Option<Person> }"#;
        assert!(
            resolve(unknown)
                .unwrap_err()
                .contains("`Pet.owner` refers to `Person`")
        );
        let clash = format!(
            "{PAIR}\n#[derive(Serialize)] pub struct UserWhere {{ pub a: u8 }}\n#[get(\"/x\")] async fn x() -> Json<UserWhere> {{ todo!() }}\nfn app() -> Router {{ routes![x] }}"
        );
        assert!(resolve(&clash).unwrap_err().contains(
            "the serde type `UserWhere` has the name of a type the blueprint models bring"
        ));
        let twice =
            format!("{PAIR}\n#[model(\"user\")] pub struct Person {{ pub a: Option<String> }}");
        assert!(
            resolve(&twice)
                .unwrap_err()
                .contains("two models are `user`")
        );
    }
}
