//! The chat server: `cargo run -p chat -- [--port PORT] [--db URL] [--redis URL]` (default
//! port 1337), then open the page. Rooms, people and messages are kept in `--db` (default
//! `sqlite:chat.db`, a file next to where it runs, created when missing; `sqlite::memory:`
//! keeps nothing). With `--redis` and a shared `--db postgres://…`, several chat nodes serve
//! the same rooms.

#[tokio::main]
async fn main() {
    let mut port: u16 = 1337;
    let mut db = "sqlite:chat.db".to_owned();
    let mut redis: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) if p.parse::<u16>().is_ok() => port = p.parse().unwrap_or(port),
            ("--db", Some(url)) => db = url,
            ("--redis", Some(url)) => redis = Some(url),
            _ => {
                eprintln!("usage: chat [--port PORT] [--db URL] [--redis URL]");
                std::process::exit(2);
            }
        }
    }
    let fail = |what: &dyn std::fmt::Display| -> ! {
        eprintln!("chat: {what}");
        std::process::exit(1);
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => fail(&format!("cannot listen on 127.0.0.1:{port}: {e}")),
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let builder = match &redis {
        Some(url) => match sailroute::sessions::RedisStore::connect(url).await {
            Ok(store) => chat::server_with(store, &db).await,
            Err(e) => fail(&e),
        },
        None => chat::server(&db).await,
    };
    let builder = match builder {
        Ok(builder) => builder,
        Err(e) => fail(&format!("{db}: {e}")),
    };
    let server = match &redis {
        Some(url) => builder.build_with_redis(url).await,
        None => builder.build(),
    };
    let server = match server {
        Ok(server) => server,
        Err(e) => fail(&e),
    };
    println!("chat listening on http://127.0.0.1:{port}");
    if let Err(e) = server
        .serve_with_shutdown(listener, sailroute::shutdown_signal())
        .await
    {
        fail(&e);
    }
}
