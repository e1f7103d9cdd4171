//! One route's client method: its parameters, path, query, body and docs.

use super::*;

pub(super) fn method_view(route: &Route, api: &Api) -> Result<MethodView, Error> {
    let mut docs = doc_lines(&route.docs);
    if !docs.is_empty() {
        docs.push(String::new());
    }
    docs.push(format!("`{} {}`", route.method.upper(), route.path.sails()));
    let err = route
        .error
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), ts);
    if api.checks_input(route) {
        docs.push("Input that breaks its type's rules fails with an `\"invalid\"` `ClientError`: checked before sending (unless `localChecks: false`), and by the server (422).".to_owned());
    }
    docs.push(format!("@throws {{ClientError<{err}>}} when the server answers with an error status, on timeout, disconnection or transport failure, or when the call cannot be encoded"));
    let mut params = Vec::new();
    let mut path = String::new();
    for segment in &route.path.segments {
        path.push('/');
        match segment {
            Segment::Literal(text) => path.push_str(
                &text
                    .replace('\\', "\\\\")
                    .replace('`', "\\`")
                    .replace("${", "\\${"),
            ),
            Segment::Param(name) | Segment::Rest(name) => {
                let arg = js_param(name);
                let helper = if matches!(segment, Segment::Rest(_)) {
                    "rest"
                } else {
                    "segment"
                };
                path.push_str(&format!(
                    "${{{helper}(\"{}\", \"{arg}\", {arg})}}",
                    route.method.upper()
                ));
                let ty = crate::emit::param_type(route, name)?;
                params.push(ParamView {
                    name: arg,
                    ty: ts(ty),
                    optional: false,
                });
            }
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    let query = match &route.query {
        Some(ty) => {
            params.push(ParamView {
                name: "query".to_owned(),
                ty: ts(ty),
                optional: api.reads_absent(ty),
            });
            json_text_query(ty, api)
        }
        None => "undefined".to_owned(),
    };
    let body = match &route.body {
        Some(ty) => {
            params.push(ParamView {
                name: "body".to_owned(),
                ty: ts(ty),
                optional: false,
            });
            "body"
        }
        None => "undefined",
    }
    .to_owned();
    // A required parameter may not follow an optional one (TypeScript refuses it, TS1016, and
    // with it the whole declaration file): an omittable query before a body is written
    // `query: Q | undefined`, which a caller fills with `undefined`.
    let mut later_required = false;
    for param in params.iter_mut().rev() {
        if param.optional && later_required {
            param.optional = false;
            param.ty = format!("{} | undefined", param.ty);
        }
        later_required |= !param.optional;
    }
    let ok = match &route.response {
        Response::Json(ty) => ts(ty),
        Response::Empty => "void".to_owned(),
    };
    let name = camel(&route.name);
    let mut guard = String::from("is");
    let mut chars = name.chars();
    if let Some(first) = chars.next() {
        guard.extend(first.to_uppercase());
        guard.push_str(chars.as_str());
    }
    guard.push_str("Error");
    let mut checked = Vec::new();
    for (arg, ty) in [("query", &route.query), ("body", &route.body)] {
        if let Some(TypeRef::Named { name, .. }) =
            ty.as_ref().filter(|t| super::checks::checks(t, api))
        {
            checked.push(format!(
                "{}({arg}, \"\", errors);",
                super::checks::check_fn(name)
            ));
        }
    }
    let check = if checked.is_empty() {
        String::new()
    } else {
        format!("(errors) => {{ {} }}", checked.join(" "))
    };
    Ok(MethodView {
        check,
        docs: jsdoc(docs),
        name,
        params,
        method: route.method.upper(),
        path,
        query,
        body,
        ok,
        err,
        guard,
        subscribing: !route.subscribes.is_empty(),
    })
}

/// The query argument as the method passes it on: fields that travel as their JSON text
/// (a blueprint `find`'s `where`, `sort`, …) are written as such, the rest as they are.
fn json_text_query(ty: &TypeRef, api: &Api) -> String {
    let TypeRef::Named { name, .. } = ty else {
        return "query".to_owned();
    };
    let Some(Shape::Struct(fields)) = api.types.get(name).map(|d| &d.shape) else {
        return "query".to_owned();
    };
    let texts: Vec<String> = fields
        .iter()
        .filter(|f| match &f.ty {
            TypeRef::Option(inner) => matches!(**inner, TypeRef::JsonText(_)),
            other => matches!(other, TypeRef::JsonText(_)),
        })
        .map(|f| format!("\"{}\"", f.json_name))
        .collect();
    if texts.is_empty() {
        return "query".to_owned();
    }
    format!(
        "query == null ? query : Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v != null && [{}].includes(k) ? JSON.stringify(v) : v]))",
        texts.join(", ")
    )
}
