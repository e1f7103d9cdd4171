//! The `sails.sockets` handle end to end: a server built in-process whose routes call every
//! `Sockets` operation, driven by rust_socketio clients.

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use axum::extract::Path;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use rust_socketio::TransportType;
use sailroute::{LeaveAllOptions, Server, Socket, Sockets};
use serde_json::{Value, json};
use support::{TestSocket, connect, drain, next_event, request};

fn app() -> Router {
    Router::new()
        .route(
            "/me",
            get(|socket: Socket| async move {
                Json(json!({ "id": socket.id(), "rooms": socket.rooms() }))
            }),
        )
        .route(
            "/join/{room}",
            put(|socket: Socket, Path(room): Path<String>| async move {
                socket.join(room.as_str()).await.unwrap();
                Json(json!({}))
            }),
        )
        .route(
            "/multi",
            post(|sockets: Sockets, Json(body): Json<Value>| async move {
                sockets
                    .broadcast(["a", "b"], "m", &body, None)
                    .await
                    .unwrap();
                Json(json!({}))
            }),
        )
}

async fn start() -> (String, Sockets) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = Server::builder(app()).build().unwrap();
    let sockets = server.sockets();
    tokio::spawn(server.serve(listener));
    (url, sockets)
}

async fn me(socket: &TestSocket) -> (String, Vec<String>) {
    let res = request(&socket.client, "get", "/me", json!({}), json!({})).await;
    let id = res["body"]["id"].as_str().unwrap().to_owned();
    let rooms = serde_json::from_value(res["body"]["rooms"].clone()).unwrap();
    (id, rooms)
}

async fn join(socket: &TestSocket, room: &str) {
    let res = request(
        &socket.client,
        "put",
        &format!("/join/{room}"),
        json!({}),
        json!({}),
    )
    .await;
    assert_eq!(res["statusCode"], 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sockets_operation() {
    let (url, sockets) = start().await;
    let mut one = connect(&url, TransportType::Websocket, &["m", "z"]).await;
    let mut two = connect(&url, TransportType::Polling, &["m", "z"]).await;
    let (one_id, rooms) = me(&one).await;
    let (two_id, _) = me(&two).await;
    assert_eq!(
        rooms,
        vec![one_id.clone()],
        "every socket is in its own id room"
    );

    // A socket in two target rooms hears a multi-room broadcast once.
    join(&one, "a").await;
    join(&one, "b").await;
    join(&two, "b").await;
    request(&two.client, "post", "/multi", json!({ "k": 1 }), json!({})).await;
    assert_eq!(
        drain(&mut one).await,
        vec![("m".to_owned(), json!({ "k": 1 }))]
    );
    assert_eq!(
        drain(&mut two).await,
        vec![("m".to_owned(), json!({ "k": 1 }))]
    );

    // Room-to-room membership.
    sockets
        .add_room_members_to_rooms("b", ["c", "d"])
        .await
        .unwrap();
    assert_eq!(me(&one).await.1, sorted(&[&one_id, "a", "b", "c", "d"]));
    assert_eq!(me(&two).await.1, sorted(&[&two_id, "b", "c", "d"]));
    sockets
        .remove_room_members_from_rooms("a", "c")
        .await
        .unwrap();
    assert_eq!(me(&one).await.1, sorted(&[&one_id, "a", "b", "d"]));
    assert_eq!(sockets.socket_ids("c").await.unwrap(), vec![two_id.clone()]);

    // Join and leave by id, from outside any request.
    sockets.join(&two_id, "z").await.unwrap();
    sockets
        .broadcast("z", "z", &json!("to z"), None)
        .await
        .unwrap();
    assert_eq!(next_event(&mut two).await, ("z".to_owned(), json!("to z")));
    sockets.leave(&two_id, "z").await.unwrap();
    sockets
        .broadcast("z", "z", &json!("nobody"), None)
        .await
        .unwrap();
    assert!(drain(&mut two).await.is_empty());

    // Omit, blast, and emit to one socket.
    sockets
        .broadcast("b", "m", &json!(2), Some(&one_id))
        .await
        .unwrap();
    assert_eq!(next_event(&mut two).await.1, json!(2));
    assert!(drain(&mut one).await.is_empty());
    sockets
        .blast("m", &json!("all but two"), Some(&two_id))
        .await
        .unwrap();
    assert_eq!(next_event(&mut one).await.1, json!("all but two"));
    assert!(drain(&mut two).await.is_empty());
    sockets
        .emit_to(&two_id, "m", &json!("direct"))
        .await
        .unwrap();
    assert_eq!(next_event(&mut two).await.1, json!("direct"));
    assert!(drain(&mut one).await.is_empty());

    // leave_all: members of "b" leave everything but their own room (defaults keep
    // socket-id rooms; the source room goes).
    sockets.join(&one_id, two_id.as_str()).await.unwrap();
    sockets.leave_all("b").await.unwrap();
    assert_eq!(me(&one).await.1, sorted(&[&one_id, &two_id]));
    assert_eq!(me(&two).await.1, vec![two_id.clone()]);
    sockets
        .leave_all_with(
            &two_id,
            LeaveAllOptions {
                include_socket_rooms: true,
                include_source_room: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(me(&one).await.1, vec![one_id.clone()]);

    // Bad ids are errors, not panics.
    assert!(sockets.join("not a socket id!", "r").await.is_err());
    assert_eq!(sockets.local_rooms("nope"), None);
}

fn sorted(rooms: &[&str]) -> Vec<String> {
    let mut rooms: Vec<String> = rooms.iter().map(|r| (*r).to_owned()).collect();
    rooms.sort();
    rooms
}

/// A rust_socketio client over WebSocket (with one opening header), once it is connected.
async fn connected_client(
    url: &str,
    header: Option<(&str, &str)>,
) -> rust_socketio::asynchronous::Client {
    use futures_util::FutureExt;
    use rust_socketio::asynchronous::{Client, ClientBuilder};
    use rust_socketio::{Event, Payload};

    let (connected_tx, connected_rx) = tokio::sync::oneshot::channel::<()>();
    let connected_tx = std::sync::Arc::new(std::sync::Mutex::new(Some(connected_tx)));
    let mut builder = ClientBuilder::new(url).transport_type(TransportType::Websocket);
    if let Some((name, value)) = header {
        builder = builder.opening_header(name, value);
    }
    let client: Client = builder
        .on(Event::Connect, move |_: Payload, _: Client| {
            if let Some(tx) = connected_tx.lock().unwrap().take() {
                tx.send(()).ok();
            }
            async {}.boxed()
        })
        .connect()
        .await
        .unwrap();
    connected_rx.await.unwrap();
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handlers_and_the_disconnect_hook_see_the_handshake() {
    let app = Router::new().route(
        "/handshake",
        get(|socket: Socket| async move {
            let handshake = socket.handshake().unwrap();
            Json(json!({
                "user": handshake.header("x-user"),
                "peer_is_loopback": handshake.remote_addr().is_some_and(|a| a.ip().is_loopback()),
                "eio": handshake.query("EIO"),
            }))
        }),
    );
    let (gone_tx, mut gone_rx) = tokio::sync::mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = Server::builder(app)
        .on_disconnect(move |socket, _sockets| {
            let gone_tx = gone_tx.clone();
            async move {
                gone_tx
                    .send((
                        socket.id().to_owned(),
                        socket.handshake().header("x-user").map(str::to_owned),
                    ))
                    .ok();
            }
        })
        .build()
        .unwrap();
    tokio::spawn(server.serve(listener));

    let client = connected_client(&url, Some(("x-user", "ada"))).await;
    let res = request(&client, "get", "/handshake", json!({}), json!({})).await;
    assert_eq!(
        res["body"],
        json!({ "user": "ada", "peer_is_loopback": true, "eio": "4" })
    );
    client.disconnect().await.unwrap();
    let (id, user) = gone_rx.recv().await.unwrap();
    assert!(!id.is_empty());
    assert_eq!(user.as_deref(), Some("ada"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_disconnect_hook_reaches_the_session_and_a_sockets_own_session_goes_with_it() {
    use sailroute::sessions::{MemoryStore, Session, SessionStore, Sessions};

    let app = Router::new().route(
        "/login",
        axum::routing::put(|session: Session, Json(body): Json<Value>| async move {
            session.insert("user", &body["user"]).await.unwrap();
            Json(json!({ "ok": true }))
        }),
    );
    let store = MemoryStore::default();
    let (gone_tx, mut gone_rx) = tokio::sync::mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = Server::builder(app)
        .sessions(Sessions::new(store.clone()))
        .on_disconnect(move |socket, _sockets| {
            let gone_tx = gone_tx.clone();
            async move {
                let session = socket.session().cloned();
                let user = match &session {
                    Some(session) => session.get::<String>("user").await.unwrap(),
                    None => None,
                };
                gone_tx.send((session.and_then(|s| s.id()), user)).ok();
            }
        })
        .build()
        .unwrap();
    tokio::spawn(server.serve(listener));

    let client = connected_client(&url, None).await;
    let res = request(
        &client,
        "put",
        "/login",
        json!({ "user": "ada" }),
        json!({}),
    )
    .await;
    assert_eq!(res["statusCode"], 200);
    client.disconnect().await.unwrap();
    let (id, user) = gone_rx.recv().await.unwrap();
    assert_eq!(user.as_deref(), Some("ada"));
    // The socket had no cookie: its session was its own, and leaves the store after the hook.
    let id = id.expect("the socket's session has an id");
    let mut deleted = false;
    for _ in 0..500 {
        if store.load(&id).await.unwrap().is_none() {
            deleted = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(deleted, "the socket's own session is still in the store");
}
