use sailroute::{get, routes};

// One mistake in a handler is one error: `routes!` naming it adds none.
#[get("/users/:id")]
async fn user() -> &'static str {
    "user"
}

fn main() {
    let _app: axum::Router = routes![user];
}
