//! The standalone client crate (`examples/todo-api`, written by `sailroute-codegen
//! --rust-crate` from the checked-in contract alone, as another repository would) against a
//! live todo server, over both transports; and the check that keeps it current.

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use support::server;

use todo_api::{ApiError, Client, NewTodo, Priority};

async fn exercise(client: &Client) {
    let made = client
        .create_todo(&NewTodo {
            title: "from the crate".to_owned(),
            priority: Priority::Low,
            tags: vec!["x".to_owned()],
            note: None,
            owner: None,
        })
        .await
        .unwrap();
    assert_eq!(made.title, "from the crate");
    assert_eq!(made.priority, Priority::Low);
    assert_eq!(client.get_todo(made.id).await.unwrap(), made);
    match client.get_todo(made.id + 1000).await {
        Err(sailroute_client::ClientError::Status {
            status: 404,
            body: Some(ApiError::NotFound { id }),
            ..
        }) => assert_eq!(id, made.id + 1000),
        other => panic!("expected the typed 404, got {other:?}"),
    }
    assert_eq!(client.stats().await.unwrap().total, 1);
}

#[tokio::test]
async fn the_standalone_crate_calls_a_live_server_over_both_transports() {
    let url = server().await;
    exercise(&Client::http(&url).unwrap()).await;
    let url = server().await;
    exercise(&Client::connect(&url).await.unwrap()).await;
}

#[test]
fn checked_in_crate_is_what_the_contract_gives() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let result = sailroute_codegen::configure()
        .contract(root.join("../todo/api.json"))
        .rust_crate(root.join("../todo-api"), "todo-api", "0.1.0")
        .check(true)
        .emit_rerun_if_changed(false)
        .compile();
    if let Err(e) = result {
        panic!(
            "{e}: run `cargo run -p sailroute-codegen -- --contract examples/todo/api.json --rust-crate examples/todo-api`"
        );
    }
}
