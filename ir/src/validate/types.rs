//! Types and extractors: what the clients could only guess (an extractor, success or error
//! type the generator does not understand, unless the user said how to treat it), and query
//! types that no query string encoding carries.

use crate::error::Error;
use crate::model::{Api, EnumRepr, Route, Shape, TypeRef, UnsupportedKind, VariantShape};

use super::ClientOptions;

/// Refuses what the clients could only guess: every extractor, success or error type the
/// generator does not understand, unless the user declared how to treat it (`untyped`
/// names handlers or types, `ignored_extractors` extractor names).
pub(super) fn supported(api: &Api, options: &ClientOptions, errors: &mut Vec<Error>) {
    let ClientOptions {
        untyped,
        ignored_extractors,
    } = options;
    for route in &api.routes {
        for u in &route.unsupported {
            let handler = &route.name;
            let message = match u.kind {
                UnsupportedKind::Extractor if ignored_extractors.contains(&u.name) => continue,
                UnsupportedKind::Response | UnsupportedKind::Error
                    if untyped.contains(&u.name)
                        || (u.kind == UnsupportedKind::Response && untyped.contains(handler)) =>
                {
                    continue;
                }
                UnsupportedKind::Extractor => match u.name.as_str() {
                    "Form" | "RawForm" => format!(
                        "`{}` in handler `{handler}`: the generated clients send JSON bodies, so this form body would never be sent; take `Json<T>` instead",
                        u.ty
                    ),
                    "Bytes" | "String" | "Body" | "Request" | "Multipart" | "RawQuery" => format!(
                        "`{}` in handler `{handler}` reads the raw request, which the generated clients cannot type; take `Json<T>` or `Query<T>` instead",
                        u.ty
                    ),
                    name => format!(
                        "`{}` in handler `{handler}` is an extractor the client generator does not know; if it reads only headers, state or the connection, call `.ignore_extractor(\"{name}\")` on the codegen builder (`--ignore-extractor {name}` on the command line); if it reads the path, query or body, take `Path<T>`, `Query<T>` or `Json<T>` instead",
                        u.ty
                    ),
                },
                UnsupportedKind::Response => format!(
                    "the return type `{}` of handler `{handler}` does not say what the body is; return `Json<T>` (or `Result<Json<T>, E>`), or call `.untyped(\"{handler}\")` on the codegen builder (`--untyped {handler}`) to give the clients untyped JSON",
                    u.ty
                ),
                UnsupportedKind::Error => format!(
                    "the error type `{}` of handler `{handler}` is not a scanned serde type, so its body is unknown; derive `Serialize` on it in a scanned file, return `(StatusCode, Json<E>)`, or call `.untyped(\"{}\")` on the codegen builder (`--untyped {}`) to give the clients untyped JSON",
                    u.ty, u.name, u.name
                ),
            };
            errors.push(Error::new(u.loc.clone(), message));
        }
        if let Some(query) = &route.query {
            check_query(api, route, query, errors);
        }
    }
}

/// What a query field can be: one encoding (repeated keys for sequences) carries only these.
enum QueryValue {
    Scalar,
    Sequence,
}

/// How a query field's type is written in a query string, or why it cannot be.
fn query_value(api: &Api, ty: &TypeRef) -> Result<QueryValue, &'static str> {
    match ty {
        TypeRef::Bool | TypeRef::Int(_) | TypeRef::Float | TypeRef::Char | TypeRef::String => {
            Ok(QueryValue::Scalar)
        }
        TypeRef::Known(known) if known.is_string() => Ok(QueryValue::Scalar),
        TypeRef::Known(_) => Err("bytes"),
        // One key whose value is the JSON text of the whole.
        TypeRef::JsonText(_) => Ok(QueryValue::Scalar),
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => match query_value(api, inner)? {
            QueryValue::Scalar => Ok(QueryValue::Scalar),
            QueryValue::Sequence => Err(
                "an optional sequence (an absent key and an empty sequence read the same; use a `Vec` with `#[serde(default)]`)",
            ),
        },
        TypeRef::List(inner) => match query_value(api, inner)? {
            QueryValue::Scalar => Ok(QueryValue::Sequence),
            QueryValue::Sequence => Err("a sequence of sequences"),
        },
        TypeRef::Named { name, .. } => match api.types.get(name).map(|d| &d.shape) {
            Some(Shape::Enum {
                repr: EnumRepr::External,
                variants,
            }) if variants
                .iter()
                .all(|v| matches!(v.shape, VariantShape::Unit)) =>
            {
                Ok(QueryValue::Scalar)
            }
            Some(Shape::Newtype(inner)) => query_value(api, inner),
            _ => Err("a struct or an enum with data"),
        },
        TypeRef::Map(_) => Err("a map"),
        TypeRef::Tuple(_) => Err("a tuple"),
        TypeRef::Json => Err("arbitrary JSON"),
        TypeRef::Unit | TypeRef::Param(_) => Err("a value with no query form"),
    }
}

/// A query type must be a struct of scalars and sequences of scalars, read by an extractor
/// that decodes sequences from repeated keys when it has any.
fn check_query(api: &Api, route: &Route, query: &TypeRef, errors: &mut Vec<Error>) {
    let handler = &route.name;
    let TypeRef::Named { name, .. } = query else {
        errors.push(Error::new(
            route.loc.clone(),
            format!("the query of handler `{handler}` is not a struct: take `Query<S>` with a struct `S` of scalars and sequences of scalars"),
        ));
        return;
    };
    let Some(Shape::Struct(fields)) = api.types.get(name).map(|d| &d.shape) else {
        errors.push(Error::new(
            route.loc.clone(),
            format!("the query `{name}` of handler `{handler}` is not a struct with named fields: a query string is a flat list of keys"),
        ));
        return;
    };
    let def_loc = &api.types[name].loc;
    let mut sequences = Vec::new();
    for field in fields {
        if field.flatten {
            errors.push(Error::new(
                def_loc.clone(),
                format!("the field `{}` of the query `{name}` (handler `{handler}`) is flattened: write its fields into `{name}`", field.rust_name),
            ));
            continue;
        }
        match query_value(api, &field.ty) {
            Ok(QueryValue::Scalar) => {}
            Ok(QueryValue::Sequence) => sequences.push(field.rust_name.clone()),
            Err(what) => errors.push(Error::new(
                def_loc.clone(),
                format!("the field `{}` of the query `{name}` (handler `{handler}`) is {what}, which no query string encoding carries: a query holds scalars, unit enums and sequences of them; send it in a `Json` body instead", field.rust_name),
            )),
        }
    }
    if sequences.is_empty() {
        return;
    }
    let extractor = route.query_extractor.as_deref().unwrap_or("Query");
    let repeats = extractor.starts_with("sailroute::") || extractor.starts_with("axum_extra::");
    if !repeats {
        let why = if extractor.starts_with("axum::") {
            format!("`{extractor}` rejects repeated keys")
        } else {
            format!("the generator cannot tell which `Query` `{extractor}` is")
        };
        errors.push(Error::new(
            route.loc.clone(),
            format!(
                "the query `{name}` of handler `{handler}` has the sequence field{} {} (sent as repeated keys, `?{}=a&{}=b`), and {why}: take `sailroute::Query` (axum-extra's, which decodes repeated keys) instead",
                if sequences.len() == 1 { "" } else { "s" },
                sequences.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
                sequences[0],
                sequences[0],
            ),
        ));
    }
}
