use sailroute::get;

#[get("/hello")]
fn hello() -> &'static str {
    "hello"
}

fn main() {}
