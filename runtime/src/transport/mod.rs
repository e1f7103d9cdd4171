//! The socket transport of our own (issue 20), built from the wire up: its two packet codecs,
//! which read untrusted frames into typed packets (or a typed error that names the problem) and
//! write packets back, the Engine.IO session above them, the heartbeat timer, the connection,
//! the socket table and the node that serves the runtime:
//!
//! - [`engine`]: Engine.IO 3 (as `sails.io.js` speaks it) and 4: text and binary frames, and
//!   the long-polling payloads of both versions (EIO3's length-prefixed strings, its binary
//!   XHR2 form and `b4` base64 records; EIO4's `\x1e`-separated records).
//! - [`socket`]: Socket.IO protocol revisions 4 (socket.io 2.x, Engine.IO 3) and 5: connect
//!   (with v5's auth payload), disconnect, events, acks, errors, and binary events and acks with
//!   their attachments.
//! - `node`: the transport serving the runtime (this node's sockets, their Socket.IO packets
//!   and the bridge), the default of `ServerBuilder::transport`.
//! - [`session`]: one Engine.IO session as a state machine without I/O (handshake, each
//!   version's heartbeat, the upgrade from polling, close and `maxPayload`).
//! - [`heartbeat`]: one timing wheel for the heartbeat deadlines of every socket.
//! - [`conn`]: one connection: one task that reads, and a direct write path with a bounded
//!   queue for what the kernel refuses; a long-polling session's outbox, GETs and POSTs, and the
//!   upgrade to its WebSocket.
//! - [`table`]: the sockets of this node and their rooms, by numeric id.
//! - [`upgrade`]: the WebSocket handshake, and the connection's stream back from hyper.
//! - [`stream`]: the stream a WebSocket is read from and written into: that `TcpStream`, or a
//!   bridge for a connection that is not one (TLS ended in the process).
//! - [`ws`]: WebSocket frames (tungstenite's header codec without its stream), read with
//!   nothing kept between frames.
//!
//! The server runs on these parts by default (`SocketTransport::Sailroute`; docs/protocol.md
//! says what is served); engineioxide/socketioxide stay selectable with
//! `SocketTransport::Socketioxide`. `bench/src/bin/transport-probe.rs` serves Engine.IO 4 over WebSocket
//! on the bare parts to measure what an idle connection costs (docs/benchmarks.md).
//! Written by hand because they are the transport's own state machine input (issue 20 asks for
//! the Engine.IO and Socket.IO layers to be the project's); tested against the protocol
//! documents' examples, by property tests (what is written reads back the same) and by the fuzz
//! targets `engine_packet` and `socket_packet`.

pub mod conn;
pub mod engine;
pub mod heartbeat;
pub(crate) mod node;
pub mod session;
pub mod socket;
pub mod stream;
pub mod table;
pub mod upgrade;
pub mod ws;
