//! Several nodes on one real `redis-server` (started here on a free port, no persistence):
//! broadcasts, omit, resource messages and room membership across nodes; then Redis is
//! killed (local delivery goes on, nothing fails) and restarted (cross-node delivery resumes,
//! nothing restarted). The same on both socket transports: socketioxide's Redis adapter, and
//! the project's own transport with its cluster backend (`sockets/node_cluster.rs`).

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::extract::Path;
use axum::routing::{patch, put};
use axum::{Json, Router};
use rust_socketio::TransportType;
use sailroute::{Server, Socket, SocketTransport, Sockets};
use serde_json::{Value, json};
use support::{TestSocket, connect, drain, next_event, request};

/// A `redis-server` child, killed on drop.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    fn start(port: u16) -> Redis {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is installed (scripts/test.sh installs it)");
        Redis { child, port }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    async fn ready(&self) {
        for _ in 0..500 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("redis-server did not start");
    }

    fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The conformance routes plus a `pet` resource, on a node that shares rooms through Redis.
async fn node(redis: &str, transport: SocketTransport) -> (String, Sockets) {
    let pets = Router::new()
        .route(
            "/pets/{id}/subscribe",
            put(
                |sockets: Sockets, socket: Socket, Path(id): Path<u64>| async move {
                    sockets
                        .resource("pet")
                        .subscribe(&socket, [id])
                        .await
                        .unwrap();
                    Json(json!({ "subscribed": id }))
                },
            ),
        )
        .route(
            "/pets/{id}",
            patch(
                |sockets: Sockets,
                 socket: Option<Socket>,
                 Path(id): Path<u64>,
                 Json(body): Json<Value>| async move {
                    let omit = socket.map(|s| s.id());
                    sockets
                        .resource("pet")
                        .updated(
                            id,
                            &body,
                            Some(&json!({ "id": id, "name": "before" })),
                            omit.as_deref(),
                        )
                        .await
                        .unwrap();
                    Json(json!({ "updated": id }))
                },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = Server::builder(conformance::app().merge(pets))
        .transport(transport)
        .build_with_redis(redis)
        .await
        .unwrap();
    let sockets = server.sockets();
    tokio::spawn(server.serve(listener));
    (url, sockets)
}

async fn socket(url: &str) -> TestSocket {
    connect(url, TransportType::Websocket, &["msg", "pet", "news"]).await
}

async fn call(socket: &TestSocket, method: &str, url: &str, data: Value) -> Value {
    let res = request(&socket.client, method, url, data, json!({})).await;
    assert_eq!(res["statusCode"], 200, "{method} {url}: {res}");
    res["body"].clone()
}

async fn id_of(socket: &TestSocket) -> String {
    call(socket, "get", "/inspect", json!({})).await["socketId"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Waits (bounded) for a condition that another node applies asynchronously.
async fn eventually(mut check: impl AsyncFnMut() -> bool, what: &str) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_span_nodes_and_survive_redis_restarts() {
    rooms_span_nodes(SocketTransport::Socketioxide).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_span_nodes_and_survive_redis_restarts_on_the_own_transport() {
    rooms_span_nodes(SocketTransport::Sailroute).await;
}

async fn rooms_span_nodes(transport: SocketTransport) {
    let port = free_port();
    let mut redis = Redis::start(port);
    redis.ready().await;
    let (a_url, a_sockets) = node(&redis.url(), transport).await;
    let (b_url, b_sockets) = node(&redis.url(), transport).await;
    let (c_url, _) = node(&redis.url(), transport).await;

    let mut on_a = socket(&a_url).await;
    let mut on_a2 = socket(&a_url).await;
    let mut on_b = socket(&b_url).await;
    let mut on_c = socket(&c_url).await;
    for s in [&on_a, &on_a2, &on_b, &on_c] {
        call(s, "put", "/subscribe/room", json!({})).await;
    }

    // A broadcast published on B reaches sockets on A and C.
    call(&on_b, "post", "/broadcast/room", json!({ "from": "b" })).await;
    assert_eq!(
        next_event(&mut on_a).await,
        ("msg".to_owned(), json!({ "from": "b" }))
    );
    assert_eq!(next_event(&mut on_a2).await.1, json!({ "from": "b" }));
    assert_eq!(next_event(&mut on_c).await.1, json!({ "from": "b" }));
    assert!(
        drain(&mut on_b).await.is_empty(),
        "the requester on B is omitted"
    );

    // Omit travels with the packet: A's requester is left out on every node.
    call(&on_a, "post", "/broadcast/room", json!({ "from": "a" })).await;
    assert_eq!(next_event(&mut on_b).await.1, json!({ "from": "a" }));
    assert_eq!(next_event(&mut on_c).await.1, json!({ "from": "a" }));
    assert_eq!(next_event(&mut on_a2).await.1, json!({ "from": "a" }));
    assert!(drain(&mut on_a).await.is_empty());

    // A blast from C reaches everyone but C's requester.
    call(
        &on_c,
        "post",
        "/blast",
        json!({ "event": "news", "data": 1 }),
    )
    .await;
    for s in [&mut on_a, &mut on_a2, &mut on_b] {
        assert_eq!(next_event(s).await, ("news".to_owned(), json!(1)));
    }
    assert!(drain(&mut on_c).await.is_empty());

    // A resource update published on B reaches a subscriber on A (Sails' payload shape).
    call(&on_a, "put", "/pets/7/subscribe", json!({})).await;
    call(&on_b, "patch", "/pets/7", json!({ "name": "rex" })).await;
    assert_eq!(
        next_event(&mut on_a).await,
        (
            "pet".to_owned(),
            json!({ "verb": "updated", "data": { "name": "rex" }, "id": 7, "previous": { "id": 7, "name": "before" } })
        )
    );

    // B joins a socket that lives on A to a room, by id; B's broadcast to it then reaches it.
    let a_id = id_of(&on_a).await;
    b_sockets.join(&a_id, "vip").await.unwrap();
    eventually(
        async || {
            a_sockets
                .local_rooms(&a_id)
                .unwrap_or_default()
                .contains(&"vip".to_owned())
        },
        "the remote join",
    )
    .await;
    b_sockets
        .broadcast("vip", "msg", &json!("for vips"), None)
        .await
        .unwrap();
    assert_eq!(next_event(&mut on_a).await.1, json!("for vips"));
    assert_eq!(
        b_sockets.socket_ids("vip").await.unwrap(),
        vec![a_id.clone()]
    );
    // leave_all from another node: A's socket leaves every room but its own (Sails' leaveAll).
    b_sockets.leave_all("vip").await.unwrap();
    eventually(
        async || a_sockets.local_rooms(&a_id) == Some(vec![a_id.clone()]),
        "the remote leave_all",
    )
    .await;
    call(&on_a, "put", "/subscribe/room", json!({})).await;

    // Redis goes away: each node keeps serving its own sockets, without errors.
    redis.kill();
    call(&on_a2, "post", "/broadcast/room", json!({ "local": true })).await;
    assert_eq!(next_event(&mut on_a).await.1, json!({ "local": true }));
    assert_eq!(
        call(&on_b, "get", "/hello", json!({})).await,
        json!({ "hello": "world" })
    );

    // Redis comes back on the same port: cross-node delivery resumes by itself.
    let redis = Redis::start(port);
    redis.ready().await;
    let mut attempt = 0;
    eventually(
        async || {
            attempt += 1;
            call(
                &on_b,
                "post",
                "/broadcast/room",
                json!({ "attempt": attempt }),
            )
            .await;
            // A request answered on A after B's broadcast: a delivered message is there first.
            drain(&mut on_a)
                .await
                .iter()
                .any(|(_, v)| v.get("attempt").is_some())
        },
        "cross-node delivery after Redis restarted",
    )
    .await;
    drop(redis);
}
