//! The todo server: `cargo run -p todo -- [--port PORT] [--redis URL]` (default port 1338).

#[tokio::main]
async fn main() {
    let mut port: u16 = 1338;
    let mut redis: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) if p.parse::<u16>().is_ok() => port = p.parse().unwrap_or(port),
            ("--redis", Some(url)) => redis = Some(url),
            _ => {
                eprintln!("usage: todo [--port PORT] [--redis URL]");
                std::process::exit(2);
            }
        }
    }
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("todo: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    println!("todo listening on http://127.0.0.1:{port}");
    let builder = sailroute::Server::builder(todo::app());
    let server = match &redis {
        Some(url) => builder.build_with_redis(url).await,
        None => builder.build(),
    };
    let server = match server {
        Ok(server) => server,
        Err(e) => {
            eprintln!("todo: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = server
        .serve_with_shutdown(listener, sailroute::shutdown_signal())
        .await
    {
        eprintln!("todo: {e}");
        std::process::exit(1);
    }
}
