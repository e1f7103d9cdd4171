//! The conformance server: the conformance routes served over HTTP and as Sails socket
//! requests by one router.
//!
//! ```text
//! cargo run --release -p conformance -- --port 1337 [--allow-origin ORIGIN]... [--allow-any-origin] [--socket-path PATH] [--serve-client] [--trust-proxy | --trust-proxy-hops N | --trust-proxy-subnet CIDR...] [--forwarded-header] [--handshake-header NAME]... [--max-payload BYTES] [--max-body BYTES] [--ws-read-buffer BYTES] [--redis URL] [--sessions] [--workers N] [--transport socketioxide|sailroute] [--heartbeat MS [--ping-timeout MS]]
//! ```

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use sailroute::Server;
use sailroute::sessions::{MemoryStore, RedisStore, Sessions};

/// Command-line options.
struct Options {
    port: u16,
    workers: usize,
    redis: Option<String>,
    allow_origins: Vec<String>,
    allow_any_origin: bool,
    max_body: usize,
    socket_path: Option<String>,
    serve_client: bool,
    max_payload: Option<u64>,
    trust_proxy: sailroute::TrustProxy,
    handshake_headers: Vec<String>,
    sessions: bool,
    ws_read_buffer: Option<usize>,
    transport: sailroute::SocketTransport,
    heartbeat: Option<std::time::Duration>,
    ping_timeout: Option<std::time::Duration>,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        port: 1337,
        workers: 1,
        sessions: false,
        ws_read_buffer: None,
        redis: None,
        allow_origins: Vec::new(),
        allow_any_origin: false,
        socket_path: None,
        serve_client: false,
        max_payload: None,
        trust_proxy: sailroute::TrustProxy::none(),
        handshake_headers: Vec::new(),
        max_body: sailroute::DEFAULT_MAX_BODY,
        transport: sailroute::SocketTransport::default(),
        heartbeat: None,
        ping_timeout: None,
    };
    let mut subnets: Vec<String> = Vec::new();
    let mut forwarded_header = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => {
                options.port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?;
            }
            "--allow-origin" => options.allow_origins.push(value("--allow-origin")?),
            "--allow-any-origin" => options.allow_any_origin = true,
            "--socket-path" => options.socket_path = Some(value("--socket-path")?),
            "--serve-client" => options.serve_client = true,
            // One proxy in front; `--trust-proxy-hops N` for more, `--trust-proxy-subnet
            // CIDR` (repeatable) for networks, `--forwarded-header` for RFC 7239.
            "--trust-proxy" => options.trust_proxy = sailroute::TrustProxy::hops(1),
            "--trust-proxy-hops" => {
                let hops: u32 = value("--trust-proxy-hops")?
                    .parse()
                    .map_err(|e| format!("--trust-proxy-hops: {e}"))?;
                options.trust_proxy = sailroute::TrustProxy::hops(hops);
            }
            "--trust-proxy-subnet" => {
                subnets.push(value("--trust-proxy-subnet")?);
                options.trust_proxy = sailroute::TrustProxy::subnets(&subnets)
                    .map_err(|e| format!("--trust-proxy-subnet: {e}"))?;
            }
            "--forwarded-header" => forwarded_header = true,
            "--handshake-header" => options.handshake_headers.push(value("--handshake-header")?),
            "--max-payload" => {
                options.max_payload = Some(
                    value("--max-payload")?
                        .parse()
                        .map_err(|e| format!("--max-payload: {e}"))?,
                );
            }
            "--redis" => options.redis = Some(value("--redis")?),
            "--sessions" => options.sessions = true,
            // Engine.IO's pingInterval and pingTimeout, both: to watch clients answer pings.
            "--heartbeat" => {
                let ms: u64 = value("--heartbeat")?
                    .parse()
                    .map_err(|e| format!("--heartbeat: {e}"))?;
                options.heartbeat = Some(std::time::Duration::from_millis(ms));
            }
            // Engine.IO's pingTimeout alone (after `--heartbeat`, which sets both): the
            // protocol test suite's server pings every 300 ms and waits 200 ms.
            "--ping-timeout" => {
                let ms: u64 = value("--ping-timeout")?
                    .parse()
                    .map_err(|e| format!("--ping-timeout: {e}"))?;
                options.ping_timeout = Some(std::time::Duration::from_millis(ms));
            }
            "--transport" => {
                options.transport = match value("--transport")?.as_str() {
                    "socketioxide" => sailroute::SocketTransport::Socketioxide,
                    "sailroute" => sailroute::SocketTransport::Sailroute,
                    other => {
                        return Err(format!(
                            "--transport {other}: write `socketioxide` or `sailroute`"
                        ));
                    }
                }
            }
            "--workers" => {
                options.workers = value("--workers")?
                    .parse()
                    .map_err(|e| format!("--workers: {e}"))?;
            }
            "--ws-read-buffer" => {
                options.ws_read_buffer = Some(
                    value("--ws-read-buffer")?
                        .parse()
                        .map_err(|e| format!("--ws-read-buffer: {e}"))?,
                );
            }
            "--max-body" => {
                options.max_body = value("--max-body")?
                    .parse()
                    .map_err(|e| format!("--max-body: {e}"))?;
            }
            "-h" | "--help" => {
                return Err(
                    "usage: conformance [--port PORT] [--allow-origin ORIGIN]... [--allow-any-origin] [--socket-path PATH] [--serve-client] [--trust-proxy | --trust-proxy-hops N | --trust-proxy-subnet CIDR...] [--forwarded-header] [--handshake-header NAME]... [--max-payload BYTES] [--max-body BYTES] [--ws-read-buffer BYTES] [--redis URL] [--sessions] [--workers N]"
                        .into(),
                );
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    if forwarded_header {
        options.trust_proxy = options.trust_proxy.forwarded_header();
    }
    Ok(options)
}

fn main() {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    // One thread by default: on a small machine, cross-thread wake-ups cost more CPU per
    // request than they buy (see docs/benchmarks.md); `--workers N` for a work-stealing pool.
    let runtime = if options.workers <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(options.workers)
            .enable_all()
            .build()
    };
    let result = match runtime {
        Ok(runtime) => runtime.block_on(run(options)),
        Err(e) => Err(e.into()),
    };
    if let Err(e) = result {
        eprintln!("conformance: {e}");
        std::process::exit(1);
    }
}

async fn run(options: Options) -> Result<(), sailroute::Error> {
    let mut builder = Server::builder(conformance::app())
        .max_body(options.max_body)
        .transport(options.transport);
    if let Some(every) = options.heartbeat {
        builder = builder.heartbeat(every, options.ping_timeout.unwrap_or(every));
    }
    if let Some(bytes) = options.ws_read_buffer {
        builder = builder.ws_read_buffer_size(bytes);
    }
    for origin in options.allow_origins {
        builder = builder.allow_origin(origin);
    }
    if options.allow_any_origin {
        builder = builder.allow_any_origin();
    }
    if let Some(path) = options.socket_path {
        builder = builder.socket_path(path);
    }
    if let Some(bytes) = options.max_payload {
        builder = builder.max_payload(bytes);
    }
    builder = builder
        .serve_client(options.serve_client)
        .trust_proxy(options.trust_proxy)
        .handshake_headers(&options.handshake_headers);
    if options.sessions {
        // Sessions in Redis when the rooms are (so that two nodes share them), else in memory;
        // a plain-http test server, so the cookie is not `Secure`.
        builder = match &options.redis {
            Some(url) => builder.sessions(
                Sessions::new(RedisStore::connect(url).await?)
                    .cookie_name("sails.sid")
                    .configure(|layer| layer.with_secure(false)),
            ),
            None => builder.sessions(
                Sessions::new(MemoryStore::default())
                    .cookie_name("sails.sid")
                    .configure(|layer| layer.with_secure(false)),
            ),
        };
    }
    let server = match &options.redis {
        Some(url) => builder.build_with_redis(url).await?,
        None => builder.build()?,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
    let port = listener.local_addr()?.port();
    println!("conformance listening on http://127.0.0.1:{port}");
    server
        .serve_with_shutdown(listener, sailroute::shutdown_signal())
        .await
}
