//! The connection design of issue 20 measured before it carries the server: Engine.IO 4 over
//! WebSocket on the transport's own parts (`sailroute::transport`: the session, the WebSocket
//! reader, one task per connection with its direct write path, one heartbeat wheel for all),
//! answering a Socket.IO CONNECT on the default namespace and the shared load generator's
//! virtual requests (`PUT /subscribe/:room`, `POST /broadcast/:room`, `GET /hello`) and nothing
//! else. Enough for its connect and fan-out modes (socket.io-client 4, WebSocket only), so that
//! what an idle socket and a delivered message cost on this design are measured the same way as
//! the server's:
//!
//! ```text
//! cargo run --release -p sailroute-bench --bin transport-probe -- --port 3101
//! node target/bench-work/loadgen/loadgen.js --url http://127.0.0.1:3101 --mode connect \
//!     --clients 5000 --duration 5 --server-pid <pid>
//! ```
//!
//! The upgrade comes through axum and hyper (`sailroute::transport::upgrade`), as it will when
//! the transport carries the server, so what an idle socket costs includes what hyper keeps.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::any;
use sailroute::transport::conn::{Conn, Event};
use sailroute::transport::engine::{Packet, Version};
use sailroute::transport::heartbeat::Heartbeats;
use sailroute::transport::session::{Config, Session, Transport};
use sailroute::transport::table::{SocketId, Table};
use sailroute::transport::{socket, upgrade, ws};
use serde_json::{Value, json};
use tokio::net::TcpListener;

struct Server {
    /// The live connections and their rooms (the load generator's one room).
    table: Mutex<Table<Conn>>,
    wheel: Mutex<Heartbeats>,
    config: Config,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::args()
        .skip_while(|a| a != "--port")
        .nth(1)
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(3101);
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "listening on http://127.0.0.1:{}",
        listener.local_addr()?.port()
    );
    // `--ping-interval MS` (and the same timeout): to watch real clients answer heartbeats.
    let ping = std::env::args()
        .skip_while(|a| a != "--ping-interval")
        .nth(1)
        .and_then(|p| p.parse::<u64>().ok())
        .map(Duration::from_millis);
    let config = match ping {
        Some(every) => Config {
            ping_interval: every,
            ping_timeout: every,
            ..Config::default()
        },
        None => Config::default(),
    };
    let server = Arc::new(Server {
        table: Mutex::new(Table::default()),
        wheel: Mutex::new(Heartbeats::new(
            Duration::from_millis(100),
            512,
            Instant::now(),
        )),
        config,
    });
    tokio::spawn(heartbeats(server.clone()));
    let app = Router::new().route(
        "/socket.io/",
        any(move |request: Request| open(server.clone(), request)),
    );
    axum::serve(listener, app).await
}

/// A WebSocket handshake for Engine.IO 4: answered 101, and the connection served once hyper
/// hands it over; anything else is refused.
async fn open(server: Arc<Server>, mut request: Request) -> Response {
    let query = request.uri().query().unwrap_or_default();
    if !(query.contains("EIO=4") && query.contains("transport=websocket")) {
        return upgrade::HandshakeError::NotUpgrade.into_response();
    }
    let (response, on_upgrade) = match upgrade::accept(&mut request) {
        Ok(accepted) => accepted,
        Err(e) => return e.into_response(),
    };
    tokio::spawn(async move {
        match upgrade::stream(on_upgrade).await {
            Ok((stream, early)) => serve(server, stream, early),
            Err(e) => eprintln!("transport-probe: an upgrade failed: {e}"),
        }
    });
    response
}

/// The one heartbeat task: wakes every tick, and each connection whose deadline passed.
async fn heartbeats(server: Arc<Server>) {
    let tick = server.wheel.lock().expect("wheel").tick();
    let mut interval = tokio::time::interval(tick);
    let mut due = Vec::new();
    loop {
        interval.tick().await;
        let now = Instant::now();
        server.wheel.lock().expect("wheel").expired(now, &mut due);
        for id in due.drain(..) {
            let conn = server
                .table
                .lock()
                .expect("table")
                .get_slot(id)
                .map(|(_, conn)| conn.clone());
            let Some(conn) = conn else { continue };
            if let Some(next) = conn.on_deadline(now) {
                server.wheel.lock().expect("wheel").schedule(id, next);
            }
        }
    }
}

fn serve(server: Arc<Server>, stream: sailroute::transport::stream::Stream, early: bytes::Bytes) {
    if let Err(e) = stream.set_nodelay() {
        eprintln!("transport-probe: cannot set TCP_NODELAY: {e}");
    }
    let mut open = None;
    let (id, conn) = server.table.lock().expect("table").insert(|id| {
        let (session, handshake) = Session::open(
            Version::V4,
            Transport::WebSocket,
            &id.to_string(),
            server.config,
            Instant::now(),
        );
        open = Some(handshake);
        Conn::new(id.slot(), stream, Version::V4, session, 1 << 20)
    });
    let first = conn.first_wakeup();
    server
        .wheel
        .lock()
        .expect("wheel")
        .schedule(id.slot(), first);
    if let Some(open) = open {
        let _ = conn.send_packet(&open);
    }
    // The connection's own task, apart from the one that awaited the upgrade: a task's memory
    // is the largest state of its future, and the upgrade's are not the connection's.
    tokio::spawn(async move {
        conn.run(&early, |conn, event| {
            if let Event::Message(text) = event {
                answer(&server, id, conn, &text);
            }
        })
        .await;
        // Out of its rooms and the table at once: the slot is free for another connection.
        server.table.lock().expect("table").remove(id);
    });
}

/// A Socket.IO CONNECT is answered; so are the load generator's virtual requests
/// (`PUT /subscribe/:room`, `POST /broadcast/:room`, `GET /hello`), on nothing but these parts:
/// a broadcast encodes its frame once and writes it into each member's socket from this task.
fn answer(server: &Server, id: SocketId, conn: &Conn, text: &str) {
    let Ok(packet) = socket::Packet::decode(socket::Version::V5, text) else {
        return;
    };
    match packet.kind {
        socket::Kind::Connect => {
            let reply = format!("0{{\"sid\":\"{id}\"}}");
            let _ = conn.send_packet(&Packet::Message(reply));
        }
        socket::Kind::Event => {
            let Some(Value::Array(args)) = &packet.data else {
                return;
            };
            let request = args.get(1).cloned().unwrap_or(Value::Null);
            let url = request["url"].as_str().unwrap_or_default();
            let body = if let Some(room) = url.strip_prefix("/subscribe/") {
                server.table.lock().expect("table").join(id, room);
                json!({})
            } else if let Some(room) = url.strip_prefix("/broadcast/") {
                let event = socket::Packet {
                    kind: socket::Kind::Event,
                    namespace: "/".to_owned(),
                    query: None,
                    id: None,
                    attachments: 0,
                    data: Some(json!(["msg", request["data"]])),
                };
                let frame = ws::text(&Packet::Message(event.encode()).encode_text());
                // A client too slow for its bound is disconnected by `send` itself.
                server
                    .table
                    .lock()
                    .expect("table")
                    .for_each_in(&[room], Some(id), |_, to| {
                        let _ = to.send(&frame);
                    });
                json!({})
            } else {
                json!({"hello": "world"})
            };
            if let Some(id) = packet.id {
                let ack = socket::Packet {
                    kind: socket::Kind::Ack,
                    namespace: "/".to_owned(),
                    query: None,
                    id: Some(id),
                    attachments: 0,
                    data: Some(json!([{"body": body, "statusCode": 200, "headers": {}}])),
                };
                let _ = conn.send_packet(&Packet::Message(ack.encode()));
            }
        }
        _ => {}
    }
}
