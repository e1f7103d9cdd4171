use axum::Json;
use sailroute::{Event, ResourceRecord, Socket, Sockets, get, routes};
use serde::Serialize;

/// A typed event.
#[sailroute::event("chat:message")]
#[derive(Serialize)]
struct Posted {
    text: String,
}

/// A resource with a string key.
#[sailroute::resource("pet", id = String)]
#[derive(Serialize)]
struct Pet {
    name: String,
}

/// A generic event.
#[sailroute::event("page")]
#[derive(Serialize)]
struct Page<T> {
    items: Vec<T>,
}

#[get("/feed", subscribes = [Posted, Pet])]
async fn feed(sockets: Sockets, socket: Option<Socket>) -> Json<u32> {
    if let Some(socket) = socket {
        socket.send(&Posted { text: "hi".into() }).await.ok();
        sockets.resource_of::<Pet>().watch(&socket).await.ok();
    }
    sockets.send_all(&Page { items: vec![1u8] }, None).await.ok();
    Json(1)
}

fn main() {
    assert_eq!(Posted::NAME, "chat:message");
    assert_eq!(<Pet as ResourceRecord>::IDENTITY, "pet");
    let _: fn() -> <Pet as ResourceRecord>::Id = String::new;
    assert_eq!(<Page<u8> as Event>::NAME, "page");
    let _app: axum::Router = routes![feed];
}
