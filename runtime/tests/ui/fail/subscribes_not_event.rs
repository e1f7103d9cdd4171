use sailroute::get;
use serde::Serialize;

#[derive(Serialize)]
struct Plain {
    n: u32,
}

#[get("/feed", subscribes = Plain)]
async fn feed() {}

fn main() {}
