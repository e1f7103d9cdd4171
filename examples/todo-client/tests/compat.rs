//! API compatibility on the wire: the todo server given its contract (`api.json`) serves
//! clients generated from it and from compatible earlier contracts, and refuses clients of
//! incompatible or unknown ones with the typed `Incompatible` errors — over HTTP and over
//! Socket.IO, where the handshake itself is refused.

#![allow(missing_docs, clippy::unwrap_used)]

use sailroute::contract::{Contract, OnIncompatible};
use sailroute_client::{ClientError, ConnectError, ConnectOptions, RawClient};
use serde_json::Value;

/// The checked-in contract, edited by `edit` (an earlier release's contract, in effect).
fn variant(edit: impl Fn(&mut Value)) -> Contract {
    let mut contract: Value = serde_json::from_str(include_str!("../../todo/api.json")).unwrap();
    edit(&mut contract);
    Contract::from_json(&contract.to_string()).unwrap()
}

/// An earlier contract without the `stats` route: the server added it since (compatible).
fn without_stats() -> Contract {
    variant(|c| {
        let routes = c["api"]["routes"].as_array_mut().unwrap();
        routes.retain(|r| r["name"] != "stats");
    })
}

/// An earlier contract where `Todo.title` was a number: the server now answers a string.
fn title_was_a_number() -> Contract {
    variant(|c| {
        let fields = c["api"]["types"]["Todo"]["shape"]["Struct"]
            .as_array_mut()
            .unwrap();
        let title = fields
            .iter_mut()
            .find(|f| f["json_name"] == "title")
            .unwrap();
        title["ty"] = serde_json::json!({ "Int": "U64" });
    })
}

async fn server(policy: OnIncompatible) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = sailroute::Server::builder(todo::app())
        .contract(todo::contract())
        .accept_contract(without_stats())
        .accept_contract(title_was_a_number())
        .on_incompatible(policy)
        .build()
        .unwrap();
    tokio::spawn(server.serve(listener));
    url
}

/// One call to `GET /api/todos` with a client carrying `contract` (or none).
async fn list(client: &RawClient) -> Result<Value, ClientError<Value>> {
    client
        .request("GET", "/api/todos".to_owned())
        .send::<Value, Value>()
        .await
}

fn options(contract: Option<&str>) -> ConnectOptions {
    match contract {
        Some(hash) => ConnectOptions::default().contract(hash),
        None => ConnectOptions::default(),
    }
}

#[tokio::test]
async fn generated_clients_carry_the_servers_contract_hash() {
    let hash = todo::contract().hash().to_owned();
    assert_eq!(
        todo_client::CONTRACT,
        hash,
        "the build.rs client, from the source"
    );
    assert_eq!(
        todo_api::CONTRACT,
        hash,
        "the standalone crate, from the contract"
    );
    assert_eq!(hash.len(), 16);

    let url = server(OnIncompatible::Refuse).await;
    let over_http = todo_client::Client::http(&url).unwrap();
    assert_eq!(over_http.stats().await.unwrap().total, 0);
    let over_socket = todo_client::Client::connect(&url).await.unwrap();
    assert_eq!(over_socket.stats().await.unwrap().total, 0);
}

#[tokio::test]
async fn a_compatible_earlier_contract_is_served_on_both_transports() {
    let url = server(OnIncompatible::Refuse).await;
    let hash = without_stats().hash().to_owned();
    assert_ne!(hash, todo::contract().hash());
    let http = RawClient::http_with(&url, options(Some(&hash))).unwrap();
    assert_eq!(list(&http).await.unwrap(), Value::Array(Vec::new()));
    let socket = RawClient::connect_with(&url, options(Some(&hash)))
        .await
        .unwrap();
    assert_eq!(list(&socket).await.unwrap(), Value::Array(Vec::new()));
}

#[tokio::test]
async fn an_incompatible_contract_is_refused_with_the_reason() {
    let url = server(OnIncompatible::Refuse).await;
    let hash = title_was_a_number().hash().to_owned();

    let http = RawClient::http_with(&url, options(Some(&hash))).unwrap();
    match list(&http).await {
        Err(ClientError::Incompatible {
            method,
            path,
            message,
            problems,
        }) => {
            assert_eq!((method, path.as_str()), ("GET", "/api/todos"));
            assert!(message.contains(&hash), "{message}");
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains("`title` has changed type")),
                "{problems:?}"
            );
        }
        other => panic!("expected Incompatible, got {other:?}"),
    }

    match RawClient::connect_with(&url, options(Some(&hash))).await {
        Err(ConnectError::Incompatible(message)) => {
            assert!(message.contains("`title` has changed type"), "{message}");
        }
        other => panic!("expected ConnectError::Incompatible, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_contract_is_refused_and_no_contract_is_not_checked() {
    let url = server(OnIncompatible::Refuse).await;
    let unknown = "0123456789abcdef";
    let http = RawClient::http_with(&url, options(Some(unknown))).unwrap();
    match list(&http).await {
        Err(ClientError::Incompatible {
            message, problems, ..
        }) => {
            assert!(message.contains("does not know"), "{message}");
            assert!(problems.is_empty());
        }
        other => panic!("expected Incompatible, got {other:?}"),
    }
    assert!(matches!(
        RawClient::connect_with(&url, options(Some(unknown))).await,
        Err(ConnectError::Incompatible(_))
    ));
    // Clients that name no contract (sails.io.js, curl, hand-written) are served.
    let plain = RawClient::connect_with(&url, options(None)).await.unwrap();
    assert!(list(&plain).await.is_ok());
    assert!(list(&RawClient::http(&url).unwrap()).await.is_ok());
}

#[tokio::test]
async fn the_app_may_serve_incompatible_clients_and_log_them() {
    let url = server(OnIncompatible::Log).await;
    let hash = title_was_a_number().hash().to_owned();
    let http = RawClient::http_with(&url, options(Some(&hash))).unwrap();
    assert!(list(&http).await.is_ok());
    let socket = RawClient::connect_with(&url, options(Some(&hash)))
        .await
        .unwrap();
    assert!(list(&socket).await.is_ok());
}

#[tokio::test]
async fn a_server_redeployed_with_another_api_fails_calls_with_incompatible() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let url = format!("http://{address}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let first = tokio::spawn(
        sailroute::Server::builder(todo::app())
            .contract(todo::contract())
            .build()
            .unwrap()
            .serve_with_shutdown(listener, async {
                stopped.await.ok();
            }),
    );
    let client = todo_client::Client::connect(&url).await.unwrap();
    assert_eq!(client.stats().await.unwrap().total, 0);

    // The server goes away and comes back on the same address with an API this client's
    // contract does not fit (and that does not know it).
    stop.send(()).unwrap();
    first.await.unwrap().unwrap();
    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    tokio::spawn(
        sailroute::Server::builder(todo::app())
            .contract(title_was_a_number())
            .build()
            .unwrap()
            .serve(listener),
    );
    match client.stats().await {
        Err(ClientError::Incompatible { message, .. }) => {
            assert!(message.contains("does not know"), "{message}");
        }
        other => panic!("expected Incompatible after the reconnect, got {other:?}"),
    }
}
