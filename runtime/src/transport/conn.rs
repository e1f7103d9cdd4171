//! One WebSocket connection of the transport: one task that reads (and writes only what the
//! kernel refused earlier), and a write path that any task uses directly.
//!
//! The density and delivery rules of issue 20, as they apply to one connection:
//!
//! - **One task per connection.** [`Conn::run`] waits for the socket's readiness and for a
//!   wake-up; reads, the queued writes and the end of the connection happen in it. Heartbeats
//!   are not in it: the server's one [`Heartbeats`](super::heartbeat::Heartbeats) wheel calls
//!   [`Conn::on_deadline`] from its own task.
//! - **No buffer held while idle.** A read goes into a buffer on the stack of the task's poll,
//!   not kept in the task's state; the WebSocket [`Reader`] keeps only an incomplete frame.
//! - **A frame written without a hop.** [`Conn::send`] writes the encoded frame straight into
//!   the socket (a non-blocking write from the sending task, so a broadcast encodes once and
//!   writes each recipient in turn). Only what the kernel refuses is queued, for this
//!   connection's own task to write when the socket is writable; a client whose queue passes
//!   its bound is disconnected with a logged reason, never left to grow.

use std::collections::VecDeque;
use std::io;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use tokio::io::Interest;
use tokio::net::TcpStream;
use tokio::sync::Notify;

use super::engine::{Packet, Version};
use super::session::{Action, CloseReason, Session, Transport};
use super::ws::{self, Message, Reader};

/// How many bytes one read takes from the socket at most (on the task's stack, per read).
const READ_CHUNK: usize = 4096;

/// How many reads one turn of the connection's task makes at most.
const READS_PER_TURN: usize = 16;

/// Why [`Conn::send`] did not take a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The connection has closed.
    #[error("the connection is closed ({})", .0.as_str())]
    Closed(CloseReason),
    /// The client reads too slowly: its queue passed the bound, and it is disconnected.
    #[error(
        "the client reads too slowly: {queued} bytes wait for it, more than the bound of {bound}"
    )]
    TooSlow {
        /// What was queued, this frame included.
        queued: usize,
        /// The bound.
        bound: usize,
    },
}

/// What the connection hands to the layer above (Socket.IO).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An Engine.IO text message.
    Message(String),
    /// An Engine.IO binary message.
    Binary(Bytes),
    /// The connection closed; nothing follows.
    Closed(CloseReason),
}

struct State {
    session: Session,
    /// Frames (or the rest of one) the kernel refused, oldest first.
    queue: VecDeque<Bytes>,
    queued: usize,
    closed: Option<CloseReason>,
    /// Whether a frame was left half-written when the connection closed: then no close frame
    /// may follow it.
    torn: bool,
    /// The deadline the heartbeat wheel holds a wake-up for.
    scheduled: Option<Instant>,
}

/// One connection: its socket, its Engine.IO session, and what waits to be written.
pub struct Conn {
    id: u32,
    stream: TcpStream,
    version: Version,
    bound: usize,
    state: Mutex<State>,
    wake: Notify,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Conn {
    /// A connection on `stream`, its WebSocket handshake done, for `session`; `bound` is how
    /// many bytes may wait for a slow client before it is disconnected.
    pub fn new(
        id: u32,
        stream: TcpStream,
        version: Version,
        session: Session,
        bound: usize,
    ) -> Self {
        Conn {
            id,
            stream,
            version,
            bound,
            state: Mutex::new(State {
                session,
                queue: VecDeque::new(),
                queued: 0,
                closed: None,
                torn: false,
                scheduled: None,
            }),
            wake: Notify::new(),
        }
    }

    /// The connection's numeric id (the socket table's and the heartbeat wheel's key).
    pub fn id(&self) -> u32 {
        self.id
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Only non-blocking work happens under the lock: a panic there leaves nothing half-done
        // that the next user could not see, so a poisoned lock is taken as it is.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes `frame` (an encoded WebSocket frame) now, as far as the kernel takes it; the rest
    /// waits for the connection's task.
    pub fn send(&self, frame: &Bytes) -> Result<(), SendError> {
        let mut state = self.state();
        self.send_locked(&mut state, frame.clone())
    }

    /// An Engine.IO packet, encoded for this connection's version and written as [`Conn::send`].
    pub fn send_packet(&self, packet: &Packet) -> Result<(), SendError> {
        let frame = self.frame_of(packet);
        self.send(&frame)
    }

    fn frame_of(&self, packet: &Packet) -> Bytes {
        match packet {
            Packet::Binary(bytes) => ws::binary(&Packet::encode_binary(self.version, bytes)),
            other => ws::text(&other.encode_text()),
        }
    }

    fn send_locked(&self, state: &mut State, frame: Bytes) -> Result<(), SendError> {
        if let Some(reason) = state.closed {
            return Err(SendError::Closed(reason));
        }
        let rest = if state.queue.is_empty() {
            match self.stream.try_write(&frame) {
                Ok(n) if n == frame.len() => return Ok(()),
                Ok(n) => frame.slice(n..),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => frame,
                Err(e) => {
                    tracing::debug!(conn = self.id, error = %e, "a write failed: the connection closes");
                    self.close_locked(state, CloseReason::TransportClose);
                    return Err(SendError::Closed(CloseReason::TransportClose));
                }
            }
        } else {
            frame
        };
        state.queued += rest.len();
        state.queue.push_back(rest);
        if state.queued > self.bound {
            let queued = state.queued;
            tracing::warn!(
                conn = self.id,
                queued,
                bound = self.bound,
                "a client reads too slowly: disconnected"
            );
            self.close_locked(state, CloseReason::ForcedClose);
            return Err(SendError::TooSlow {
                queued,
                bound: self.bound,
            });
        }
        self.wake.notify_one();
        Ok(())
    }

    /// Marks the connection closed and wakes its task, which ends it.
    fn close_locked(&self, state: &mut State, reason: CloseReason) {
        if state.closed.is_none() {
            state.closed = Some(reason);
            state.session.close(reason);
            // The front of the queue may be the rest of a frame the client has begun to read.
            state.torn = !state.queue.is_empty();
            state.queue.clear();
            state.queued = 0;
            self.wake.notify_one();
        }
    }

    /// Closes the connection from the server's side (shutdown): a WebSocket close frame, then
    /// the end of the transport, so that clients reconnect.
    pub fn close(&self, reason: CloseReason) {
        let mut state = self.state();
        self.close_locked(&mut state, reason);
    }

    /// Whether the connection has closed.
    pub fn is_closed(&self) -> bool {
        self.state().closed.is_some()
    }

    /// The instant to put this connection in the heartbeat wheel for, the first time.
    pub fn first_wakeup(&self) -> Instant {
        let mut state = self.state();
        let deadline = state.session.deadline();
        state.scheduled = Some(deadline);
        deadline
    }

    /// The heartbeat wheel woke this connection: the next ping or a timeout. The deadline to
    /// schedule it for next, or `None` if it is closed or a wake-up for that deadline is in the
    /// wheel already (this one was stale: its deadline had moved on, or it was left by an
    /// earlier connection with the same id), so that each connection has one chain of wake-ups.
    pub fn on_deadline(&self, now: Instant) -> Option<Instant> {
        let mut state = self.state();
        let actions = state.session.on_deadline(now);
        self.act(&mut state, actions, &mut |_| {});
        if state.closed.is_some() {
            return None;
        }
        let next = state.session.deadline();
        if state.scheduled == Some(next) {
            return None;
        }
        state.scheduled = Some(next);
        Some(next)
    }

    /// Carries out what the session decided; messages go to `deliver`.
    fn act(&self, state: &mut State, actions: Vec<Action>, deliver: &mut dyn FnMut(Event)) {
        for action in actions {
            match action {
                Action::Send(_, packet) => {
                    let frame = self.frame_of(&packet);
                    // A failed send has closed the connection already.
                    let _ = self.send_locked(state, frame);
                }
                Action::Message(text) => deliver(Event::Message(text)),
                Action::Binary(bytes) => deliver(Event::Binary(bytes)),
                // This connection is a WebSocket from its handshake: nothing to upgrade from.
                Action::Upgraded | Action::Refuse(_) => {}
                Action::Close(reason) => self.close_locked(state, reason),
            }
        }
    }

    /// The connection's task: reads until the connection ends, writing what waits when the
    /// socket takes it; every message goes to `deliver`, and last the reason it closed.
    /// `early` is what the HTTP layer read past the upgrade request (the client's first frames,
    /// when it sent them at once), read before the socket.
    pub async fn run(&self, early: &[u8], mut deliver: impl FnMut(&Conn, Event)) {
        let mut reader = Reader::new(self.max_message());
        if !early.is_empty()
            && let Some(reason) = self.take(&mut reader, early, &mut deliver)
        {
            let mut state = self.state();
            self.close_locked(&mut state, reason);
        }
        let reason = loop {
            let (waiting, closed) = {
                let state = self.state();
                (!state.queue.is_empty(), state.closed)
            };
            if let Some(reason) = closed {
                break reason;
            }
            let interest = if waiting {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            let ready = tokio::select! {
                ready = self.stream.ready(interest) => ready,
                () = self.wake.notified() => continue,
            };
            let ended = match ready {
                Err(_) => Some(CloseReason::TransportClose),
                // Nothing more can be written: the client is gone.
                Ok(ready) if ready.is_write_closed() => Some(CloseReason::TransportClose),
                Ok(ready) => {
                    if ready.is_writable() {
                        self.flush();
                    }
                    if ready.is_readable() || ready.is_read_closed() {
                        self.read(&mut reader, &mut deliver)
                    } else {
                        None
                    }
                }
            };
            if let Some(reason) = ended {
                let mut state = self.state();
                self.close_locked(&mut state, reason);
            }
        };
        if !self.state().torn {
            let _ = self.stream.try_write(&ws::close());
        }
        // The TCP connection ends now, not when the last handle to this `Conn` goes (a request
        // still running holds one).
        if let Err(e) = socket2::SockRef::from(&self.stream).shutdown(std::net::Shutdown::Both) {
            tracing::debug!(conn = self.id, error = %e, "shutting the connection down failed");
        }
        deliver(self, Event::Closed(reason));
    }

    fn max_message(&self) -> usize {
        // Engine.IO's maxPayload counts the message; the frame adds its type digit.
        self.state().session.max_payload().saturating_add(1)
    }

    /// Reads what the socket has, at most [`READS_PER_TURN`] chunks (readiness stays set and
    /// the task comes back, so one fast sender cannot hold the worker), delivering each chunk's
    /// messages before the next read; a reason to close, if the client closed or broke the
    /// protocol.
    fn read(
        &self,
        reader: &mut Reader,
        deliver: &mut impl FnMut(&Conn, Event),
    ) -> Option<CloseReason> {
        let mut buf = [0u8; READ_CHUNK];
        for _ in 0..READS_PER_TURN {
            let n = match self.stream.try_read(&mut buf) {
                Ok(0) => return Some(CloseReason::TransportClose),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
                Err(_) => return Some(CloseReason::TransportClose),
            };
            if let Some(reason) = self.take(reader, &buf[..n], deliver) {
                return Some(reason);
            }
            if n < buf.len() {
                return None;
            }
        }
        None
    }

    /// Reads the messages `data` completes and delivers them; a reason to close, if the client
    /// closed or broke the protocol.
    fn take(
        &self,
        reader: &mut Reader,
        data: &[u8],
        deliver: &mut impl FnMut(&Conn, Event),
    ) -> Option<CloseReason> {
        let mut messages = Vec::new();
        if let Err(error) = reader.read(data, &mut messages) {
            tracing::debug!(conn = self.id, %error, "the client broke the WebSocket protocol");
            return Some(CloseReason::TransportError);
        }
        for message in messages {
            if let Some(reason) = self.receive(message, deliver) {
                return Some(reason);
            }
        }
        None
    }

    /// One message from the client, through the session; a reason to close, if it ends the
    /// connection.
    fn receive(
        &self,
        message: Message,
        deliver: &mut impl FnMut(&Conn, Event),
    ) -> Option<CloseReason> {
        let packet = match message {
            Message::Text(text) => Packet::decode_text(&text),
            Message::Binary(bytes) => Packet::decode_binary(self.version, &bytes),
            Message::Ping(data) => {
                let _ = self.send(&ws::pong(&data));
                return None;
            }
            Message::Close => return Some(CloseReason::TransportClose),
        };
        let Ok(packet) = packet else {
            return Some(CloseReason::TransportError);
        };
        let mut events = Vec::new();
        let closed = {
            let mut state = self.state();
            let actions = state
                .session
                .receive(packet, Transport::WebSocket, Instant::now());
            self.act(&mut state, actions, &mut |event| events.push(event));
            state.closed
        };
        // Delivered outside the lock: the layer above may send on this connection.
        for event in events {
            deliver(self, event);
        }
        closed
    }

    /// Writes what waits, as far as the kernel takes it.
    fn flush(&self) {
        let mut state = self.state();
        while let Some(front) = state.queue.front_mut() {
            match self.stream.try_write(front) {
                Ok(n) if n == front.len() => {
                    state.queued -= n;
                    state.queue.pop_front();
                }
                Ok(n) => {
                    *front = front.slice(n..);
                    state.queued -= n;
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(_) => {
                    self.close_locked(&mut state, CloseReason::TransportClose);
                    return;
                }
            }
        }
        // Nothing kept for an idle socket.
        state.queue = VecDeque::new();
    }
}

#[cfg(test)]
mod tests;
