//! Test support: a rust_socketio client that speaks Sails virtual requests, and the
//! conformance binary started on a free port.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use rust_socketio::asynchronous::{Client, ClientBuilder};
use rust_socketio::{Event, Payload, TransportType};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

/// The conformance binary, killed on drop.
pub struct Conformance {
    child: Child,
    pub url: String,
}

impl Drop for Conformance {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Starts the conformance binary on a free port and waits for its "listening on" line.
///
/// `SAILROUTE_SUITE_TRANSPORT=sailroute` runs it on the project's own transport (issue 20),
/// unless the test chose one, to see what that transport serves of these suites.
pub fn spawn_conformance(args: &[&str]) -> Conformance {
    let mut command = Command::new(env!("CARGO_BIN_EXE_conformance"));
    command
        .args(["--port", "0"])
        .env("RUST_BACKTRACE", "0")
        .args(args);
    if let Ok(transport) = std::env::var("SAILROUTE_SUITE_TRANSPORT")
        && !args.contains(&"--transport")
    {
        command.args(["--transport", &transport]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .expect("conformance starts");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .split("listening on ")
        .nth(1)
        .expect("a listening line")
        .trim()
        .to_owned();
    Conformance { child, url }
}

/// A connected socket plus every event it receives, in arrival order.
pub struct TestSocket {
    pub client: Client,
    pub events: mpsc::UnboundedReceiver<(String, Value)>,
}

/// Connects with rust_socketio, recording the given events.
pub async fn connect(url: &str, transport: TransportType, events: &[&str]) -> TestSocket {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut builder = ClientBuilder::new(url).transport_type(transport);
    for &event in events {
        let tx = tx.clone();
        let name = event.to_owned();
        builder = builder.on(event, move |payload: Payload, _: Client| {
            let tx = tx.clone();
            let name = name.clone();
            async move {
                if let Payload::Text(mut values) = payload {
                    let value = if values.len() == 1 {
                        values.remove(0)
                    } else {
                        Value::Array(values)
                    };
                    tx.send((name, value)).ok();
                }
            }
            .boxed()
        });
    }
    // rust_socketio returns from `connect` before the server's CONNECT packet arrives.
    let (connected_tx, connected_rx) = oneshot::channel::<()>();
    let connected_tx = Arc::new(Mutex::new(Some(connected_tx)));
    builder = builder.on(Event::Connect, move |_: Payload, _: Client| {
        if let Some(tx) = connected_tx.lock().unwrap().take() {
            tx.send(()).ok();
        }
        async {}.boxed()
    });
    let client = builder.connect().await.expect("connects");
    tokio::time::timeout(Duration::from_secs(10), connected_rx)
        .await
        .expect("connected within 10 s")
        .expect("connect event");
    TestSocket { client, events: rx }
}

/// One virtual request; resolves to the ack's JWR. Requests are issued one at a time by
/// these tests: rust_socketio's own ack ids are random and may collide when concurrent.
pub async fn request(
    client: &Client,
    method: &str,
    url: &str,
    data: Value,
    headers: Value,
) -> Value {
    let (tx, rx) = oneshot::channel::<Value>();
    let tx = Arc::new(Mutex::new(Some(tx)));
    let payload = json!({ "method": method, "url": url, "data": data, "headers": headers });
    client
        .emit_with_ack(
            method,
            payload,
            Duration::from_secs(20),
            move |payload: Payload, _| {
                let tx = tx.clone();
                async move {
                    if let (Payload::Text(values), Some(tx)) = (payload, tx.lock().unwrap().take())
                    {
                        tx.send(unwrap_ack(values)).ok();
                    }
                }
                .boxed()
            },
        )
        .await
        .expect("emit");
    tokio::time::timeout(Duration::from_secs(20), rx)
        .await
        .expect("an ack within 20 s")
        .expect("ack delivered")
}

/// rust_socketio hands an ack's arguments over wrapped in one more array.
fn unwrap_ack(mut values: Vec<Value>) -> Value {
    let mut value = if values.len() == 1 {
        values.remove(0)
    } else {
        Value::Array(values)
    };
    while let Value::Array(items) = &mut value {
        if items.len() != 1 {
            break;
        }
        value = items.remove(0);
    }
    value
}

/// Sends a request the socket answers after every push queued before it, then returns all
/// events received so far: a way to assert "nothing (more) arrived" without sleeping.
pub async fn drain(socket: &mut TestSocket) -> Vec<(String, Value)> {
    request(&socket.client, "get", "/hello", json!({}), json!({})).await;
    let mut seen = Vec::new();
    while let Ok(event) = socket.events.try_recv() {
        seen.push(event);
    }
    seen
}

/// The next event, waiting at most 10 s.
pub async fn next_event(socket: &mut TestSocket) -> (String, Value) {
    tokio::time::timeout(Duration::from_secs(10), socket.events.recv())
        .await
        .expect("an event within 10 s")
        .expect("channel open")
}

/// A raw HTTP/1.1 GET, so the test sees exactly what the server sends.
pub async fn raw_get(addr: &str, target: &str, extra: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request =
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}
