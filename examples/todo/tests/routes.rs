//! The server's own check that its router serves every route the generated clients call, at
//! the path they call it: the generator reads the source, `check_routes` probes the router.

#![allow(missing_docs, clippy::unwrap_used)]

fn client_routes() -> Vec<sailroute_codegen::ClientRoute> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    sailroute_codegen::configure()
        .scan(root.join("src"))
        .scan(root.join("../todo-shared/src"))
        .routes()
        .unwrap()
}

#[tokio::test]
async fn the_router_serves_every_client_route_at_its_path() {
    let routes = client_routes();
    assert!(routes.iter().any(|r| r.path == "/api/todos/{id}"));
    let mismatches = sailroute::check_routes(
        todo::app(),
        routes.iter().map(|r| (r.method, r.path.as_str())),
    )
    .await;
    assert_eq!(mismatches, vec![]);
}

#[tokio::test]
async fn a_router_mounted_elsewhere_is_caught() {
    // The same handlers without the `/api` nest: every client path misses.
    let flat = sailroute::routes![todo::list_todos, todo::stats].with_state(Default::default());
    let routes = client_routes();
    let mismatches =
        sailroute::check_routes(flat, routes.iter().map(|r| (r.method, r.path.as_str()))).await;
    assert_eq!(mismatches.len(), routes.len());
    assert!(
        mismatches
            .iter()
            .all(|m| matches!(m, sailroute::RouteMismatch::NotMounted { .. }))
    );
    assert!(
        mismatches[0]
            .to_string()
            .contains("the router has no route there"),
        "{}",
        mismatches[0]
    );
}

/// The contract (`api.json`) and the API documents (`openapi.json`, `asyncapi.yaml`) checked in
/// beside the server are what its source gives.
#[test]
fn the_checked_in_contract_is_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let result = sailroute_codegen::configure()
        .scan(root.join("src"))
        .scan(root.join("../todo-shared/src"))
        .write_contract(root.join("api.json"))
        .openapi(root.join("openapi.json"))
        .asyncapi(root.join("asyncapi.yaml"))
        .api_info("todo", "0.1.0")
        .check(true)
        .emit_rerun_if_changed(false)
        .compile();
    if let Err(e) = result {
        panic!(
            "{e}: run `cargo run -p sailroute-codegen -- --scan examples/todo/src --scan examples/todo-shared/src --write-contract examples/todo/api.json --openapi examples/todo/openapi.json --asyncapi examples/todo/asyncapi.yaml --api-title todo --api-version 0.1.0`"
        );
    }
}
