//! A connection on a real loopback socket, its client writing masked frames by hand: the
//! handshake's reply, heartbeats, a client too slow for its bound, and the ways it ends.

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tungstenite::protocol::frame::FrameHeader;
use tungstenite::protocol::frame::coding::{Control, Data, OpCode};

use super::*;
use crate::transport::session::Config;
use crate::transport::ws::client_frame;

struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    async fn send(&mut self, opcode: OpCode, payload: &[u8], masked: bool) {
        let frame = ws::client_frame(opcode, true, payload, masked);
        self.stream.write_all(&frame).await.unwrap();
    }

    async fn text(&mut self, text: &str) {
        self.send(OpCode::Data(Data::Text), text.as_bytes(), true)
            .await;
    }

    /// The next frame from the server: its opcode and payload.
    async fn next(&mut self) -> (OpCode, Vec<u8>) {
        loop {
            let mut cursor = Cursor::new(&self.buf[..]);
            if let Some((header, len)) = FrameHeader::parse(&mut cursor).unwrap() {
                let start = cursor.position() as usize;
                if self.buf.len() >= start + len as usize {
                    let payload = self.buf[start..start + len as usize].to_vec();
                    self.buf.drain(..start + len as usize);
                    return (header.opcode, payload);
                }
            }
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout(Duration::from_secs(5), self.stream.read(&mut chunk))
                .await
                .expect("a frame within 5 s")
                .unwrap();
            assert!(n > 0, "the server closed the socket");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    async fn next_text(&mut self) -> String {
        let (opcode, payload) = self.next().await;
        assert_eq!(opcode, OpCode::Data(Data::Text));
        String::from_utf8(payload).unwrap()
    }
}

fn config() -> Config {
    Config {
        ping_interval: Duration::from_millis(200),
        ping_timeout: Duration::from_millis(200),
        max_payload: 1000,
        websocket: true,
    }
}

/// A connection and its client; the connection's events come out of the returned channel
/// (it answers a Socket.IO CONNECT, `40`, with `40{"sid":"s"}` as the layer above would).
async fn pair(
    bound: usize,
) -> (
    Arc<Conn>,
    Client,
    tokio::sync::mpsc::UnboundedReceiver<Event>,
) {
    pair_with(bound, Vec::new()).await
}

/// [`pair`], with `early` as the bytes the HTTP layer read past the upgrade request.
async fn pair_with(
    bound: usize,
    early: Vec<u8>,
) -> (
    Arc<Conn>,
    Client,
    tokio::sync::mpsc::UnboundedReceiver<Event>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap());
    let (client, accepted) = tokio::join!(client, listener.accept());
    let (session, open) = Session::open(
        Version::V4,
        Transport::WebSocket,
        "sid",
        config(),
        Instant::now(),
    );
    let conn = Arc::new(Conn::new(
        7,
        accepted.unwrap().0,
        Version::V4,
        session,
        bound,
    ));
    conn.send_packet(&open).unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let running = conn.clone();
    tokio::spawn(async move {
        running
            .run(&early, |conn, event| {
                if event == Event::Message("0".into()) {
                    let _ = conn.send_packet(&Packet::Message("0{\"sid\":\"s\"}".into()));
                }
                let _ = tx.send(event);
            })
            .await;
    });
    let mut client = Client {
        stream: client.unwrap(),
        buf: Vec::new(),
    };
    assert!(client.next_text().await.starts_with("0{\"sid\":\"sid\""));
    (conn, client, rx)
}

#[tokio::test]
async fn bytes_read_with_the_upgrade_come_first() {
    // `40` and the first half of a `42` frame arrived with the upgrade request; the rest
    // comes on the socket.
    let mut early = client_frame(OpCode::Data(Data::Text), true, b"40", true);
    let second = client_frame(OpCode::Data(Data::Text), true, b"42[\"x\"]", true);
    early.extend_from_slice(&second[..4]);
    let (_conn, mut client, mut events) = pair_with(1 << 20, early).await;
    assert_eq!(events.recv().await, Some(Event::Message("0".into())));
    assert_eq!(client.next_text().await, "40{\"sid\":\"s\"}");
    client.stream.write_all(&second[4..]).await.unwrap();
    assert_eq!(events.recv().await, Some(Event::Message("2[\"x\"]".into())));
}

#[tokio::test]
async fn messages_are_delivered_and_answered_on_the_same_connection() {
    let (conn, mut client, mut events) = pair(1 << 20).await;
    client.text("40").await;
    assert_eq!(client.next_text().await, "40{\"sid\":\"s\"}");
    assert_eq!(events.recv().await, Some(Event::Message("0".into())));
    client
        .send(OpCode::Data(Data::Binary), &[1, 2, 3], true)
        .await;
    assert_eq!(
        events.recv().await,
        Some(Event::Binary(Bytes::from_static(&[1, 2, 3])))
    );
    // A WebSocket ping is answered with its pong.
    client
        .send(OpCode::Control(Control::Ping), b"hi", true)
        .await;
    assert_eq!(
        client.next().await,
        (OpCode::Control(Control::Pong), b"hi".to_vec())
    );
    // A message written in place reaches the client as one text frame, whichever length
    // form its header takes.
    for len in [10, 200, 70_000] {
        let mut written = MessageWriter::new();
        let body = format!("31[\"{}\"]", "y".repeat(len));
        std::io::Write::write_all(&mut written, body.as_bytes()).unwrap();
        conn.send_written(written).unwrap();
        assert_eq!(client.next_text().await, format!("4{body}"));
    }
}

#[tokio::test]
async fn the_heartbeat_pings_and_a_silent_client_times_out() {
    let (conn, mut client, mut events) = pair(1 << 20).await;
    let t0 = Instant::now();
    let first = conn.first_wakeup();
    // An early or stale wake-up does nothing and asks for no second one.
    assert_eq!(conn.on_deadline(t0), None, "not yet, and already scheduled");
    let next = conn.on_deadline(first).expect("still open");
    assert_eq!(client.next_text().await, "2");
    assert_eq!(next, first + config().ping_timeout, "the pong is due");
    client.text("3").await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    // After the pong, the wake-up at `next` is a ping again, not a timeout.
    let after = conn.on_deadline(next).expect("the second ping");
    assert_eq!(client.next_text().await, "2");
    // No pong this time: the next wake-up closes.
    assert_eq!(conn.on_deadline(after), None);
    assert_eq!(
        events.recv().await,
        Some(Event::Closed(CloseReason::PingTimeout))
    );
    // It ends with a WebSocket close.
    assert_eq!(client.next().await.0, OpCode::Control(Control::Close));
}

#[tokio::test]
async fn a_client_too_slow_for_its_bound_is_disconnected_not_buffered() {
    let (conn, _client, mut events) = pair(64 * 1024).await;
    let frame = ws::text(&"x".repeat(16 * 1024));
    // The client reads nothing: the kernel's buffers fill, then the bound.
    let mut sent = 0usize;
    let error = loop {
        match conn.send(&frame) {
            Ok(()) => sent += 1,
            Err(e) => break e,
        }
        assert!(sent < 100_000, "never refused");
    };
    assert!(
        matches!(error, SendError::TooSlow { bound, .. } if bound == 64 * 1024),
        "{error}"
    );
    assert_eq!(
        events.recv().await,
        Some(Event::Closed(CloseReason::ForcedClose))
    );
    assert_eq!(
        conn.send(&frame),
        Err(SendError::Closed(CloseReason::ForcedClose))
    );
}

/// `future`'s output, or a failed test if it takes more than 5 s (a lost wake-up would
/// otherwise hang the test).
async fn within_5s<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), future)
        .await
        .expect("within 5 s")
}

/// A read that drains the socket clears its readiness (`read_chunk`): bytes that come after
/// it, a frame's second half a moment later or the client's end of the stream right behind a
/// frame, still wake the connection.
#[tokio::test]
async fn what_comes_after_a_draining_read_still_wakes_the_connection() {
    let (_conn, mut client, mut events) = pair(1 << 20).await;
    let frame = client_frame(OpCode::Data(Data::Text), true, b"42[\"split\"]", true);
    for round in 0..3 {
        let (first, second) = frame.split_at(3 + round);
        client.stream.write_all(first).await.unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
        client.stream.write_all(second).await.unwrap();
        assert_eq!(
            within_5s(events.recv()).await,
            Some(Event::Message("2[\"split\"]".into()))
        );
    }
    let (_conn, mut client, mut events) = pair(1 << 20).await;
    client.stream.write_all(&frame).await.unwrap();
    client.stream.shutdown().await.unwrap();
    assert_eq!(
        within_5s(events.recv()).await,
        Some(Event::Message("2[\"split\"]".into()))
    );
    assert_eq!(
        within_5s(events.recv()).await,
        Some(Event::Closed(CloseReason::TransportClose))
    );
}

#[tokio::test]
async fn the_connection_ends_when_the_client_closes_or_breaks_the_protocol() {
    let (_conn, mut client, mut events) = pair(1 << 20).await;
    client.text("1").await;
    assert_eq!(
        events.recv().await,
        Some(Event::Closed(CloseReason::TransportClose))
    );
    let (_conn, client, mut events) = pair(1 << 20).await;
    drop(client);
    assert_eq!(
        events.recv().await,
        Some(Event::Closed(CloseReason::TransportClose))
    );
    let (_conn, mut client, mut events) = pair(1 << 20).await;
    client.send(OpCode::Data(Data::Text), b"40", false).await;
    assert_eq!(
        events.recv().await,
        Some(Event::Closed(CloseReason::TransportError))
    );
    let (_conn, mut client, mut events) = pair(1 << 20).await;
    client.text(&format!("4{}", "x".repeat(1001))).await;
    assert_eq!(
        events.recv().await,
        Some(Event::Closed(CloseReason::TransportError))
    );
    // The server's own close: a close frame, then the end.
    let (conn, mut client, mut events) = pair(1 << 20).await;
    conn.close(CloseReason::ForcedClose);
    assert_eq!(client.next().await.0, OpCode::Control(Control::Close));
    assert_eq!(
        events.recv().await,
        Some(Event::Closed(CloseReason::ForcedClose))
    );
}

/// A connection for a session opened on long-polling, its task running; its events come out
/// of the returned channel.
fn polling_conn(
    bound: usize,
) -> (
    Arc<Conn>,
    tokio::sync::mpsc::UnboundedReceiver<Event>,
    tokio::task::JoinHandle<()>,
) {
    let (session, open) = Session::open(
        Version::V4,
        Transport::Polling,
        "sid",
        config(),
        Instant::now(),
    );
    assert!(matches!(open, Packet::Open(ref o) if o.contains("\"upgrades\":[\"websocket\"]")));
    let conn = Arc::new(Conn::polling(8, Version::V4, session, bound));
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let running = conn.clone();
    let task = tokio::spawn(async move {
        running
            .run(&[], |_, event| {
                let _ = tx.send(event);
            })
            .await;
    });
    (conn, rx, task)
}

async fn next_poll(conn: &Conn) -> Result<Vec<Packet>, PollError> {
    tokio::time::timeout(Duration::from_secs(5), conn.poll())
        .await
        .expect("a poll answered within 5 s")
}

#[tokio::test]
async fn a_poll_waits_for_packets_and_a_post_delivers_messages() {
    let (conn, mut events, _task) = polling_conn(1 << 20);
    let waiting = {
        let conn = conn.clone();
        tokio::spawn(async move { next_poll(&conn).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiting.is_finished(), "nothing to send yet: the GET waits");
    conn.send_message(&ws::text("42[\"x\"]"), "2[\"x\"]")
        .unwrap();
    conn.send_packet(&Packet::Message("3".into())).unwrap();
    // A message written in place (an ack) goes to the outbox as its text, without its
    // Engine.IO type.
    let mut written = MessageWriter::new();
    std::io::Write::write_all(&mut written, b"31[{}]").unwrap();
    conn.send_written(written).unwrap();
    assert_eq!(
        waiting.await.unwrap().unwrap(),
        vec![
            Packet::Message("2[\"x\"]".into()),
            Packet::Message("3".into()),
            Packet::Message("31[{}]".into())
        ]
    );
    let mut delivered = Vec::new();
    conn.post("40\u{1e}42[\"a\"]".as_bytes(), false, |e| delivered.push(e))
        .unwrap();
    assert_eq!(
        delivered,
        vec![
            Event::Message("0".into()),
            Event::Message("2[\"a\"]".into())
        ]
    );
    // The heartbeat's ping goes to the next GET.
    let due = conn.first_wakeup();
    conn.on_deadline(due);
    assert_eq!(
        next_poll(&conn).await.unwrap(),
        vec![Packet::Ping(String::new())]
    );
    conn.post(b"3", false, |_| {}).unwrap();
    assert!(
        events.try_recv().is_err(),
        "nothing reached the task's reader"
    );
}

#[tokio::test]
async fn a_second_poll_closes_the_session_and_the_first_gets_the_close() {
    let (conn, mut events, task) = polling_conn(1 << 20);
    let first = {
        let conn = conn.clone();
        tokio::spawn(async move { next_poll(&conn).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(conn.poll().await, Err(PollError::Overlap));
    assert_eq!(first.await.unwrap().unwrap(), vec![Packet::Close]);
    task.await.unwrap();
    assert_eq!(
        events.recv().await,
        Some(Event::Closed(CloseReason::TransportError))
    );
    assert_eq!(conn.poll().await, Err(PollError::Closed));
}

#[tokio::test]
async fn a_client_close_ends_the_waiting_poll_with_a_noop() {
    let (conn, _events, task) = polling_conn(1 << 20);
    let waiting = {
        let conn = conn.clone();
        tokio::spawn(async move { next_poll(&conn).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    conn.post(b"1", false, |_| {}).unwrap();
    assert_eq!(waiting.await.unwrap().unwrap(), vec![Packet::Noop]);
    task.await.unwrap();
}

#[tokio::test]
async fn a_body_that_is_not_a_payload_closes_the_session() {
    let (conn, _events, task) = polling_conn(1 << 20);
    assert!(matches!(
        conn.post(b"abc", false, |_| {}),
        Err(PollError::Payload(_))
    ));
    task.await.unwrap();
    assert_eq!(conn.poll().await, Err(PollError::Closed));
}

#[tokio::test]
async fn a_silent_polling_client_times_out_between_two_ticks() {
    let (conn, _events, _task) = polling_conn(1 << 20);
    // The ping was due and the wheel has not ticked: after `pingTimeout` more, a GET finds the
    // session closed, as with engine.io's exact timers.
    tokio::time::sleep(config().ping_interval + config().ping_timeout + Duration::from_millis(20))
        .await;
    assert_eq!(conn.poll().await, Err(PollError::Closed));
}

#[tokio::test]
async fn a_polling_client_too_slow_for_its_bound_is_disconnected() {
    let (conn, _events, task) = polling_conn(100);
    let message = "x".repeat(60);
    conn.send_packet(&Packet::Message(message.clone())).unwrap();
    assert!(matches!(
        conn.send_packet(&Packet::Message(message)),
        Err(SendError::TooSlow { bound: 100, .. })
    ));
    task.await.unwrap();
}

/// A WebSocket client on a loopback socket and the server's end of it.
async fn socket_pair() -> (Client, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap());
    let (client, accepted) = tokio::join!(client, listener.accept());
    (
        Client {
            stream: client.unwrap(),
            buf: Vec::new(),
        },
        accepted.unwrap().0,
    )
}

#[tokio::test]
async fn the_upgrade_moves_what_waited_for_the_poll_onto_the_websocket() {
    let (conn, mut events, _task) = polling_conn(1 << 20);
    conn.send_packet(&Packet::Message("2[\"before\"]".into()))
        .unwrap();
    let waiting = {
        let conn = conn.clone();
        tokio::spawn(async move {
            let first = next_poll(&conn).await;
            (first, next_poll(&conn).await)
        })
    };
    let (mut client, server) = socket_pair().await;
    // The probe's first frame came with the upgrade request.
    let early = client_frame(OpCode::Data(Data::Text), true, b"2probe", true);
    conn.attach(server.into(), Bytes::from(early)).unwrap();
    assert_eq!(client.next_text().await, "3probe");
    let (first, second) = waiting.await.unwrap();
    assert_eq!(
        first.unwrap(),
        vec![Packet::Message("2[\"before\"]".into())]
    );
    assert_eq!(second.unwrap(), vec![Packet::Noop], "the noop ends polling");
    conn.send_packet(&Packet::Message("2[\"during\"]".into()))
        .unwrap();
    client.text("5").await;
    assert_eq!(client.next_text().await, "42[\"during\"]");
    client.text("42[\"after\"]").await;
    assert_eq!(
        events.recv().await,
        Some(Event::Message("2[\"after\"]".into()))
    );
    conn.send_packet(&Packet::Message("3".into())).unwrap();
    assert_eq!(client.next_text().await, "43");
    assert_eq!(conn.poll().await, Err(PollError::NotPolling));
    let (_, another) = socket_pair().await;
    assert!(
        conn.attach(another.into(), Bytes::new()).is_err(),
        "one WebSocket per session"
    );
}

#[tokio::test]
async fn a_failed_probe_leaves_the_session_polling() {
    let (conn, _events, _task) = polling_conn(1 << 20);
    let (mut client, server) = socket_pair().await;
    conn.attach(server.into(), Bytes::new()).unwrap();
    // `5` before the probe breaks the upgrade's order; the probe that follows in the same
    // write is not read: the refused WebSocket is dropped.
    let mut burst = client_frame(OpCode::Data(Data::Text), true, b"5", true);
    burst.extend(client_frame(
        OpCode::Data(Data::Text),
        true,
        b"2probe",
        true,
    ));
    burst.extend(client_frame(OpCode::Data(Data::Text), true, b"5", true));
    client.stream.write_all(&burst).await.unwrap();
    let mut rest = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), client.stream.read_to_end(&mut rest))
        .await
        .expect("the probe is dropped within 5 s");
    assert!(n.is_ok());
    assert!(
        !String::from_utf8_lossy(&rest).contains("3probe"),
        "the probe after the refusal was not answered"
    );
    conn.send_packet(&Packet::Message("3".into())).unwrap();
    assert_eq!(
        next_poll(&conn).await.unwrap(),
        vec![Packet::Message("3".into())]
    );
    assert!(!conn.is_closed());
}

#[tokio::test]
async fn a_probe_that_does_not_complete_in_time_is_dropped_and_polling_goes_on() {
    let (conn, _events, _task) = polling_conn(1 << 20);
    let (mut client, server) = socket_pair().await;
    conn.attach(server.into(), Bytes::new()).unwrap();
    client.text("2probe").await;
    assert_eq!(client.next_text().await, "3probe");
    // No `5`: the upgrade timeout drops the probe (the node calls this after 10 s).
    conn.drop_probe();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), client.stream.read_to_end(&mut rest))
        .await
        .expect("the probe is dropped within 5 s");
    assert!(read.is_ok());
    // The noop of the probe ended one poll; the session goes on polling.
    assert_eq!(next_poll(&conn).await.unwrap(), vec![Packet::Noop]);
    conn.send_packet(&Packet::Message("3".into())).unwrap();
    assert_eq!(
        next_poll(&conn).await.unwrap(),
        vec![Packet::Message("3".into())]
    );
    assert!(!conn.is_closed());
}

#[tokio::test]
async fn many_pipelined_messages_arrive_in_order_across_turns() {
    // Messages of about 100 bytes: several reads of the burst, and more than one turn.
    const PAD: &str =
        "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567";
    let (_conn, mut client, mut events) = pair(1 << 20).await;
    // More than one turn's worth of messages in one write: the task yields between turns and
    // comes back for the rest.
    let mut burst = Vec::new();
    for i in 0..(MESSAGES_PER_TURN * 3 + 5) {
        burst.extend(client_frame(
            OpCode::Data(Data::Text),
            true,
            format!("42[{i},\"{PAD}\"]").as_bytes(),
            true,
        ));
    }
    client.stream.write_all(&burst).await.unwrap();
    for i in 0..(MESSAGES_PER_TURN * 3 + 5) {
        let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("every message within 5 s");
        assert_eq!(event, Some(Event::Message(format!("2[{i},\"{PAD}\"]"))));
    }
}
