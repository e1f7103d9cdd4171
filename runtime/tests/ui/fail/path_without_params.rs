use axum::extract::Path;
use sailroute::get;

#[get("/users")]
async fn users(Path(id): Path<u64>) -> String {
    id.to_string()
}

fn main() {}
