//! The todo server: `cargo run -p todo -- [--port PORT] [--redis URL] [--accept-contract FILE]...
//! [--log-incompatible]` (default port 1338). It checks generated clients against its contract
//! (`api.json`): `--accept-contract` names an earlier contract whose clients it still serves
//! when compatible, `--log-incompatible` serves incompatible clients with a warning instead of
//! refusing them.

#[tokio::main]
async fn main() {
    let mut port: u16 = 1338;
    let mut redis: Option<String> = None;
    let mut accepted = Vec::new();
    let mut on_incompatible = sailroute::contract::OnIncompatible::Refuse;
    let usage = || -> ! {
        eprintln!(
            "usage: todo [--port PORT] [--redis URL] [--accept-contract FILE]... [--log-incompatible]"
        );
        std::process::exit(2);
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--log-incompatible" {
            on_incompatible = sailroute::contract::OnIncompatible::Log;
            continue;
        }
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) if p.parse::<u16>().is_ok() => port = p.parse().unwrap_or(port),
            ("--redis", Some(url)) => redis = Some(url),
            ("--accept-contract", Some(file)) => {
                let contract = std::fs::read_to_string(&file)
                    .map_err(|e| e.to_string())
                    .and_then(|text| {
                        sailroute::contract::Contract::from_json(&text).map_err(|e| e.to_string())
                    });
                match contract {
                    Ok(contract) => accepted.push(contract),
                    Err(e) => {
                        eprintln!("todo: {file}: {e}");
                        std::process::exit(2);
                    }
                }
            }
            _ => usage(),
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
    let mut builder = sailroute::Server::builder(todo::app())
        .contract(todo::contract())
        .on_incompatible(on_incompatible);
    for contract in accepted {
        builder = builder.accept_contract(contract);
    }
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
