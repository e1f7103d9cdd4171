//! One connection of the transport: one task that reads (and writes only what the kernel
//! refused earlier), and a write path that any task uses directly. A session opened on
//! long-polling lives here too, until its WebSocket takes over: its packets wait in an outbox
//! for the next GET ([`Conn::poll`]), POSTs come in through [`Conn::post`], and the probing
//! WebSocket is attached to the same connection ([`Conn::attach`]), whose task then reads it.
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
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::task::{Poll, Waker};
use std::time::Instant;

use bytes::Bytes;
use tokio::io::Interest;
use tokio::sync::Notify;

use super::engine::{Packet, Version};
use super::session::{Action, Actions, CloseReason, Session, Transport};
use super::stream::Stream;
use super::ws::{self, Message, Reader};

/// How many bytes one read takes from the socket at most (on the task's stack, per read).
const READ_CHUNK: usize = 4096;

/// How many reads one turn of the connection's task makes at most.
const READS_PER_TURN: usize = 16;

/// How many messages one turn delivers before the task yields to the others on its worker:
/// a request that is answered without waiting runs within the turn (`transport/node.rs`), so a
/// client that pipelines many cannot hold the worker for long.
const MESSAGES_PER_TURN: usize = 64;

/// Why [`Conn::send`] did not take a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// A message written in place was not UTF-8 text, which a text message must be.
    #[error("the message written is not UTF-8 text")]
    NotText,
}

/// An Engine.IO message (a Socket.IO packet's text) written in place, for
/// [`Conn::send_written`]: over a WebSocket, the frame is sent from the buffer it was written
/// into.
pub struct MessageWriter(ws::TextFrame);

impl MessageWriter {
    /// An empty message.
    pub fn new() -> Self {
        let mut frame = ws::TextFrame::new();
        // Engine.IO's type: a message.
        let _ = std::io::Write::write_all(&mut frame, b"4");
        MessageWriter(frame)
    }
}

impl Default for MessageWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::io::Write for MessageWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0.write(data)
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.0.write_all(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Why a long-polling request is refused (each is engine.io's 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PollError {
    /// The session has closed.
    #[error("the session has closed")]
    Closed,
    /// The session is on WebSocket (from its handshake, or upgraded).
    #[error("the session is not on long-polling: it has upgraded to WebSocket")]
    NotPolling,
    /// A second GET came while one waited: the session closes, as engine.io's does.
    #[error("a second poll came while one was waiting (overlap from client): the session closes")]
    Overlap,
    /// A POST body that is not an Engine.IO payload: the session closes.
    #[error("the body is not an Engine.IO payload: {0}")]
    Payload(#[from] super::engine::DecodeError),
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
    /// The long-polling side of a session opened on it, until the upgrade completes.
    polling: Option<Box<Polling>>,
}

/// A session on long-polling: what waits for the next GET, and that GET.
#[derive(Default)]
struct Polling {
    /// Packets for the next GET, oldest first.
    outbox: Vec<Packet>,
    /// Their size, bounded as the WebSocket queue is.
    outbox_bytes: usize,
    /// A GET is waiting (only one may).
    waiting: bool,
    /// Wakes the waiting GET.
    waker: Option<Waker>,
    /// What the HTTP layer read past the probing WebSocket's upgrade request.
    early: Bytes,
    /// The probing WebSocket ended before the upgrade completed: the session goes on polling,
    /// as engine.io's does, and that stream is not read again.
    probe_failed: bool,
}

impl Polling {
    fn wake(&mut self) {
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }
}

/// One connection: its socket, its Engine.IO session, and what waits to be written.
pub struct Conn {
    id: u32,
    /// The WebSocket's stream: set at once for a session opened on WebSocket, when the probe
    /// arrives for one opened on long-polling.
    stream: OnceLock<Stream>,
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

/// Clears a polling GET's claim when it ends or its client gives up on it.
struct Waiting<'a>(&'a Conn);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if let Some(polling) = self.0.state().polling.as_mut() {
            polling.waiting = false;
            polling.waker = None;
        }
    }
}

impl Conn {
    /// A connection on `stream`, its WebSocket handshake done, for `session`; `bound` is how
    /// many bytes may wait for a slow client before it is disconnected.
    pub fn new(
        id: u32,
        stream: impl Into<Stream>,
        version: Version,
        session: Session,
        bound: usize,
    ) -> Self {
        let conn = Conn::without_stream(id, version, session, bound, None);
        conn.stream.set(stream.into()).ok();
        conn
    }

    /// A connection for `session`, opened on long-polling: its packets wait for the client's
    /// GETs until a WebSocket is [attached](Conn::attach) and the upgrade completes.
    pub fn polling(id: u32, version: Version, session: Session, bound: usize) -> Self {
        Conn::without_stream(id, version, session, bound, Some(Box::default()))
    }

    fn without_stream(
        id: u32,
        version: Version,
        session: Session,
        bound: usize,
        polling: Option<Box<Polling>>,
    ) -> Self {
        Conn {
            id,
            stream: OnceLock::new(),
            version,
            bound,
            state: Mutex::new(State {
                session,
                queue: VecDeque::new(),
                queued: 0,
                closed: None,
                torn: false,
                scheduled: None,
                polling,
            }),
            wake: Notify::new(),
        }
    }

    /// Attaches the probing WebSocket of a long-polling session; `early` is what the HTTP layer
    /// read past its upgrade request. The connection's task reads it from now on; the upgrade
    /// completes when the client sends `2probe`, then `5`. The stream comes back if the session
    /// cannot take it: it has closed, does not poll (it upgraded), or has had a probe.
    pub fn attach(&self, stream: Stream, early: Bytes) -> Result<(), Stream> {
        let mut state = self.state();
        if state.closed.is_some() || self.stream.get().is_some() {
            return Err(stream);
        }
        let Some(polling) = state.polling.as_mut() else {
            return Err(stream);
        };
        polling.early = early;
        self.stream.set(stream)?;
        self.wake.notify_one();
        Ok(())
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

    /// An Engine.IO packet, encoded for this connection's version and written as [`Conn::send`]
    /// (or, while the session polls, put in the outbox of the next GET).
    pub fn send_packet(&self, packet: &Packet) -> Result<(), SendError> {
        let mut state = self.state();
        match state.session.transport() {
            Transport::WebSocket => {
                let frame = self.frame_of(packet);
                self.send_locked(&mut state, frame)
            }
            Transport::Polling => self.queue_poll(&mut state, packet.clone()),
        }
    }

    /// A message written in place ([`MessageWriter`]): its WebSocket frame sent from the
    /// buffer it was written into, or, while the session polls, its text put in the outbox.
    pub fn send_written(&self, message: MessageWriter) -> Result<(), SendError> {
        if std::str::from_utf8(message.0.payload()).is_err() {
            return Err(SendError::NotText);
        }
        let mut state = self.state();
        match state.session.transport() {
            Transport::WebSocket => self.send_locked(&mut state, message.0.finish()),
            Transport::Polling => {
                let mut payload = message.0.into_payload();
                // The Engine.IO type, which the outbox's packet carries as its variant.
                payload.remove(0);
                let text = String::from_utf8(payload).map_err(|_| SendError::NotText)?;
                self.queue_poll(&mut state, Packet::Message(text))
            }
        }
    }

    /// A text message encoded once for many connections: `frame` is its WebSocket frame, `text`
    /// the Engine.IO message (without its type), for a session that polls.
    pub fn send_message(&self, frame: &Bytes, text: &str) -> Result<(), SendError> {
        let mut state = self.state();
        match state.session.transport() {
            Transport::WebSocket => self.send_locked(&mut state, frame.clone()),
            Transport::Polling => self.queue_poll(&mut state, Packet::Message(text.to_owned())),
        }
    }

    /// Puts `packet` in the outbox of the next GET, and wakes the GET that waits.
    fn queue_poll(&self, state: &mut State, packet: Packet) -> Result<(), SendError> {
        if let Some(reason) = state.closed {
            return Err(SendError::Closed(reason));
        }
        let Some(polling) = state.polling.as_mut() else {
            return Err(SendError::Closed(CloseReason::TransportClose));
        };
        polling.outbox_bytes += match &packet {
            Packet::Message(text) => text.len(),
            Packet::Binary(bytes) => bytes.len(),
            _ => 0,
        } + 1;
        polling.outbox.push(packet);
        polling.wake();
        if polling.outbox_bytes > self.bound {
            let queued = polling.outbox_bytes;
            tracing::warn!(
                conn = self.id,
                queued,
                bound = self.bound,
                "a polling client fetches too slowly: disconnected"
            );
            self.close_locked(state, CloseReason::ForcedClose);
            return Err(SendError::TooSlow {
                queued,
                bound: self.bound,
            });
        }
        Ok(())
    }

    fn frame_of(&self, packet: &Packet) -> Bytes {
        match packet {
            Packet::Binary(bytes) => ws::binary(&Packet::encode_binary(self.version, bytes)),
            other => ws::text(&other.encode_text()),
        }
    }

    fn send_locked(&self, state: &mut State, frame: impl Frame) -> Result<(), SendError> {
        if let Some(reason) = state.closed {
            return Err(SendError::Closed(reason));
        }
        let Some(stream) = self.stream.get() else {
            // A polling session's packets go to its outbox; only the probe writes here.
            return Err(SendError::Closed(CloseReason::TransportClose));
        };
        let rest = if state.queue.is_empty() {
            match stream.try_write(frame.bytes()) {
                Ok(n) if n == frame.bytes().len() => return Ok(()),
                Ok(n) => frame.rest(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => frame.rest(0),
                Err(e) => {
                    tracing::debug!(conn = self.id, error = %e, "a write failed: the WebSocket ends");
                    self.websocket_failed(state, CloseReason::TransportClose);
                    return Err(SendError::Closed(CloseReason::TransportClose));
                }
            }
        } else {
            frame.rest(0)
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
            self.websocket_failed(state, CloseReason::ForcedClose);
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
            if let Some(polling) = state.polling.as_mut()
                && polling.waiting
            {
                // The GET that waits ends with the close, as engine.io's does: a noop when the
                // client closed (it sent `1`), a close packet when the server did.
                polling
                    .outbox
                    .push(if reason == CloseReason::TransportClose {
                        Packet::Noop
                    } else {
                        Packet::Close
                    });
                polling.wake();
            }
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
    fn act(&self, state: &mut State, actions: Actions, deliver: &mut dyn FnMut(Event)) {
        for action in actions {
            match action {
                // A failed send has closed the connection already.
                Action::Send(Transport::WebSocket, packet) => {
                    let frame = self.frame_of(&packet);
                    let _ = self.send_locked(state, frame);
                }
                Action::Send(Transport::Polling, packet) => {
                    let _ = self.queue_poll(state, packet);
                }
                Action::Message(text) => deliver(Event::Message(text)),
                Action::Binary(bytes) => deliver(Event::Binary(bytes)),
                Action::Upgraded => self.upgraded(state),
                Action::Refuse(Transport::WebSocket) => {
                    // The probe broke the upgrade's order: the session goes on polling, and the
                    // connection's task drops the WebSocket.
                    if let Some(polling) = state.polling.as_mut() {
                        polling.probe_failed = true;
                    }
                }
                // A POST after the upgrade is refused before it reaches the session.
                Action::Refuse(Transport::Polling) => {}
                Action::Close(reason) => self.close_locked(state, reason),
            }
        }
    }

    /// Drops the probing WebSocket if the upgrade has not completed (engine.io's
    /// `upgradeTimeout` ran out): the session goes on polling.
    pub fn drop_probe(&self) {
        let mut state = self.state();
        if state.closed.is_none() && state.polling.is_some() && self.stream.get().is_some() {
            self.websocket_failed(&mut state, CloseReason::TransportError);
        }
    }

    /// The upgrade completed: what waited for the next GET goes out on the WebSocket, in order,
    /// and the long-polling side is dropped (a later GET or POST is refused).
    fn upgraded(&self, state: &mut State) {
        let Some(mut polling) = state.polling.take() else {
            return;
        };
        polling.wake();
        for packet in std::mem::take(&mut polling.outbox) {
            let frame = self.frame_of(&packet);
            if self.send_locked(state, frame).is_err() {
                return;
            }
        }
    }

    /// Closes a session whose heartbeat has run out since the wheel's last tick.
    fn check_heartbeat(&self, state: &mut State) {
        if state.session.timed_out(Instant::now()) {
            let actions = state.session.close(CloseReason::PingTimeout);
            self.act(state, actions, &mut |_| {});
        }
    }

    /// A long-polling GET: waits until packets are there for the client (a ping, a message, a
    /// noop during the upgrade, the close), and takes them. Only one GET may wait: a second
    /// closes the session, as in engine.io.
    pub async fn poll(&self) -> Result<Vec<Packet>, PollError> {
        {
            let mut state = self.state();
            self.check_heartbeat(&mut state);
            if state.closed.is_some() {
                return Err(PollError::Closed);
            }
            let Some(polling) = state.polling.as_mut() else {
                return Err(PollError::NotPolling);
            };
            if polling.waiting {
                self.close_locked(&mut state, CloseReason::TransportError);
                return Err(PollError::Overlap);
            }
            polling.waiting = true;
        }
        // The client may give up on its GET (the future is dropped): another may come.
        let _waiting = Waiting(self);
        std::future::poll_fn(|cx| {
            let mut state = self.state();
            let closed = state.closed.is_some();
            let Some(polling) = state.polling.as_mut() else {
                return Poll::Ready(Err(PollError::NotPolling));
            };
            if !polling.outbox.is_empty() {
                polling.outbox_bytes = 0;
                return Poll::Ready(Ok(std::mem::take(&mut polling.outbox)));
            }
            if closed {
                return Poll::Ready(Err(PollError::Closed));
            }
            polling.waker = Some(cx.waker().clone());
            Poll::Pending
        })
        .await
    }

    /// A long-polling POST's packets, through the session; messages go to `deliver`. A
    /// payload that does not decode closes the session, as in engine.io.
    pub fn post(
        &self,
        body: &[u8],
        binary: bool,
        mut deliver: impl FnMut(Event),
    ) -> Result<(), PollError> {
        let decoded = match (self.version, binary) {
            (Version::V3, true) => super::engine::v3::decode_binary_payload(body),
            (Version::V3, false) => std::str::from_utf8(body)
                .map_err(|_| super::engine::DecodeError::NotUtf8)
                .and_then(super::engine::v3::decode_payload),
            (Version::V4, _) => std::str::from_utf8(body)
                .map_err(|_| super::engine::DecodeError::NotUtf8)
                .and_then(super::engine::v4::decode_payload),
        };
        let mut events = smallvec::SmallVec::<[Event; 2]>::new();
        {
            let mut state = self.state();
            self.check_heartbeat(&mut state);
            if state.closed.is_some() {
                return Err(PollError::Closed);
            }
            if state.polling.is_none() || state.session.transport() != Transport::Polling {
                return Err(PollError::NotPolling);
            }
            let packets = match decoded {
                Ok(packets) => packets,
                Err(error) => {
                    self.close_locked(&mut state, CloseReason::TransportError);
                    return Err(PollError::Payload(error));
                }
            };
            let now = Instant::now();
            for packet in packets {
                let actions = state.session.receive(packet, Transport::Polling, now);
                self.act(&mut state, actions, &mut |event| events.push(event));
                if state.closed.is_some() {
                    break;
                }
            }
        }
        // Delivered outside the lock: the layer above may send on this connection.
        for event in events {
            deliver(event);
        }
        Ok(())
    }

    /// The connection's task: reads until the connection ends, writing what waits when the
    /// socket takes it; every message goes to `deliver`, and last the reason it closed.
    /// `early` is what the HTTP layer read past the upgrade request (the client's first frames,
    /// when it sent them at once), read before the socket.
    pub async fn run(&self, early: &[u8], mut deliver: impl FnMut(&Conn, Event)) {
        let mut early = Some(early);
        let reason = 'session: loop {
            // A session on long-polling has no stream to read until its probe comes, or after
            // a probe failed; POSTs and GETs are served by their requests meanwhile.
            let probe_early = loop {
                {
                    let mut state = self.state();
                    if let Some(reason) = state.closed {
                        break 'session reason;
                    }
                    match state.polling.as_mut() {
                        None => break Bytes::new(),
                        Some(polling) if !polling.probe_failed && self.stream.get().is_some() => {
                            break std::mem::take(&mut polling.early);
                        }
                        Some(_) => {}
                    }
                }
                self.wake.notified().await;
            };
            let Some(stream) = self.stream.get() else {
                break CloseReason::TransportClose;
            };
            let mut reader = Reader::new(self.max_message());
            for chunk in [early.take().unwrap_or_default(), &probe_early[..]] {
                if !chunk.is_empty()
                    && let Err(reason) = self.take(&mut reader, chunk, &mut deliver)
                {
                    self.end_websocket(stream, reason);
                }
            }
            // Not held across the awaits below: the task's state is every idle socket's memory.
            drop(probe_early);
            // One wake-up registration for the whole loop, renewed only when it fires: made
            // anew on every turn, it was locked into and out of the `Notify`'s list for each
            // request read.
            let mut woken = std::pin::pin!(self.wake.notified());
            loop {
                let (waiting, closed, probe_failed) = {
                    let state = self.state();
                    let probe_failed = state.polling.as_ref().is_some_and(|p| p.probe_failed);
                    (!state.queue.is_empty(), state.closed, probe_failed)
                };
                if let Some(reason) = closed {
                    break 'session reason;
                }
                if probe_failed {
                    stream.shut_down(self.id);
                    continue 'session;
                }
                let interest = if waiting {
                    Interest::READABLE | Interest::WRITABLE
                } else {
                    Interest::READABLE
                };
                let ready = tokio::select! {
                    ready = stream.ready(interest) => ready,
                    () = woken.as_mut() => {
                        woken.set(self.wake.notified());
                        continue;
                    }
                };
                let turn = match ready {
                    Err(_) => Err(CloseReason::TransportClose),
                    // Nothing more can be written: the client is gone.
                    Ok(ready) if ready.is_write_closed() => Err(CloseReason::TransportClose),
                    Ok(ready) => {
                        if ready.is_writable() {
                            self.flush(stream);
                        }
                        if ready.is_readable() || ready.is_read_closed() {
                            self.read(stream, &mut reader, &mut deliver)
                        } else {
                            Ok(false)
                        }
                    }
                };
                match turn {
                    Err(reason) => self.end_websocket(stream, reason),
                    // The turn was cut short with more to read: the other tasks of this worker
                    // run first.
                    Ok(true) => tokio::task::yield_now().await,
                    Ok(false) => {}
                }
            }
        };
        if let Some(stream) = self.stream.get() {
            if !self.state().torn {
                let _ = stream.try_write(&ws::close());
            }
            // The TCP connection ends now, not when the last handle to this `Conn` goes (a
            // request still running holds one).
            stream.shut_down(self.id);
        }
        deliver(self, Event::Closed(reason));
    }

    /// The WebSocket ended (the client closed it or broke the protocol): the session closes,
    /// unless the WebSocket was a probe and the session still polls.
    fn end_websocket(&self, stream: &Stream, reason: CloseReason) {
        let mut state = self.state();
        self.websocket_failed(&mut state, reason);
        if state.polling.is_some() {
            stream.shut_down(self.id);
        }
    }

    /// The WebSocket failed (a write, a read, a bound): the session closes with `reason`,
    /// unless the WebSocket is a probe and the session still polls; then the probe is dropped
    /// (the connection's task shuts it down) and the session goes on polling, as engine.io's.
    fn websocket_failed(&self, state: &mut State, reason: CloseReason) {
        let Some(polling) = state.polling.as_mut() else {
            self.close_locked(state, reason);
            return;
        };
        if !polling.probe_failed {
            tracing::debug!(
                conn = self.id,
                reason = reason.as_str(),
                "a probing WebSocket failed: the session goes on polling"
            );
            polling.probe_failed = true;
        }
        state.queue.clear();
        state.queued = 0;
        self.wake.notify_one();
    }

    fn max_message(&self) -> usize {
        // Engine.IO's maxPayload counts the message; the frame adds its type digit.
        self.state().session.max_payload().saturating_add(1)
    }

    /// Reads what the socket has, at most [`READS_PER_TURN`] chunks or [`MESSAGES_PER_TURN`]
    /// messages (so one fast sender cannot hold the worker), delivering each chunk's messages
    /// before the next read. Whether the turn was cut short with more to read, or a reason to
    /// close, if the client closed or broke the protocol.
    fn read(
        &self,
        stream: &Stream,
        reader: &mut Reader,
        deliver: &mut impl FnMut(&Conn, Event),
    ) -> Result<bool, CloseReason> {
        let mut buf = [0u8; READ_CHUNK];
        let mut delivered = 0;
        for _ in 0..READS_PER_TURN {
            let n = match stream.read_chunk(&mut buf) {
                Ok(0) => return Err(CloseReason::TransportClose),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(_) => return Err(CloseReason::TransportClose),
            };
            delivered += self.take(reader, &buf[..n], deliver)?;
            if n < buf.len() {
                return Ok(false);
            }
            if delivered >= MESSAGES_PER_TURN {
                return Ok(true);
            }
        }
        Ok(true)
    }

    /// Reads the messages `data` completes and delivers them: how many, or a reason to close,
    /// if the client closed or broke the protocol.
    fn take(
        &self,
        reader: &mut Reader,
        data: &[u8],
        deliver: &mut impl FnMut(&Conn, Event),
    ) -> Result<usize, CloseReason> {
        let mut messages = ws::Messages::new();
        if let Err(error) = reader.read(data, &mut messages) {
            tracing::debug!(conn = self.id, %error, "the client broke the WebSocket protocol");
            return Err(CloseReason::TransportError);
        }
        let count = messages.len();
        for message in messages {
            if let Some(reason) = self.receive(message, deliver) {
                return Err(reason);
            }
        }
        Ok(count)
    }

    /// One message from the client, through the session; a reason to close, if it ends the
    /// connection.
    fn receive(
        &self,
        message: Message,
        deliver: &mut impl FnMut(&Conn, Event),
    ) -> Option<CloseReason> {
        let packet = match message {
            Message::Text(text) => Packet::decode_frame(self.version, text),
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
        let mut events = smallvec::SmallVec::<[Event; 2]>::new();
        let closed = {
            let mut state = self.state();
            let actions = state
                .session
                .receive(packet, Transport::WebSocket, Instant::now());
            self.act(&mut state, actions, &mut |event| events.push(event));
            // A refused probe is not read further: its task drops it.
            let refused = state.polling.as_ref().is_some_and(|p| p.probe_failed);
            state
                .closed
                .or(refused.then_some(CloseReason::TransportError))
        };
        // Delivered outside the lock: the layer above may send on this connection.
        for event in events {
            deliver(self, event);
        }
        closed
    }

    /// Writes what waits, as far as the kernel takes it.
    fn flush(&self, stream: &Stream) {
        let mut state = self.state();
        while let Some(front) = state.queue.front_mut() {
            match stream.try_write(front) {
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
                    self.websocket_failed(&mut state, CloseReason::TransportClose);
                    return;
                }
            }
        }
        // Nothing kept for an idle socket.
        state.queue = VecDeque::new();
    }
}

/// A frame to write: its bytes, and what is left of it to queue when the kernel takes part.
trait Frame {
    fn bytes(&self) -> &[u8];
    fn rest(self, written: usize) -> Bytes;
}

impl Frame for Bytes {
    fn bytes(&self) -> &[u8] {
        self
    }

    fn rest(self, written: usize) -> Bytes {
        self.slice(written..)
    }
}

impl Frame for ws::Framed {
    fn bytes(&self) -> &[u8] {
        ws::Framed::bytes(self)
    }

    fn rest(self, written: usize) -> Bytes {
        ws::Framed::rest(self, written)
    }
}

#[cfg(test)]
mod tests;
