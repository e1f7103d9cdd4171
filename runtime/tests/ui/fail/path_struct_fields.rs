use axum::extract::Path;
use sailroute::get;
use serde::Deserialize;

#[derive(Deserialize)]
struct Ids {
    user_id: u64,
    post_id: u64,
}

// `Path<Ids>` binds parameters by field name: `:post` is not a field of `Ids`.
#[get("/users/:user_id/posts/:post")]
async fn post(Path(ids): Path<Ids>) -> String {
    format!("{} {}", ids.user_id, ids.post_id)
}

fn main() {}
