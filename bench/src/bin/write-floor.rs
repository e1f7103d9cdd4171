//! The floor under a fan-out's CPU per delivered message: what one `write` of one small frame to
//! a loopback TCP socket costs the thread that writes it, with nothing of a server around it.
//!
//! A fan-out that puts each push on the wire before the requester's ack (issue 20, point 3)
//! writes every message to every subscriber once, while its publisher waits for that ack: no
//! two messages are there to share a write. This program measures that write alone. It opens
//! `--sockets` loopback connections to itself, reads their client ends on a tokio runtime in
//! another thread (the readers sleep in epoll, as a real client's do, so the writer's send also
//! pays for waking them, as a server's does on loopback), and writes `--rounds` frames of
//! `--bytes` bytes to every server end from the main thread, `--batch` frames per `write`. It
//! prints the writing thread's user and system CPU (from `/proc/thread-self/stat`) per frame.
//!
//! ```text
//! cargo build --release -p sailroute-bench --bin write-floor
//! ./target/release/write-floor --sockets 1000 --bytes 150 --rounds 2000 [--batch 1]
//! ```

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

struct Options {
    sockets: usize,
    bytes: usize,
    rounds: usize,
    batch: usize,
}

fn parse() -> Result<Options, String> {
    let mut options = Options {
        sockets: 1000,
        bytes: 150,
        rounds: 2000,
        batch: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .parse::<usize>()
            .map_err(|e| format!("{flag}: {e}"))?;
        match flag.as_str() {
            "--sockets" => options.sockets = value,
            "--bytes" => options.bytes = value,
            "--rounds" => options.rounds = value,
            "--batch" => options.batch = value.max(1),
            other => {
                return Err(format!(
                    "unknown flag {other}; flags: --sockets N --bytes N --rounds N --batch N"
                ));
            }
        }
    }
    Ok(options)
}

/// The calling thread's user and system CPU so far, in seconds.
fn thread_cpu() -> Result<(f64, f64), String> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat")
        .map_err(|e| format!("cannot read /proc/thread-self/stat: {e}"))?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("an unreadable /proc/thread-self/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the name.
    let ticks = |i: usize| -> Result<f64, String> {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| "an unreadable /proc/thread-self/stat".to_owned())
    };
    // Linux reports these in USER_HZ, 100 per second on every architecture it runs on.
    Ok((ticks(11)? / 100.0, ticks(12)? / 100.0))
}

fn run(options: &Options) -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let mut servers = Vec::with_capacity(options.sockets);
    let mut clients = Vec::with_capacity(options.sockets);
    for _ in 0..options.sockets {
        let client = TcpStream::connect(address).map_err(|e| e.to_string())?;
        let (server, _) = listener.accept().map_err(|e| e.to_string())?;
        // As the transport's sockets: each write goes out at once.
        server.set_nodelay(true).map_err(|e| e.to_string())?;
        client.set_nonblocking(true).map_err(|e| e.to_string())?;
        servers.push(server);
        clients.push(client);
    }
    let expected = options.rounds * options.bytes;
    let readers = std::thread::spawn(move || -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async move {
            let mut tasks = Vec::with_capacity(clients.len());
            for client in clients {
                let mut stream =
                    tokio::net::TcpStream::from_std(client).map_err(|e| e.to_string())?;
                tasks.push(tokio::spawn(async move {
                    use tokio::io::AsyncReadExt;
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut got = 0;
                    while got < expected {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => got += n,
                        }
                    }
                    got
                }));
            }
            for task in tasks {
                let got = task.await.map_err(|e| e.to_string())?;
                if got != expected {
                    return Err(format!("a reader got {got} bytes of {expected}"));
                }
            }
            Ok(())
        })
    });
    let frame = vec![b'x'; options.bytes * options.batch];
    let writes = options.rounds / options.batch;
    let (user0, system0) = thread_cpu()?;
    let started = Instant::now();
    for _ in 0..writes {
        for server in &mut servers {
            server.write_all(&frame).map_err(|e| e.to_string())?;
        }
    }
    let wall = started.elapsed();
    let (user1, system1) = thread_cpu()?;
    readers
        .join()
        .map_err(|_| "the readers' thread panicked".to_owned())??;
    let frames = (writes * options.batch * options.sockets) as f64;
    println!(
        "{} sockets, {} frames of {} bytes each, {} per write: writer user {:.2} µs, system {:.2} µs per frame ({:.2} s of wall time)",
        options.sockets,
        writes * options.batch,
        options.bytes,
        options.batch,
        (user1 - user0) / frames * 1e6,
        (system1 - system0) / frames * 1e6,
        wall.as_secs_f64(),
    );
    Ok(())
}

fn main() {
    let result = parse().and_then(|options| run(&options));
    if let Err(message) = result {
        eprintln!("write-floor: {message}");
        std::process::exit(1);
    }
}
