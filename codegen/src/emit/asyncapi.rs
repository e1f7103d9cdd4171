//! The realtime face of the API as an AsyncAPI 3.0 document: one channel, the Socket.IO
//! connection, carrying
//!
//! * every route as a Sails virtual request — the client emits the method's event (`get`,
//!   `post`, …) with `{method, url, data, headers}` and the server acknowledges with
//!   `{body, headers, statusCode}` (an operation with a `reply`);
//! * every typed event the server pushes (`#[event]`), with its payload;
//! * every resource's messages (`#[resource]`), one per Sails verb (`created`, `updated`,
//!   `destroyed`, `addedTo`, `removedFrom`) under the resource's identity.
//!
//! Payload schemas are the OpenAPI document's ([`schema`](super::schema)), in draft 07 (the
//! default schema format of AsyncAPI 3.0). Written as YAML by [`yaml`](super::yaml).

use std::collections::BTreeMap;

use sailroute_ir::model::{Api, Response};
use serde_json::{Map, Value, json};

use super::openapi::{Info, openapi_path};
use super::schema::{Dialect, Schemas, description};
use crate::Error;

/// The channel every message travels on: the Socket.IO connection.
const CHANNEL: &str = "socket";

/// The AsyncAPI 3.0 document for `api`, as YAML.
pub(crate) fn render(api: &Api, info: &Info) -> Result<String, Error> {
    let mut schemas = Schemas::new(api, Dialect::Draft07);
    let mut messages: BTreeMap<String, Value> = BTreeMap::new();
    let mut operations: BTreeMap<String, Value> = BTreeMap::new();
    let message_ref =
        |name: &str| json!({ "$ref": format!("#/channels/{CHANNEL}/messages/{name}") });

    for route in &api.routes {
        let method = route.method.lower();
        let path = openapi_path(route);
        let request_name = format!("{}.request", route.name);
        let reply_name = format!("{}.reply", route.name);
        let data = match &route.body {
            Some(body) => schemas.of(body),
            None => json!({ "type": "object", "description": "Empty: this route takes no body." }),
        };
        let mut url = json!({
            "type": "string",
            "description": format!("`{path}`, its parameters filled in and percent-encoded{}.", if route.query.is_some() { ", then the query string" } else { "" }),
        });
        if route.path_params.is_empty() && route.query.is_none() {
            url["const"] = json!(path);
        }
        let summary = route.docs.lines().first().cloned();
        let mut request = json!({
            "name": method,
            "title": format!("{} {path}", route.method.upper()),
            "payload": {
                "type": "object",
                "properties": {
                    "method": { "const": method },
                    "url": url,
                    "data": data,
                    "headers": { "type": "object", "additionalProperties": { "type": "string" } },
                },
                "required": ["method", "url"],
            },
        });
        if let Some(summary) = &summary {
            request["summary"] = json!(summary);
        }
        let ok = match &route.response {
            Response::Json(ty) => schemas.of(ty),
            Response::Empty => json!({ "description": "No body." }),
        };
        let runtime_error = super::schema::runtime_error();
        let body = match &route.error {
            Some(error) => {
                json!({ "anyOf": [ok, schemas.of(error), runtime_error, { "type": "string" }] })
            }
            None => json!({ "anyOf": [ok, runtime_error, { "type": "string" }] }),
        };
        let reply = json!({
            "name": "ack",
            "title": format!("The answer to {} {path}", route.method.upper()),
            "summary": "A 2xx status with the route's result, or an error status with the route's error body (or the server's own text).",
            "payload": {
                "type": "object",
                "properties": {
                    "body": body,
                    "headers": { "type": "object", "additionalProperties": { "type": "string" } },
                    "statusCode": { "type": "integer", "minimum": 100, "maximum": 999 },
                },
                "required": ["headers", "statusCode"],
            },
        });
        messages.insert(request_name.clone(), request);
        messages.insert(reply_name.clone(), reply);
        let mut operation = json!({
            "action": "send",
            "channel": { "$ref": format!("#/channels/{CHANNEL}") },
            "title": format!("{} {path}", route.method.upper()),
            "messages": [message_ref(&request_name)],
            "reply": {
                "channel": { "$ref": format!("#/channels/{CHANNEL}") },
                "messages": [message_ref(&reply_name)],
            },
        });
        if let Some(text) = description(route.docs.lines()) {
            operation["description"] = json!(text);
        }
        operations.insert(route.name.clone(), operation);
    }

    for event in &api.events {
        let name = format!("{}.event", event.name);
        let payload = schemas.of(&sailroute_ir::model::TypeRef::Named {
            name: event.ty.clone(),
            args: Vec::new(),
        });
        messages.insert(
            name.clone(),
            json!({ "name": event.name, "title": format!("The `{}` event", event.name), "payload": payload }),
        );
        operations.insert(
            format!("on_{}", event.name),
            json!({
                "action": "receive",
                "channel": { "$ref": format!("#/channels/{CHANNEL}") },
                "summary": format!("The server pushes `{}` to the sockets in its rooms.", event.name),
                "messages": [message_ref(&name)],
            }),
        );
    }

    for resource in &api.resources {
        let record = schemas.of(&sailroute_ir::model::TypeRef::Named {
            name: resource.record.clone(),
            args: Vec::new(),
        });
        let id = schemas.of(&resource.id);
        let partial = json!({
            "type": "object",
            "description": format!("Some of `{}`'s fields: the ones that changed.", resource.record),
        });
        let verb = |v: &str| json!({ "const": v });
        let verbs: [(&str, Value, Vec<&str>); 5] = [
            (
                "created",
                json!({ "verb": verb("created"), "data": record, "id": id }),
                vec!["verb", "data", "id"],
            ),
            (
                "updated",
                json!({ "verb": verb("updated"), "data": partial, "id": id, "previous": record }),
                vec!["verb", "data", "id"],
            ),
            (
                "destroyed",
                json!({ "verb": verb("destroyed"), "id": id, "previous": record }),
                vec!["verb", "id"],
            ),
            (
                "addedTo",
                json!({ "verb": verb("addedTo"), "id": id, "attribute": { "type": "string" }, "addedId": {}, "added": {} }),
                vec!["verb", "id", "attribute", "addedId"],
            ),
            (
                "removedFrom",
                json!({ "verb": verb("removedFrom"), "id": id, "attribute": { "type": "string" }, "removedId": {} }),
                vec!["verb", "id", "attribute", "removedId"],
            ),
        ];
        let mut names = Vec::new();
        for (verb_name, properties, required) in verbs {
            let name = format!("{}.{verb_name}", resource.identity);
            messages.insert(
                name.clone(),
                json!({
                    "name": resource.identity,
                    "title": format!("`{}` {verb_name}", resource.identity),
                    "payload": { "type": "object", "properties": properties, "required": required },
                }),
            );
            names.push(message_ref(&name));
        }
        operations.insert(
            format!("on_{}", resource.identity),
            json!({
                "action": "receive",
                "channel": { "$ref": format!("#/channels/{CHANNEL}") },
                "summary": format!("Sails' resourceful pub-sub messages of `{}`, to the sockets subscribed to its records.", resource.identity),
                "messages": names,
            }),
        );
    }

    let channel_messages: Map<String, Value> = messages
        .keys()
        .map(|name| {
            (
                name.clone(),
                json!({ "$ref": format!("#/components/messages/{name}") }),
            )
        })
        .collect();
    let document = json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": info.title,
            "version": info.version,
            "description": "The realtime face of a sailroute server: Sails virtual requests, typed events and resourceful pub-sub over one Socket.IO connection (socket.io-client 4, or sails.io.js).",
        },
        "defaultContentType": "application/json",
        "channels": {
            CHANNEL: {
                "address": "/socket.io/",
                "title": "The Socket.IO connection",
                "messages": channel_messages,
            }
        },
        "operations": operations,
        "components": {
            "schemas": schemas.into_components(),
            "messages": messages,
        },
    });
    // Top-level keys in the order readers expect; serde_json's map would sort them.
    let order = [
        "asyncapi",
        "info",
        "defaultContentType",
        "channels",
        "operations",
        "components",
    ];
    let mut text = String::new();
    for key in order {
        if let Some(value) = document.get(key) {
            super::yaml::entry(&mut text, key, value, 0);
        }
    }
    Ok(text)
}
