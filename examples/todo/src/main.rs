//! The todo server: `cargo run -p todo -- [--port PORT]` (default 1338).

#[tokio::main]
async fn main() {
    let mut port: u16 = 1338;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|v| v.parse())) {
            ("--port", Some(Ok(p))) => port = p,
            _ => {
                eprintln!("usage: todo [--port PORT]");
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
    let server = sailroute::Server::builder(todo::app()).build();
    if let Err(e) = server
        .serve_with_shutdown(listener, async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await
    {
        eprintln!("todo: {e}");
        std::process::exit(1);
    }
}
