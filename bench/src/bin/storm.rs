//! The reconnect storm: `--clients` Rust clients (sailroute-client) each subscribe to one room
//! with a subscribing call; the server is killed (SIGKILL) and started again on the same port,
//! so every socket drops at once and reconnects; each client replays its subscription by
//! itself. Reports how long until every subscription was back, whether any replay failed, and
//! whether one broadcast afterwards reached every client (zero loss), with the server's RSS and
//! CPU time. Not part of the test command (`scripts/scale.sh storm` runs it).
//!
//! ```text
//! cargo run --release -p sailroute-bench --bin storm -- --server target/release/conformance [--clients 1000]
//! ```

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sailroute_client::{ConnectOptions, RawClient};
use serde_json::{Value, json};

struct Options {
    server: String,
    clients: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        server: "target/release/conformance".to_owned(),
        clients: 1000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--server" => options.server = value()?,
            "--clients" => {
                options.clients = value()?.parse().map_err(|e| format!("--clients: {e}"))?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

async fn start(server: &str, port: u16) -> Result<Child, String> {
    let child = Command::new(server)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{server}: {e}"))?;
    for _ in 0..500 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(child);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(format!("{server} did not start"))
}

/// Resident memory (KiB) and CPU time (s) of a process, from /proc.
fn usage(pid: u32) -> (u64, f64) {
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let cpu = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let fields: Vec<&str> = s.rsplit(')').next()?.split_whitespace().collect();
            let ticks: f64 =
                fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0);
    (rss, cpu)
}

async fn members(http: &RawClient) -> Result<usize, String> {
    let answer: Value = http
        .request("GET", "/rooms/storm/members".into())
        .send::<Value, Value>()
        .await
        .map_err(|e| e.to_string())?;
    answer["count"]
        .as_u64()
        .map(|n| n as usize)
        .ok_or_else(|| format!("unexpected answer {answer}"))
}

/// Broadcasts once and waits until every client has `expected` messages (or 60 s pass);
/// returns how many have.
async fn broadcast(http: &RawClient, received: &[Arc<AtomicUsize>], expected: usize) -> usize {
    let sent = http
        .request("POST", "/broadcast/storm".into())
        .body(&json!({ "n": expected }))
        .send::<Value, Value>()
        .await;
    if let Err(e) = sent {
        eprintln!("storm: the broadcast failed: {e}");
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let have = received
            .iter()
            .filter(|r| r.load(Ordering::SeqCst) >= expected)
            .count();
        if have == received.len() || Instant::now() > deadline {
            return have;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("storm: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let options = options()?;
    let port = free_port()?;
    let url = format!("http://127.0.0.1:{port}");
    let mut server = start(&options.server, port).await?;
    let http = RawClient::http(&url).map_err(|e| e.to_string())?;

    let replay_errors = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::with_capacity(options.clients);
    let mut received = Vec::with_capacity(options.clients);
    for chunk in (0..options.clients).collect::<Vec<_>>().chunks(100) {
        let mut connecting = Vec::new();
        for _ in chunk {
            let url = url.clone();
            connecting.push(tokio::spawn(async move {
                RawClient::connect_with(
                    &url,
                    ConnectOptions::default().connect_timeout(Duration::from_secs(30)),
                )
                .await
            }));
        }
        for handle in connecting {
            let client = handle
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
            let count = Arc::new(AtomicUsize::new(0));
            let counter = count.clone();
            client.on("msg", move |_: Value| {
                counter.fetch_add(1, Ordering::SeqCst);
            });
            let errors = replay_errors.clone();
            client.on_resubscribe_error(move |_| {
                errors.fetch_add(1, Ordering::SeqCst);
            });
            client
                .request("PUT", "/subscribe/storm".into())
                .subscribing()
                .send_empty::<Value>()
                .await
                .map_err(|e| e.to_string())?;
            received.push(count);
            clients.push(client);
        }
    }
    let before = members(&http).await?;
    let first = broadcast(&http, &received, 1).await;

    // The storm: every socket drops at once.
    server.kill().map_err(|e| e.to_string())?;
    server.wait().ok();
    let dropped = Instant::now();
    let mut server = start(&options.server, port).await?;
    let pid = server.id();
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut after = 0;
    while Instant::now() < deadline {
        after = members(&http).await.unwrap_or(0);
        if after == options.clients {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let replayed_in = dropped.elapsed();
    let second = broadcast(&http, &received, 2).await;
    let (rss_kib, cpu_s) = usage(pid);
    server.kill().ok();
    server.wait().ok();

    let report = json!({
        "clients": options.clients,
        "subscribed_before": before,
        "first_broadcast_delivered": first,
        "resubscribed_after_restart": after,
        "seconds_until_every_subscription_was_back": (replayed_in.as_secs_f64() * 100.0).round() / 100.0,
        "replay_errors": replay_errors.load(Ordering::SeqCst),
        "broadcast_after_storm_delivered": second,
        "lost_after_storm": options.clients - second,
        "server_rss_mib_after_storm": (rss_kib as f64 / 1024.0 * 10.0).round() / 10.0,
        "server_cpu_seconds_since_restart": cpu_s,
    });
    println!("{report}");
    drop(clients);
    if after != options.clients || second != options.clients {
        return Err("not every subscription came back".to_owned());
    }
    Ok(())
}
