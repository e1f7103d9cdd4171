//! What the todo client's tests share.

/// Serves the todo app (both transports) on a free port; returns its URL.
pub(crate) async fn server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on 127.0.0.1");
    let url = format!(
        "http://{}",
        listener.local_addr().expect("the listener's address")
    );
    tokio::spawn(
        sailroute::Server::builder(todo::app())
            .build()
            .expect("the todo server builds")
            .serve(listener),
    );
    url
}
