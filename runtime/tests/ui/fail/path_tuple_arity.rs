use axum::extract::Path;
use sailroute::get;

#[get("/a/:x/:y")]
async fn two(Path((x,)): Path<(u32,)>) -> String {
    x.to_string()
}

fn main() {}
