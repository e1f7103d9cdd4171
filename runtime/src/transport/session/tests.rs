//! Each rule of the module's documentation, driven by packets and instants alone.

use super::*;

const SID: &str = "AAAAAAAAAAAAAAAAAAAA";

fn config() -> Config {
    Config {
        ping_interval: Duration::from_millis(300),
        ping_timeout: Duration::from_millis(200),
        max_payload: 16,
        websocket: true,
    }
}

fn open(version: Version, transport: Transport, now: Instant) -> Session {
    Session::open(version, transport, SID, config(), now).0
}

/// `packet` on `via` breaks the protocol: the session closes with `transport error`.
fn refused(session: &mut Session, packet: Packet, via: Transport) {
    assert_eq!(
        session.receive(packet, via, Instant::now()).as_slice(),
        [Action::Close(CloseReason::TransportError)]
    );
    assert!(session.is_closed());
}

/// The server's Engine.IO 4 heartbeat ping, on `transport`.
fn ping(transport: Transport) -> Action {
    Action::Send(transport, Packet::Ping(String::new()))
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn handshake(packet: &Packet) -> serde_json::Value {
    match packet {
        Packet::Open(json) => serde_json::from_str(json).expect("handshake JSON"),
        other => panic!("not an open packet: {other:?}"),
    }
}

#[test]
fn the_handshake_has_each_versions_fields() {
    let t0 = Instant::now();
    let (_, open) = Session::open(Version::V4, Transport::Polling, SID, config(), t0);
    assert_eq!(
        handshake(&open),
        serde_json::json!({
            "sid": SID, "upgrades": ["websocket"], "pingInterval": 300, "pingTimeout": 200,
            "maxPayload": 16
        })
    );
    // Engine.IO 3 has no maxPayload; a session opened on WebSocket has nothing to upgrade to.
    let (_, open) = Session::open(Version::V3, Transport::WebSocket, SID, config(), t0);
    assert_eq!(
        handshake(&open),
        serde_json::json!({"sid": SID, "upgrades": [], "pingInterval": 300, "pingTimeout": 200})
    );
    let no_ws = Config {
        websocket: false,
        ..config()
    };
    let (_, open) = Session::open(Version::V4, Transport::Polling, SID, no_ws, t0);
    assert_eq!(handshake(&open)["upgrades"], serde_json::json!([]));
}

#[test]
fn v4_pings_after_the_interval_not_at_once_and_again_after_each_pong() {
    let t0 = Instant::now();
    let mut s = open(Version::V4, Transport::WebSocket, t0);
    assert_eq!(s.deadline(), t0 + ms(300));
    assert!(s.on_deadline(t0).is_empty(), "no ping at once");
    assert!(s.on_deadline(t0 + ms(299)).is_empty());
    assert_eq!(
        s.on_deadline(t0 + ms(300)).as_slice(),
        [ping(Transport::WebSocket)]
    );
    assert_eq!(
        s.deadline(),
        t0 + ms(500),
        "the pong is due pingTimeout later"
    );
    assert!(
        s.receive(
            Packet::Pong(String::new()),
            Transport::WebSocket,
            t0 + ms(350)
        )
        .is_empty()
    );
    assert_eq!(
        s.deadline(),
        t0 + ms(650),
        "the next ping pingInterval after the pong"
    );
    // The wheel may wake the socket for a deadline that has moved on: nothing happens.
    assert!(s.on_deadline(t0 + ms(500)).is_empty());
    assert_eq!(
        s.on_deadline(t0 + ms(650)).as_slice(),
        [ping(Transport::WebSocket)]
    );
    assert!(!s.is_closed());
}

#[test]
fn v4_closes_when_the_pong_does_not_come() {
    let t0 = Instant::now();
    let mut s = open(Version::V4, Transport::Polling, t0);
    assert_eq!(s.on_deadline(t0 + ms(300)).len(), 1);
    // Messages do not stand in for the pong.
    assert_eq!(
        s.receive(
            Packet::Message("2[\"x\"]".into()),
            Transport::Polling,
            t0 + ms(400)
        )
        .as_slice(),
        [Action::Message("2[\"x\"]".into())]
    );
    assert_eq!(
        s.on_deadline(t0 + ms(500)).as_slice(),
        [Action::Close(CloseReason::PingTimeout)]
    );
    assert!(s.is_closed());
    assert!(s.on_deadline(t0 + ms(900)).is_empty(), "closed once");
    assert!(
        s.receive(
            Packet::Message("x".into()),
            Transport::Polling,
            t0 + ms(900)
        )
        .is_empty()
    );
}

#[test]
fn v3_answers_the_clients_ping_and_closes_on_its_silence() {
    let t0 = Instant::now();
    let mut s = open(Version::V3, Transport::Polling, t0);
    assert_eq!(s.deadline(), t0 + ms(500), "pingInterval + pingTimeout");
    assert_eq!(
        s.receive(
            Packet::Ping("probe?".into()),
            Transport::Polling,
            t0 + ms(250)
        )
        .as_slice(),
        [Action::Send(
            Transport::Polling,
            Packet::Pong("probe?".into())
        )]
    );
    assert_eq!(s.deadline(), t0 + ms(750));
    assert!(
        s.on_deadline(t0 + ms(500)).is_empty(),
        "the ping moved the deadline"
    );
    assert_eq!(
        s.on_deadline(t0 + ms(750)).as_slice(),
        [Action::Close(CloseReason::PingTimeout)]
    );
}

#[test]
fn a_heartbeat_the_wrong_way_is_a_transport_error() {
    let t0 = Instant::now();
    let mut v4 = open(Version::V4, Transport::WebSocket, t0);
    refused(&mut v4, Packet::Ping(String::new()), Transport::WebSocket);
    let mut v3 = open(Version::V3, Transport::WebSocket, t0);
    refused(&mut v3, Packet::Pong(String::new()), Transport::WebSocket);
    let mut v4 = open(Version::V4, Transport::WebSocket, t0);
    assert!(
        v4.receive(Packet::Pong(String::new()), Transport::WebSocket, t0)
            .is_empty(),
        "an unasked-for pong is ignored, as engine.io does"
    );
    for packet in [Packet::Open("{}".into()), Packet::Upgrade] {
        let mut s = open(Version::V4, Transport::WebSocket, t0);
        refused(&mut s, packet, Transport::WebSocket);
    }
}

#[test]
fn the_upgrade_probes_ends_the_poll_and_switches_on_5() {
    let t0 = Instant::now();
    let mut s = open(Version::V4, Transport::Polling, t0);
    assert_eq!(
        s.receive(Packet::Ping("probe".into()), Transport::WebSocket, t0)
            .as_slice(),
        [
            Action::Send(Transport::WebSocket, Packet::Pong("probe".into())),
            Action::Send(Transport::Polling, Packet::Noop),
        ]
    );
    // Until `5`, packets still go out by polling, and polling still carries messages.
    assert_eq!(s.transport(), Transport::Polling);
    assert_eq!(
        s.receive(Packet::Message("m".into()), Transport::Polling, t0)
            .as_slice(),
        [Action::Message("m".into())]
    );
    assert_eq!(
        s.receive(Packet::Upgrade, Transport::WebSocket, t0)
            .as_slice(),
        [Action::Upgraded]
    );
    assert_eq!(s.transport(), Transport::WebSocket);
    assert_eq!(
        s.on_deadline(t0 + ms(300)).as_slice(),
        [ping(Transport::WebSocket)]
    );
    assert_eq!(
        s.receive(Packet::Message("n".into()), Transport::WebSocket, t0)
            .as_slice(),
        [Action::Message("n".into())]
    );
}

#[test]
fn a_probe_out_of_order_is_dropped_and_the_session_goes_on_polling() {
    let t0 = Instant::now();
    let dropped = |s: &mut Session, packet: Packet, via: Transport| {
        assert_eq!(s.receive(packet, via, t0).as_slice(), [Action::Refuse(via)]);
        assert!(!s.is_closed());
        assert_eq!(s.transport(), Transport::Polling);
        assert_eq!(
            s.receive(Packet::Message("still".into()), Transport::Polling, t0)
                .as_slice(),
            [Action::Message("still".into())]
        );
    };
    // `5` without a probe.
    let mut s = open(Version::V4, Transport::Polling, t0);
    dropped(&mut s, Packet::Upgrade, Transport::WebSocket);
    // A message on the WebSocket before the upgrade completes; a new probe may follow.
    let mut s = open(Version::V3, Transport::Polling, t0);
    s.receive(Packet::Ping("probe".into()), Transport::WebSocket, t0);
    dropped(
        &mut s,
        Packet::Message("early".into()),
        Transport::WebSocket,
    );
    assert_eq!(
        s.receive(Packet::Ping("probe".into()), Transport::WebSocket, t0)
            .len(),
        2
    );
    assert_eq!(
        s.receive(Packet::Upgrade, Transport::WebSocket, t0)
            .as_slice(),
        [Action::Upgraded]
    );
    // After the upgrade, a late polling request is refused; the session stays on WebSocket.
    assert_eq!(
        s.receive(Packet::Message("late".into()), Transport::Polling, t0)
            .as_slice(),
        [Action::Refuse(Transport::Polling)]
    );
    assert_eq!(s.transport(), Transport::WebSocket);
    // A server without WebSocket takes no probe.
    let no_ws = Config {
        websocket: false,
        ..config()
    };
    let (mut s, _) = Session::open(Version::V4, Transport::Polling, SID, no_ws, t0);
    dropped(&mut s, Packet::Ping("probe".into()), Transport::WebSocket);
}

#[test]
fn v3_takes_any_packet_as_a_sign_of_life() {
    let t0 = Instant::now();
    let mut s = open(Version::V3, Transport::WebSocket, t0);
    s.receive(
        Packet::Message("m".into()),
        Transport::WebSocket,
        t0 + ms(400),
    );
    assert_eq!(s.deadline(), t0 + ms(900));
    assert!(s.on_deadline(t0 + ms(500)).is_empty());
}

#[test]
fn close_and_max_payload() {
    let t0 = Instant::now();
    let mut s = open(Version::V4, Transport::WebSocket, t0);
    assert_eq!(
        s.receive(
            Packet::Binary(Bytes::from_static(&[1; 16])),
            Transport::WebSocket,
            t0
        )
        .as_slice(),
        [Action::Binary(Bytes::from_static(&[1; 16]))]
    );
    refused(
        &mut s,
        Packet::Message("x".repeat(17)),
        Transport::WebSocket,
    );
    let mut s = open(Version::V3, Transport::WebSocket, t0);
    assert!(s.receive(Packet::Noop, Transport::WebSocket, t0).is_empty());
    assert_eq!(
        s.receive(Packet::Close, Transport::WebSocket, t0)
            .as_slice(),
        [Action::Close(CloseReason::TransportClose)]
    );
    assert_eq!(CloseReason::TransportClose.as_str(), "transport close");
    let mut s = open(Version::V4, Transport::WebSocket, t0);
    assert_eq!(
        s.close(CloseReason::ForcedClose).as_slice(),
        [Action::Close(CloseReason::ForcedClose)]
    );
    assert!(s.close(CloseReason::ForcedClose).is_empty());
}

proptest::proptest! {
    /// The fuzz target's properties (nothing after the close, the close last, no message over
    /// `maxPayload`, a deadline that never moves earlier) over random scripts.
    #[test]
    fn any_script_keeps_the_session_rules(script in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
        crate::__fuzz::session(&script);
    }
}

#[test]
fn scripted_upgrades_and_heartbeats_keep_the_session_rules() {
    for seed in [
        &[1u8, 1, 80, 2, 0, 0, 1, 1, 200, 2, 0, 2, 0][..],
        &[0, 0, 0x82, 0, 0x86, 0, 0x84, 4, 0x83, b'4', b'h', b'i'],
        &[3, 0, 5, 0, 4],
    ] {
        crate::__fuzz::session(seed);
    }
}

#[test]
fn a_late_tick_does_not_lengthen_the_pong_allowance_and_timed_out_reads_the_deadline() {
    let t0 = Instant::now();
    let mut session = open(Version::V4, Transport::Polling, t0);
    assert!(!session.timed_out(t0 + ms(300)), "the ping is only due");
    // The wheel ticked 80 ms late: the pong is still due 200 ms after the ping was.
    assert_eq!(
        session.on_deadline(t0 + ms(380)).as_slice(),
        [ping(Transport::Polling)]
    );
    assert_eq!(session.deadline(), t0 + ms(500));
    assert!(!session.timed_out(t0 + ms(499)));
    assert!(session.timed_out(t0 + ms(500)));
    // A ping that never went out (no tick yet) times out just the same.
    let session = open(Version::V4, Transport::Polling, t0);
    assert!(session.timed_out(t0 + ms(500)));
    // Engine.IO 3: the client's silence.
    let mut session = open(Version::V3, Transport::Polling, t0);
    assert!(!session.timed_out(t0 + ms(499)));
    assert!(session.timed_out(t0 + ms(500)));
    session.close(CloseReason::ForcedClose);
    assert!(!session.timed_out(t0 + ms(900)), "a closed session is done");
}
