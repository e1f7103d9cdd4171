//! The generated client against the todo server, over both transports: every route, typed
//! errors, the same answers either way, and 100 concurrent calls on one socket.

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use support::server;

use std::collections::BTreeSet;

use serde_json::json;
use todo_client::{ApiError, Client, ListQuery, NewTodo, Owner, Priority, Search, TodoPatch};

fn new_todo(title: &str, tags: &[&str]) -> NewTodo {
    NewTodo {
        title: title.to_owned(),
        priority: Priority::High,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        note: None,
        owner: None,
    }
}

/// Every route once, in an order that exercises each answer; returns what it saw as JSON
/// so the two transports can be compared.
async fn exercise(client: &Client) -> serde_json::Value {
    let mut seen = Vec::new();

    let stats = client.stats().await.unwrap();
    assert_eq!(stats.total, 0);
    seen.push(json!(stats.total));

    let first = client
        .create_todo(&new_todo("write tests", &["dev"]))
        .await
        .unwrap();
    assert_eq!(first.title, "write tests");
    assert_eq!(first.priority, Priority::High);
    assert!(!first.done);
    assert_eq!(first.note, None);
    let owner = Owner {
        name: "Ada".into(),
        since: chrono::NaiveDate::from_ymd_opt(1842, 10, 5).unwrap(),
    };
    let second = client
        .create_todo(&NewTodo {
            note: Some("with a note".into()),
            owner: Some(owner.clone()),
            ..new_todo("ship", &[])
        })
        .await
        .unwrap();
    assert_eq!(second.note.as_deref(), Some("with a note"));
    // A type of the sibling crate, and the server's own Uuid and chrono types.
    assert_eq!(second.owner, Some(owner));
    let uid: uuid::Uuid = second.uid;
    let created: chrono::DateTime<chrono::Utc> = second.created;
    assert!(created > first.created);
    assert_eq!(client.get_todo_by_uid(uid).await.unwrap(), second);
    seen.push(json!([first.id, second.id]));

    // The title's rules (`#[garde(...)]` on the server's type) fail the call here, before
    // anything is sent, with what the server would say...
    let blank = new_todo("   ", &["", "ok"]);
    let local = match client.create_todo(&blank).await {
        Err(sailroute_client::ClientError::Invalid {
            sent: false,
            fields,
            ..
        }) => fields,
        other => panic!("expected a local validation failure, got {other:?}"),
    };
    let rules: BTreeSet<(String, String)> = local
        .iter()
        .map(|f| (f.path.clone(), f.rule.clone()))
        .collect();
    assert_eq!(
        rules,
        BTreeSet::from([
            ("title".to_owned(), "pattern".to_owned()),
            ("tags[0]".to_owned(), "length".to_owned())
        ])
    );
    // ... and the server, asked anyway, answers 422 with the same fields.
    let unchecked = Client::from_raw(client.raw().clone().with_local_checks(false));
    match unchecked.create_todo(&blank).await {
        Err(e @ sailroute_client::ClientError::Invalid { sent: true, .. }) => {
            assert_eq!(e.status(), Some(422));
            let sailroute_client::ClientError::Invalid { fields, .. } = e else {
                unreachable!()
            };
            let mut server = fields.clone();
            let mut here = local.clone();
            server.sort_by(|a, b| a.path.cmp(&b.path));
            here.sort_by(|a, b| a.path.cmp(&b.path));
            assert_eq!(server, here);
        }
        other => panic!("expected the server's 422, got {other:?}"),
    }
    match unchecked
        .update_todo(
            first.id,
            &TodoPatch {
                title: Some(String::new()),
                done: None,
            },
        )
        .await
    {
        Err(sailroute_client::ClientError::Invalid {
            sent: true, fields, ..
        }) => {
            assert_eq!(fields[0].path, "title");
            assert_eq!(fields[0].message, "length is lower than 1");
        }
        other => panic!("expected the server's 422, got {other:?}"),
    }

    assert_eq!(client.get_todo(first.id).await.unwrap(), first);
    match client.get_todo(999).await {
        Err(
            e @ sailroute_client::ClientError::Status {
                status: 404,
                body: Some(ApiError::NotFound { id: 999 }),
                ..
            },
        ) => assert_eq!(e.to_string(), "GET /api/todos/999 answered 404"),
        other => panic!("expected a typed 404, got {other:?}"),
    }

    // Query structs keep the server's `Default`: callers spell out only what they filter on.
    let all = client.list_todos(&ListQuery::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    let tagged = client
        .list_todos(&ListQuery {
            tag: Some("dev".into()),
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(tagged, vec![first.clone()]);

    let updated = client
        .update_todo(
            first.id,
            &TodoPatch {
                title: Some("write more tests".into()),
                done: Some(true),
            },
        )
        .await
        .unwrap();
    assert!(updated.done);
    assert_eq!(updated.title, "write more tests");
    let done = client
        .list_todos(&ListQuery {
            done: Some(true),
            tag: None,
        })
        .await
        .unwrap();
    assert_eq!(done, vec![updated.clone()]);

    client.delete_todo(second.id).await.unwrap();
    assert_eq!(
        client.get_todo(second.id).await.unwrap_err().status(),
        Some(404)
    );
    assert_eq!(
        client.delete_todo(second.id).await.unwrap_err().status(),
        Some(404)
    );

    let stats = client.stats().await.unwrap();
    assert_eq!((stats.total, stats.done), (1, 1));
    seen.push(
        json!({ "updated": updated.title, "stats": [stats.total, stats.done, stats.by_priority] }),
    );
    json!(seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_over_both_transports_gives_the_same_answers() {
    let socket = Client::connect(&server().await).await.unwrap();
    assert!(socket.raw().is_socket());
    let over_socket = exercise(&socket).await;
    let http = Client::http(&server().await).unwrap();
    let over_http = exercise(&http).await;
    assert_eq!(over_socket, over_http);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_calls_on_one_socket_each_get_their_own_answer() {
    let client = Client::connect(&server().await).await.unwrap();
    let calls = (0..100).map(|i| {
        let client = client.clone();
        async move {
            let title = format!("todo number {i}");
            let todo = client.create_todo(&new_todo(&title, &[])).await.unwrap();
            (title, todo)
        }
    });
    let results = futures_util::future::join_all(calls).await;
    let mut ids = BTreeSet::new();
    for (title, todo) in &results {
        assert_eq!(&todo.title, title, "an answer reached the wrong call");
        ids.insert(todo.id);
    }
    assert_eq!(ids.len(), 100);
    // And reads of those ids, concurrently, each match.
    let reads = results.iter().map(|(_, todo)| {
        let client = client.clone();
        let expected = todo.clone();
        async move { assert_eq!(client.get_todo(expected.id).await.unwrap(), expected) }
    });
    futures_util::future::join_all(reads).await;
}

#[tokio::test]
async fn checked_in_js_client_is_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let result = sailroute_codegen::configure()
        .scan(root.join("../todo/src"))
        .scan(root.join("../todo-shared/src"))
        .js_client(root.join("js"))
        .check(true)
        .emit_rerun_if_changed(false)
        .compile();
    if let Err(e) = result {
        panic!(
            "{e}: run `cargo run -p sailroute-codegen -- --scan examples/todo/src --scan examples/todo-shared/src --js examples/todo-client/js`"
        );
    }
}

/// Query values that must reach the server exactly as sent: empty, single and repeated
/// sequences, unit enums, numbers, booleans, renamed fields and text that needs escaping.
fn searches() -> Vec<Search> {
    let none = Search::default();
    vec![
        none.clone(),
        Search {
            tags: vec!["one".into()],
            ..none.clone()
        },
        Search {
            tags: vec!["a b".into(), "x&y=z".into(), "é/ü?#".into(), "+%20".into()],
            priority: vec![Priority::High, Priority::Low],
            ids: vec![1, 2, 3],
            done: Some(false),
            text: Some("  spaced  ".into()),
            limit: Some(0),
        },
        Search {
            tags: vec!["".into(), "dup".into(), "dup".into()],
            done: Some(true),
            limit: Some(u32::MAX),
            ..none
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_query_encoding_round_trips_over_both_transports() {
    let url = server().await;
    let socket = Client::connect(&url).await.unwrap();
    let http = Client::http(&url).unwrap();
    for client in [&socket, &http] {
        for search in searches() {
            let echoed = client.search(&search).await.unwrap().search;
            assert_eq!(
                echoed,
                search,
                "over {}",
                if client.raw().is_socket() {
                    "socket"
                } else {
                    "http"
                }
            );
        }
        // The one value the encoding cannot carry, the same way everywhere: an empty string
        // in an optional field is an empty value, which reads as absent (docs/codegen.md).
        let empty = Search {
            text: Some(String::new()),
            ..searches()[0].clone()
        };
        assert_eq!(client.search(&empty).await.unwrap().search.text, None);
    }
}

#[test]
fn the_client_has_only_the_mounted_routes() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/todo_client.rs"));
    assert!(generated.contains("pub async fn get_todo_by_uid("));
    // Declared but not mounted by `app()`, and mounted only under `cfg(test)`.
    assert!(!generated.contains("reset_todos"));
    assert!(!generated.contains("test_only"));
}

#[test]
fn the_contract_alone_gives_the_same_clients_as_the_source() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("todo-contract-{}", std::process::id()));
    let from_source = sailroute_codegen::configure()
        .scan(root.join("../todo/src"))
        .scan(root.join("../todo-shared/src"))
        .out_dir(out.join("source"))
        .rust_client("client.rs")
        .js_client("js")
        .emit_rerun_if_changed(false);
    from_source.compile().unwrap();
    let from_contract = sailroute_codegen::configure()
        .contract(root.join("../todo/api.json"))
        .out_dir(out.join("contract"))
        .rust_client("client.rs")
        .js_client("js")
        .emit_rerun_if_changed(false);
    from_contract.compile().unwrap();
    for file in ["client.rs", "js/index.js", "js/index.d.ts", "js/browser.js"] {
        let a = std::fs::read_to_string(out.join("source").join(file)).unwrap();
        let b = std::fs::read_to_string(out.join("contract").join(file)).unwrap();
        assert!(a == b, "{file} differs between source and contract");
    }
    std::fs::remove_dir_all(&out).ok();
}
