//! The chat server: `cargo run -p chat -- [--port PORT] [--redis URL]` (default port 1337),
//! then open the page. With `--redis`, several chat nodes share rooms.

#[tokio::main]
async fn main() {
    let mut port: u16 = 1337;
    let mut redis: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) if p.parse::<u16>().is_ok() => port = p.parse().unwrap_or(port),
            ("--redis", Some(url)) => redis = Some(url),
            _ => {
                eprintln!("usage: chat [--port PORT] [--redis URL]");
                std::process::exit(2);
            }
        }
    }
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("chat: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    println!("chat listening on http://127.0.0.1:{port}");
    let server = match &redis {
        Some(url) => match sailroute::sessions::RedisStore::connect(url).await {
            Ok(store) => chat::server_with(store).build_with_redis(url).await,
            Err(e) => Err(e),
        },
        None => chat::server().build(),
    };
    let server = match server {
        Ok(server) => server,
        Err(e) => {
            eprintln!("chat: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = server
        .serve_with_shutdown(listener, sailroute::shutdown_signal())
        .await
    {
        eprintln!("chat: {e}");
        std::process::exit(1);
    }
}
