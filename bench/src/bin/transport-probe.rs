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
//! The HTTP upgrade here is read by hand with httparse (a probe's shortcut: the transport takes
//! it from hyper through axum when it is wired in).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sailroute::transport::conn::{Conn, Event};
use sailroute::transport::engine::{Packet, Version};
use sailroute::transport::heartbeat::Heartbeats;
use sailroute::transport::session::{Config, Session, Transport};
use sailroute::transport::{socket, ws};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The live connections by numeric id, and the ids free for reuse.
#[derive(Default)]
struct Table {
    conns: Vec<Option<Arc<Conn>>>,
    free: Vec<u32>,
}

impl Table {
    fn next_id(&mut self) -> u32 {
        self.free.pop().unwrap_or_else(|| {
            self.conns.push(None);
            u32::try_from(self.conns.len() - 1).expect("fewer than 2^32 connections")
        })
    }
}

struct Server {
    table: Mutex<Table>,
    /// Room name → member ids (the load generator's one room).
    rooms: Mutex<HashMap<String, Vec<u32>>>,
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
        rooms: Mutex::new(HashMap::new()),
        wheel: Mutex::new(Heartbeats::new(
            Duration::from_millis(100),
            512,
            Instant::now(),
        )),
        config,
    });
    tokio::spawn(heartbeats(server.clone()));
    loop {
        let (stream, _) = listener.accept().await?;
        let server = server.clone();
        tokio::spawn(async move {
            if let Err(e) = serve(server, stream).await {
                eprintln!("transport-probe: a connection failed: {e}");
            }
        });
    }
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
            let conn = server.table.lock().expect("table").conns[id as usize].clone();
            let Some(conn) = conn else { continue };
            if let Some(next) = conn.on_deadline(now) {
                server.wheel.lock().expect("wheel").schedule(id, next);
            }
        }
    }
}

async fn serve(server: Arc<Server>, mut stream: TcpStream) -> std::io::Result<()> {
    let Some(key) = upgrade(&mut stream).await? else {
        return Ok(());
    };
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n\r\n",
        ws::accept_key(key.as_bytes())
    );
    stream.write_all(response.as_bytes()).await?;
    stream.set_nodelay(true)?;
    let id = server.table.lock().expect("table").next_id();
    let sid = format!("{id:020}");
    let (session, open) = Session::open(
        Version::V4,
        Transport::WebSocket,
        &sid,
        server.config,
        Instant::now(),
    );
    let conn = Arc::new(Conn::new(id, stream, Version::V4, session, 1 << 20));
    server.table.lock().expect("table").conns[id as usize] = Some(conn.clone());
    let first = conn.first_wakeup();
    server.wheel.lock().expect("wheel").schedule(id, first);
    let _ = conn.send_packet(&open);
    // The connection's own task, apart from the one that read the upgrade: a task's memory is
    // the largest state of its future, and the upgrade's buffers are not the connection's.
    tokio::spawn(async move {
        conn.run(|conn, event| {
            if let Event::Message(text) = event {
                answer(&server, conn, &text);
            }
        })
        .await;
        // Out of the rooms before the id is free for another connection.
        for members in server.rooms.lock().expect("rooms").values_mut() {
            members.retain(|m| *m != id);
        }
        let mut table = server.table.lock().expect("table");
        table.conns[id as usize] = None;
        table.free.push(id);
    });
    Ok(())
}

/// A Socket.IO CONNECT is answered; so are the load generator's virtual requests
/// (`PUT /subscribe/:room`, `POST /broadcast/:room`, `GET /hello`), on nothing but these parts:
/// a broadcast encodes its frame once and writes it into each member's socket from this task.
fn answer(server: &Server, conn: &Conn, text: &str) {
    let Ok(packet) = socket::Packet::decode(socket::Version::V5, text) else {
        return;
    };
    match packet.kind {
        socket::Kind::Connect => {
            let reply = format!("0{{\"sid\":\"{}\"}}", conn.id());
            let _ = conn.send_packet(&Packet::Message(reply));
        }
        socket::Kind::Event => {
            let Some(Value::Array(args)) = &packet.data else {
                return;
            };
            let request = args.get(1).cloned().unwrap_or(Value::Null);
            let url = request["url"].as_str().unwrap_or_default();
            let body = if let Some(room) = url.strip_prefix("/subscribe/") {
                let mut rooms = server.rooms.lock().expect("rooms");
                let members = rooms.entry(room.to_owned()).or_default();
                if !members.contains(&conn.id()) {
                    members.push(conn.id());
                }
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
                let members = server
                    .rooms
                    .lock()
                    .expect("rooms")
                    .get(room)
                    .cloned()
                    .unwrap_or_default();
                let table = server.table.lock().expect("table");
                for member in members {
                    if member == conn.id() {
                        continue;
                    }
                    if let Some(Some(to)) = table.conns.get(member as usize) {
                        // A client too slow for its bound is disconnected by `send` itself.
                        let _ = to.send(&frame);
                    }
                }
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

/// Reads the HTTP upgrade request; its `Sec-WebSocket-Key`, or `None` after answering 400.
async fn upgrade(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&head) {
            Ok(httparse::Status::Complete(_)) => {
                let wanted = request.path.is_some_and(|p| {
                    p.starts_with("/socket.io/")
                        && p.contains("EIO=4")
                        && p.contains("transport=websocket")
                });
                let key = request
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-key"))
                    .and_then(|h| std::str::from_utf8(h.value).ok())
                    .map(str::to_owned);
                return match (wanted, key) {
                    (true, Some(key)) => Ok(Some(key)),
                    _ => {
                        stream
                            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                            .await?;
                        Ok(None)
                    }
                };
            }
            Ok(httparse::Status::Partial) if head.len() < 8192 => {}
            _ => return Ok(None),
        }
    }
}
