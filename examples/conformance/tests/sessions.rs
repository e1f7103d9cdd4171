//! Sessions against a server built in-process, where the test can look into the store:
//! what `/__getcookie` leaves behind (issue 23, point 7) and what it does for a cookie whose
//! session is gone (point 4).

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use std::time::Duration;

use sailroute::Server;
use sailroute::sessions::{MemoryStore, SessionStore, Sessions};
use support::raw_get;

async fn start(store: MemoryStore, ttl: Option<Duration>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let mut sessions = Sessions::new(store)
        .cookie_name("sails.sid")
        .configure(|layer| layer.with_secure(false));
    if let Some(ttl) = ttl {
        sessions = sessions.getcookie_ttl(ttl);
    }
    let server = Server::builder(conformance::app())
        .sessions(sessions)
        .build()
        .unwrap();
    tokio::spawn(server.serve(listener));
    addr
}

/// The `sails.sid=…` pair a response set, and the rest of its `Set-Cookie` line.
fn set_cookie(response: &str) -> Option<(String, String)> {
    let line = response.lines().find(|line| {
        line.to_ascii_lowercase()
            .starts_with("set-cookie: sails.sid=")
    })?;
    let value = &line["set-cookie: ".len()..];
    let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
    Some((pair.to_owned(), attributes.to_owned()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn getcookie_leaves_no_unused_session_behind() {
    let store = MemoryStore::default();
    let addr = start(store.clone(), Some(Duration::ZERO)).await;
    for _ in 0..3_000 {
        let response = raw_get(&addr, "/__getcookie", "").await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }
    // tower-sessions' own MemoryStore kept all 3,000 for good.
    assert!(store.len() <= 1_024, "{} sessions kept", store.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn getcookie_sets_a_browser_session_cookie_and_replaces_a_lost_one() {
    let store = MemoryStore::default();
    let addr = start(store.clone(), None).await;
    let first = raw_get(&addr, "/__getcookie", "").await;
    let (cookie, attributes) = set_cookie(&first).expect("a session cookie");
    // The store's short lifetime is not the browser's.
    assert!(
        !attributes.to_ascii_lowercase().contains("max-age"),
        "{attributes}"
    );
    assert!(
        !attributes.to_ascii_lowercase().contains("expires"),
        "{attributes}"
    );
    let id = cookie["sails.sid=".len()..].parse().unwrap();
    assert!(store.load(&id).await.unwrap().is_some());

    // A session the browser has: no new cookie.
    let again = raw_get(&addr, "/__getcookie", &format!("Cookie: {cookie}\r\n")).await;
    assert_eq!(set_cookie(&again), None, "{again}");

    // The store loses it (a restart, an expiry, a logout elsewhere): a new one, and a new
    // cookie, where main answered with none and the browser kept a dead id.
    store.delete(&id).await.unwrap();
    let lost = raw_get(&addr, "/__getcookie", &format!("Cookie: {cookie}\r\n")).await;
    let (replaced, _) = set_cookie(&lost).expect("a new cookie for a lost session");
    assert_ne!(replaced, cookie);
}
