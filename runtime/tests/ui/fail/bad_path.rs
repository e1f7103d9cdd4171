use sailroute::{get, post, put};

#[get("users")]
async fn no_slash() {}

#[post("/users/:")]
async fn no_name() {}

#[put("/a/{b")]
async fn unclosed() {}

#[get("/*rest/more")]
async fn rest_not_last() {}

#[get("/a/x{b}")]
async fn mixed() {}

fn main() {}
