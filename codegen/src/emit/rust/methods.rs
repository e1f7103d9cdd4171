//! One route's client method: its parameters, path and call.

use super::*;

/// How a parameter is taken: `Copy` values by value, strings as `&str`, the rest by reference.
pub(super) fn param_ty(ty: &TypeRef, options: &RustOptions) -> String {
    match ty {
        TypeRef::Bool | TypeRef::Int(_) | TypeRef::Float | TypeRef::Char => rust_ty(ty, options),
        TypeRef::Known(known)
            if !matches!(known, Known::Url | Known::Bytes)
                && !options.type_map.contains_key(known.name()) =>
        {
            rust_ty(ty, options)
        }
        TypeRef::String => "&str".to_owned(),
        _ => format!("&{}", rust_ty(ty, options)),
    }
}

pub(super) fn method_view(
    route: &Route,
    api: &Api,
    options: &RustOptions,
) -> Result<MethodView, Error> {
    let mut docs = doc_lines(&route.docs);
    if !docs.is_empty() {
        docs.push(String::new());
    }
    docs.push(format!("`{} {}`", route.method.upper(), route.path.sails()));
    let mut params = Vec::new();
    // The path as pieces to concatenate: literal text and encoded parameters.
    let mut pieces: Vec<String> = Vec::new();
    let mut literal = String::new();
    for segment in &route.path.segments {
        literal.push('/');
        match segment {
            Segment::Literal(text) => literal.push_str(text),
            Segment::Param(name) | Segment::Rest(name) => {
                pieces.push(lit(&std::mem::take(&mut literal)));
                let arg = ident(name);
                let helper = if matches!(segment, Segment::Rest(_)) {
                    "path_rest"
                } else {
                    "path_segment"
                };
                pieces.push(format!("&::sailroute_client::{helper}(&{arg})?"));
                let ty = crate::emit::param_type(route, name)?;
                params.push((arg, param_ty(ty, options)));
            }
        }
    }
    if !literal.is_empty() || pieces.is_empty() {
        pieces.push(lit(if literal.is_empty() { "/" } else { &literal }));
    }
    let path = if pieces.len() == 1 {
        format!("String::from({})", pieces[0])
    } else {
        format!("[{}].concat()", pieces.join(", "))
    };
    if let Some(ty) = &route.query {
        params.push(("query".to_owned(), param_ty(ty, options)));
    }
    if let Some(ty) = &route.body {
        params.push(("body".to_owned(), param_ty(ty, options)));
    }
    let subscribing = !route.subscribes.is_empty();
    let (ok, empty) = match &route.response {
        Response::Json(ty) => (rust_ty(ty, options), false),
        Response::Empty => ("()".to_owned(), true),
    };
    if api.checks_input(route) {
        docs.push(String::new());
        docs.push(
            "Input that breaks its type's rules fails with `ClientError::Invalid`: checked here before sending (unless `with_local_checks(false)`), and by the server (422).".to_owned(),
        );
    }
    if subscribing {
        docs.push(String::new());
        docs.push(format!(
            "Subscribes this socket to {}; re-issued after a reconnect.",
            route
                .subscribes
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let err = route.error.as_ref().map_or_else(
        || "::sailroute_client::serde_json::Value".to_owned(),
        |t| rust_ty(t, options),
    );
    Ok(MethodView {
        docs: doc_attrs(docs),
        name: ident(&route.name),
        params,
        ok,
        err,
        method: route.method.upper(),
        path,
        query: route.query.is_some(),
        body: route.body.is_some(),
        check_query: route
            .query
            .as_ref()
            .is_some_and(|t| checks(t, api, options)),
        check_body: route.body.as_ref().is_some_and(|t| checks(t, api, options)),
        subscribing,
        empty,
    })
}
