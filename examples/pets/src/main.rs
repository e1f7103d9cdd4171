//! The pets server: `cargo run -p pets -- [--port PORT] [--db URL] [--redis URL]` (default
//! port 1339). It starts on an empty in-memory SQLite database unless `--db` names one to
//! keep (`--db sqlite:pets.db`, or `--db postgres://user@host/db` for several nodes, which
//! then share their messages through `--redis`). `--groups` adds Sails' many-to-many pair
//! (`User.groups` via `Group.members`).

#[tokio::main]
async fn main() {
    let mut port: u16 = 1339;
    let mut db = "sqlite::memory:".to_owned();
    let mut redis: Option<String> = None;
    let mut groups = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--groups" {
            groups = true;
            continue;
        }
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) if p.parse::<u16>().is_ok() => port = p.parse().unwrap_or(port),
            ("--db", Some(url)) => db = url,
            ("--redis", Some(url)) => redis = Some(url),
            _ => {
                eprintln!("usage: pets [--port PORT] [--db URL] [--redis URL] [--groups]");
                std::process::exit(2);
            }
        }
    }
    let fail = |what: &dyn std::fmt::Display| -> ! {
        eprintln!("pets: {what}");
        std::process::exit(1);
    };
    let app = if groups {
        pets::app_with(&db, pets::models_with_groups()).await
    } else {
        pets::app(&db).await
    };
    let (_models, app) = match app {
        Ok(app) => app,
        Err(e) => fail(&e),
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => fail(&format!("cannot listen on 127.0.0.1:{port}: {e}")),
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let builder = sailroute::Server::builder(app);
    let server = match &redis {
        Some(url) => builder.build_with_redis(url).await,
        None => builder.build(),
    };
    let server = match server {
        Ok(server) => server,
        Err(e) => fail(&e),
    };
    println!("pets listening on http://127.0.0.1:{port}");
    if let Err(e) = server
        .serve_with_shutdown(listener, sailroute::shutdown_signal())
        .await
    {
        fail(&e);
    }
}
