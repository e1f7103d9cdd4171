use sailroute::get;

#[get("/users/:id/posts/:post")]
async fn get_post() -> String {
    String::new()
}

fn main() {}
