//! One Engine.IO session as a state machine without I/O: packets and deadlines in, what to
//! send, deliver or close out. The connection task (the next step of issue 20) will own the
//! socket and the polling requests; this owns the protocol, so that every rule below is tested without a
//! network and both transports (WebSocket, long-polling) share one implementation of it.
//!
//! The rules, from the Engine.IO protocol documents and the reference server (engine.io 6):
//!
//! - **Handshake**: `0{"sid","upgrades","pingInterval","pingTimeout"}`, plus `maxPayload` in
//!   Engine.IO 4.
//! - **Heartbeat, Engine.IO 4**: the server pings `pingInterval` after the session opens (not at
//!   once: the protocol suite checks it) and again `pingInterval` after each pong; a pong that
//!   has not come `pingTimeout` after a ping closes the session (`ping timeout`). A ping from
//!   the client is a protocol error (`transport error`).
//! - **Heartbeat, Engine.IO 3**: the client pings, the server answers with a pong that echoes
//!   its data; nothing from the client for `pingInterval + pingTimeout` closes the session. A
//!   pong from the client is a protocol error.
//! - **Upgrade**: on the new WebSocket, `2probe` is answered `3probe` and the pending poll is
//!   answered with a noop (`6`) so that the client stops polling; `5` on the WebSocket completes
//!   the upgrade, and from then on everything goes over it. A probing WebSocket that breaks this
//!   order is dropped and the session goes on polling, as engine.io does. (engine.io also drops
//!   a probe that has not completed in `upgradeTimeout`; that timer belongs to the connection
//!   layer, which is not written yet.)
//! - **Close**: `1` from the client closes the session (`transport close`).

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Serialize;

use super::engine::{Packet, Version};

/// The server's Engine.IO settings, the same for every session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How often the heartbeat runs (Engine.IO's `pingInterval`; 25 s by default).
    pub ping_interval: Duration,
    /// How long a heartbeat may go unanswered (`pingTimeout`; 20 s by default).
    pub ping_timeout: Duration,
    /// The largest message a client may send, in bytes (`maxPayload`; 1 MB by default).
    pub max_payload: usize,
    /// Whether a polling session may upgrade to WebSocket.
    pub websocket: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ping_interval: Duration::from_secs(25),
            ping_timeout: Duration::from_secs(20),
            max_payload: 1_000_000,
            websocket: true,
        }
    }
}

/// Which transport carries a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// HTTP long-polling.
    Polling,
    /// WebSocket.
    WebSocket,
}

/// Why a session closed, named as Engine.IO names it (the reason a `close` handler gets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The client sent `1`, or closed its transport.
    TransportClose,
    /// The heartbeat went unanswered.
    PingTimeout,
    /// The client broke the protocol (a packet it may not send, a heartbeat the wrong way, a
    /// message over `maxPayload`).
    TransportError,
    /// The server closed it.
    ForcedClose,
}

impl CloseReason {
    /// The reason as Engine.IO writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::TransportClose => "transport close",
            CloseReason::PingTimeout => "ping timeout",
            CloseReason::TransportError => "transport error",
            CloseReason::ForcedClose => "forced close",
        }
    }
}

/// What the connection does next, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write a packet on a transport (for polling: queue it for the next poll).
    Send(Transport, Packet),
    /// A text message for the Socket.IO layer.
    Message(String),
    /// A binary message for the Socket.IO layer.
    Binary(Bytes),
    /// The upgrade is complete: flush what was queued for polling onto the WebSocket, and end
    /// the polling transport.
    Upgraded,
    /// Drop this transport, not the session: a probing WebSocket that broke the upgrade's
    /// order (the session goes on polling, as engine.io's does), or a polling request after
    /// the upgrade (answered 400).
    Refuse(Transport),
    /// Close the session (and its transports) for this reason; nothing follows.
    Close(CloseReason),
}

/// What one event asks of the connection: at most two actions, kept on the stack.
pub type Actions = smallvec::SmallVec<[Action; 2]>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    /// A WebSocket sent `2probe` and was answered; `5` on it completes the upgrade.
    Upgrading,
    Closed,
}

/// One Engine.IO session.
#[derive(Debug)]
pub struct Session {
    version: Version,
    config: Config,
    transport: Transport,
    state: State,
    /// Engine.IO 4: when the next ping goes out, or (after it went) when its pong is due.
    /// Engine.IO 3: when the client's silence closes the session.
    deadline: Instant,
    /// Engine.IO 4: a ping is out and its pong has not come.
    awaiting_pong: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Handshake<'a> {
    sid: &'a str,
    upgrades: &'a [&'a str],
    ping_interval: u128,
    ping_timeout: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_payload: Option<usize>,
}

impl Session {
    /// Opens a session on `transport` at `now`, and the handshake packet to send first.
    pub fn open(
        version: Version,
        transport: Transport,
        sid: &str,
        config: Config,
        now: Instant,
    ) -> (Session, Packet) {
        let upgrades: &[&str] = if transport == Transport::Polling && config.websocket {
            &["websocket"]
        } else {
            &[]
        };
        let handshake = Handshake {
            sid,
            upgrades,
            ping_interval: config.ping_interval.as_millis(),
            ping_timeout: config.ping_timeout.as_millis(),
            max_payload: (version == Version::V4).then_some(config.max_payload),
        };
        let open = Packet::Open(
            serde_json::to_string(&handshake).expect("a handshake of strings and numbers"),
        );
        let deadline = match version {
            Version::V4 => now + config.ping_interval,
            Version::V3 => now + config.ping_interval + config.ping_timeout,
        };
        let session = Session {
            version,
            config,
            transport,
            state: State::Open,
            deadline,
            awaiting_pong: false,
        };
        (session, open)
    }

    /// The largest message the client may send (`maxPayload`).
    pub fn max_payload(&self) -> usize {
        self.config.max_payload
    }

    /// The transport packets go out on.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// Whether the session has closed.
    pub fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    /// When [`Session::on_deadline`] has something to do: schedule the socket in the
    /// heartbeat wheel for this instant. It never moves earlier, so a wake-up already scheduled
    /// is never late; when it has moved on, that wake-up does nothing and the socket is
    /// scheduled again.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the heartbeat has run out at `now`: a pong overdue (Engine.IO 4) or the client
    /// silent too long (Engine.IO 3). The heartbeat wheel closes such a session at its next
    /// tick; a polling request asks first, so that it is not answered by a session that has
    /// timed out between two ticks.
    pub fn timed_out(&self, now: Instant) -> bool {
        if self.state == State::Closed {
            return false;
        }
        match self.version {
            Version::V3 => now >= self.deadline,
            Version::V4 if self.awaiting_pong => now >= self.deadline,
            // The ping is due and not out yet (the wheel has not ticked): its pong could not
            // come in time either.
            Version::V4 => now >= self.deadline + self.config.ping_timeout,
        }
    }

    /// A packet that arrived on `via` at `now`, and what follows from it.
    pub fn receive(&mut self, packet: Packet, via: Transport, now: Instant) -> Actions {
        if self.state == State::Closed {
            return Actions::new();
        }
        // Before the upgrade completes, the new WebSocket carries only the probe and `5`.
        if via != self.transport {
            return self.receive_on_upgrade(packet, via);
        }
        // Engine.IO 3 takes any packet as a sign of life (engine.io 3 resets its timer on
        // each); Engine.IO 4 listens for the pong alone.
        if self.version == Version::V3 {
            self.deadline = now + self.config.ping_interval + self.config.ping_timeout;
        }
        match packet {
            Packet::Message(text) => self.within_payload(text.len(), Action::Message(text)),
            Packet::Binary(bytes) => self.within_payload(bytes.len(), Action::Binary(bytes)),
            Packet::Ping(data) if self.version == Version::V3 => {
                smallvec::smallvec![Action::Send(self.transport, Packet::Pong(data))]
            }
            Packet::Pong(_) if self.version == Version::V4 && self.awaiting_pong => {
                self.awaiting_pong = false;
                // The next ping a pingInterval after the pong, but never before the wake-up
                // already in the wheel (a pingInterval shorter than pingTimeout): a ping that
                // late is still within what the client waits for.
                self.deadline = (now + self.config.ping_interval).max(self.deadline);
                Actions::new()
            }
            // A second pong for one ping is harmless; engine.io ignores it too.
            Packet::Pong(_) if self.version == Version::V4 => Actions::new(),
            Packet::Close => self.close(CloseReason::TransportClose),
            Packet::Noop => Actions::new(),
            // A heartbeat the wrong way, a handshake or an upgrade out of place.
            Packet::Ping(_) | Packet::Pong(_) | Packet::Open(_) | Packet::Upgrade => {
                self.close(CloseReason::TransportError)
            }
        }
    }

    /// A packet on the WebSocket that is taking over from polling.
    fn receive_on_upgrade(&mut self, packet: Packet, via: Transport) -> Actions {
        match (self.state, packet) {
            (State::Open, Packet::Ping(probe))
                if probe == "probe" && via == Transport::WebSocket && self.config.websocket =>
            {
                self.state = State::Upgrading;
                smallvec::smallvec![
                    Action::Send(Transport::WebSocket, Packet::Pong(probe)),
                    // Ends the pending poll, so the client pauses polling and sends `5`.
                    Action::Send(Transport::Polling, Packet::Noop),
                ]
            }
            (State::Upgrading, Packet::Upgrade) => {
                self.state = State::Open;
                self.transport = Transport::WebSocket;
                smallvec::smallvec![Action::Upgraded]
            }
            _ => {
                // The session stays on the transport it has.
                self.state = State::Open;
                smallvec::smallvec![Action::Refuse(via)]
            }
        }
    }

    /// The heartbeat's deadline came (the wheel woke the socket at `now`): the next ping, or
    /// the close of a silent session. Nothing if the deadline has moved on since.
    pub fn on_deadline(&mut self, now: Instant) -> Actions {
        if self.state == State::Closed || now < self.deadline {
            return Actions::new();
        }
        match self.version {
            Version::V4 if !self.awaiting_pong => {
                self.awaiting_pong = true;
                // The pong is due `pingTimeout` after the ping was due, not after the wheel's
                // tick sent it: a polling request checks the deadline exactly (`timed_out`), and
                // a session must time out when a client of engine.io's exact timers expects it
                // to (the protocol suite does). The client's allowance is shortened by the
                // tick's lateness, at most two ticks of 100 ms out of the 20 s default.
                self.deadline += self.config.ping_timeout;
                smallvec::smallvec![Action::Send(self.transport, Packet::Ping(String::new()))]
            }
            Version::V4 | Version::V3 => self.close(CloseReason::PingTimeout),
        }
    }

    /// A message of `len` bytes is delivered, or closes a session it is too large for.
    fn within_payload(&mut self, len: usize, action: Action) -> Actions {
        if len > self.config.max_payload {
            self.close(CloseReason::TransportError)
        } else {
            smallvec::smallvec![action]
        }
    }

    /// Closes the session: the server's own close (shutdown, a slow client) or the
    /// transport's end.
    pub fn close(&mut self, reason: CloseReason) -> Actions {
        if self.state == State::Closed {
            return Actions::new();
        }
        self.state = State::Closed;
        smallvec::smallvec![Action::Close(reason)]
    }
}

#[cfg(test)]
mod tests;
