//! The HTTP face of the API as an OpenAPI 3.1 document: every mounted route with its path and
//! query parameters, body, success and error answers, and the JSON Schema of every type
//! ([`schema`](super::schema)).
//!
//! What the model does not know is written as what is certain: a success is `2XX` (the handler
//! picks 200, 201 or 204), and every other answer is the `default` response — the route's typed
//! error body or the runtime's own `{"error": …}` as JSON (a body over the limit, a panic), or
//! the text of axum's rejections (a malformed body or query).

use std::collections::BTreeMap;

use sailroute_ir::model::{Api, Response, Route, Segment, TypeRef};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::schema::{Dialect, Schemas, description};
use crate::Error;

/// The document's `info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Info {
    /// The API's title.
    pub title: String,
    /// The API's version (the document's, not OpenAPI's).
    pub version: String,
}

#[derive(Serialize)]
struct Document {
    openapi: &'static str,
    info: Value,
    #[serde(rename = "jsonSchemaDialect")]
    json_schema_dialect: &'static str,
    paths: BTreeMap<String, BTreeMap<&'static str, Value>>,
    components: Components,
}

#[derive(Serialize)]
struct Components {
    schemas: BTreeMap<String, Value>,
}

/// The OpenAPI 3.1 document for `api`, as pretty JSON with a final newline.
pub(crate) fn render(api: &Api, info: &Info) -> Result<String, Error> {
    let mut schemas = Schemas::new(api, Dialect::Draft2020);
    let mut paths: BTreeMap<String, BTreeMap<&'static str, Value>> = BTreeMap::new();
    for route in &api.routes {
        let operation = operation(route, &mut schemas);
        paths
            .entry(openapi_path(route))
            .or_default()
            .insert(route.method.lower(), operation);
    }
    let document = Document {
        openapi: "3.1.0",
        info: json!({
            "title": info.title,
            "version": info.version,
            "description": "The HTTP face of a sailroute server. The same routes answer Sails virtual requests over Socket.IO (see the AsyncAPI document).",
        }),
        json_schema_dialect: "https://spec.openapis.org/oas/3.1/dialect/base",
        paths,
        components: Components {
            schemas: schemas.into_components(),
        },
    };
    let mut text = serde_json::to_string_pretty(&document).map_err(|e| Error::Render {
        what: "the OpenAPI document",
        message: e.to_string(),
        source: Box::new(e),
    })?;
    text.push('\n');
    Ok(text)
}

/// The path in OpenAPI's syntax: `/todos/{id}`; a rest parameter is one `{name}` too.
pub(crate) fn openapi_path(route: &Route) -> String {
    route.path.render(|s| match s {
        Segment::Literal(text) => text.clone(),
        Segment::Param(name) | Segment::Rest(name) => format!("{{{name}}}"),
    })
}

fn operation(route: &Route, schemas: &mut Schemas<'_>) -> Value {
    let mut op = Map::new();
    op.insert("operationId".to_owned(), json!(route.name));
    let docs = route.docs.lines();
    if let Some(first) = docs.first() {
        op.insert("summary".to_owned(), json!(first));
    }
    if let Some(text) = description(docs.get(1..).unwrap_or_default()) {
        op.insert("description".to_owned(), json!(text));
    }
    let mut parameters = Vec::new();
    for param in &route.path_params {
        let rest = route
            .path
            .segments
            .iter()
            .any(|s| matches!(s, Segment::Rest(n) if *n == param.name));
        let mut parameter = json!({
            "name": param.name,
            "in": "path",
            "required": true,
            "schema": schemas.of(&param.ty),
        });
        if rest {
            parameter["description"] = json!("The rest of the path: may hold `/`.");
        }
        parameters.push(parameter);
    }
    if let Some(query) = &route.query {
        match schemas.query_fields(query) {
            Some(fields) => {
                for field in fields {
                    // Sequences are repeated keys (`?tag=a&tag=b`), as the clients send them.
                    let mut parameter = json!({
                        "name": field.name,
                        "in": "query",
                        "required": field.required,
                        "style": "form",
                        "explode": true,
                        "schema": field.schema,
                    });
                    if let Some(text) = field.description {
                        parameter["description"] = json!(text);
                    }
                    parameters.push(parameter);
                }
            }
            None => parameters.push(json!({
                "name": "query",
                "in": "query",
                "style": "form",
                "explode": true,
                "schema": schemas.of(query),
            })),
        }
    }
    if !parameters.is_empty() {
        op.insert("parameters".to_owned(), Value::Array(parameters));
    }
    if let Some(body) = &route.body {
        op.insert(
            "requestBody".to_owned(),
            json!({
                "required": true,
                "content": { "application/json": { "schema": schemas.of(body) } },
            }),
        );
    }
    let success = match &route.response {
        // The model does not tell `Json<String>` from a `String` (or `&str`, `Html`) answer,
        // which axum sends as text: both are described.
        Response::Json(TypeRef::String) => json!({
            "description": "Success: a string, as JSON or as text.",
            "content": {
                "application/json": { "schema": { "type": "string" } },
                "text/plain": { "schema": { "type": "string" } },
                "text/html": { "schema": { "type": "string" } },
            },
        }),
        Response::Json(ty) => json!({
            "description": "Success.",
            "content": { "application/json": { "schema": schemas.of(ty) } },
        }),
        Response::Empty => json!({ "description": "Success, without a body." }),
    };
    let runtime_error = super::schema::runtime_error();
    let text = json!({ "schema": { "type": "string" } });
    let failure = match &route.error {
        Some(error) => json!({
            "description": "An error: the route's error body, or the runtime's own `{\"error\": …}` (a body over the limit, a panic); axum's rejections of a malformed request are text.",
            "content": {
                "application/json": { "schema": { "anyOf": [schemas.of(error), runtime_error] } },
                "text/plain": text,
            },
        }),
        None => json!({
            "description": "An error: the runtime's own `{\"error\": …}` (a body over the limit, a panic); axum's rejections of a malformed request are text.",
            "content": {
                "application/json": { "schema": runtime_error },
                "text/plain": text,
            },
        }),
    };
    let mut responses = json!({ "2XX": success, "default": failure });
    if schemas.api().checks_input(route) {
        let invalid = super::schema::invalid();
        let schema = match &route.error {
            Some(error) => json!({ "anyOf": [invalid, schemas.of(error)] }),
            None => invalid,
        };
        responses["422"] = json!({
            "description": "The input breaks its type's validation rules: every failing field with its rule (or the route's own error); axum's rejection of JSON of the wrong shape is text.",
            "content": {
                "application/json": { "schema": schema },
                "text/plain": { "schema": { "type": "string" } },
            },
        });
    }
    op.insert("responses".to_owned(), responses);
    Value::Object(op)
}
