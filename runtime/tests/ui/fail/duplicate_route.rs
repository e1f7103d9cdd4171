use axum::extract::Path;
use sailroute::{get, routes};

#[get("/users/:id")]
async fn get_user(Path(id): Path<u64>) -> String {
    id.to_string()
}

#[get("/users/{uid}")]
async fn get_user_again(Path(uid): Path<u64>) -> String {
    uid.to_string()
}

fn main() {
    let _app: axum::Router = routes![get_user, get_user_again];
}
