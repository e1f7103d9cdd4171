//! The chat example's generated Rust client against the chat server: typed events and
//! resource messages arrive decoded, and after the connection drops the client reconnects,
//! re-issues its subscribing calls, and hears the room again.

#![allow(missing_docs, clippy::unwrap_used)]

use std::time::Duration;

use fixtures_client::chat::{
    Client, JoinRequest, MessageChange, NewMessage, NewReaction, Posted, Presence,
};
use sailroute_client::{ConnectionState, ResourceMessage};
use tokio::sync::mpsc;

async fn server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = chat::server("sqlite::memory:").await.unwrap();
    tokio::spawn(server.build().unwrap().serve(listener));
    url
}

fn channel<T: Send + 'static>() -> (
    impl Fn(T) + Send + Sync + 'static,
    mpsc::UnboundedReceiver<T>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    (
        move |value| {
            tx.send(value).ok();
        },
        rx,
    )
}

async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an event within 10 s")
        .expect("open")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_events_resource_messages_and_replay_after_reconnect() {
    let url = server().await;
    let ann = Client::connect(&url).await.unwrap();
    let bob = Client::connect(&url).await.unwrap();

    let (on_posted, mut bob_posted) = channel::<Posted>();
    bob.on_chat_message(on_posted);
    let (on_presence, mut ann_presence) = channel::<Presence>();
    ann.on_presence(on_presence);
    let (on_change, mut bob_changes) = channel::<MessageChange>();
    bob.on_message(on_change);

    let joined = ann
        .join_room("lobby", &JoinRequest { user: "ann".into() })
        .await
        .unwrap();
    assert_eq!(joined.users, vec!["ann".to_owned()]);
    bob.join_room("lobby", &JoinRequest { user: "bob".into() })
        .await
        .unwrap();
    assert_eq!(
        next(&mut ann_presence).await.users,
        vec!["ann".to_owned(), "bob".to_owned()]
    );

    // A typed event.
    let posted = ann
        .post_message(
            "lobby",
            &NewMessage {
                text: "hello".into(),
            },
        )
        .await
        .unwrap();
    let heard = next(&mut bob_posted).await;
    assert_eq!(heard.message, posted);

    // Resource messages, decoded into the typed union.
    ann.edit_message(
        posted.id,
        &NewMessage {
            text: "hello, all".into(),
        },
    )
    .await
    .unwrap();
    match next(&mut bob_changes).await {
        ResourceMessage::Updated { id, data, previous } => {
            assert_eq!(id, posted.id);
            assert_eq!(data["text"], "hello, all");
            assert_eq!(previous.unwrap().text, "hello");
        }
        other => panic!("expected updated, got {other:?}"),
    }
    let reaction = ann
        .react(
            posted.id,
            &NewReaction {
                emoji: "👍".into()
            },
        )
        .await
        .unwrap();
    match next(&mut bob_changes).await {
        ResourceMessage::AddedTo {
            id,
            attribute,
            added_id,
            ..
        } => {
            assert_eq!((id, attribute.as_str()), (posted.id, "reactions"));
            assert_eq!(added_id, serde_json::json!(reaction.id));
        }
        other => panic!("expected addedTo, got {other:?}"),
    }

    // The connection drops; the client reconnects (new socket id), re-joins the room by
    // replaying the subscribing call, and hears new messages again.
    let first_id = bob.raw().socket_id().unwrap();
    let mut state = bob.state().unwrap();
    bob.raw().simulate_connection_loss().await;
    state
        .wait_for(|s| *s == ConnectionState::Reconnecting)
        .await
        .unwrap();
    state
        .wait_for(|s| *s == ConnectionState::Connected)
        .await
        .unwrap();
    assert_ne!(bob.raw().socket_id().unwrap(), first_id);
    // The replayed join announces bob again (the old socket's departure may be announced
    // before or after it).
    loop {
        let presence = next(&mut ann_presence).await;
        if presence.users == ["ann", "bob"] {
            break;
        }
        assert_eq!(presence.users, ["ann"]);
    }
    let again = ann
        .post_message(
            "lobby",
            &NewMessage {
                text: "still there?".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(next(&mut bob_posted).await.message, again);
}
