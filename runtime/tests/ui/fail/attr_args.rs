use sailroute::{get, post};

#[get]
async fn missing() {}

#[post(users)]
async fn not_a_string() {}

#[get("/a", "/b")]
async fn two_paths() {}

fn main() {}
