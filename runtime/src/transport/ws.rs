//! WebSocket frames for the transport: tungstenite's frame header parser and writer (its
//! protocol layer, without its stream), and the rest of RFC 6455 a server needs around them:
//! unmasking, fragmented messages, control frames, a size limit.
//!
//! Why not tungstenite's `WebSocket` itself: it owns the stream and a read buffer of its own
//! (4 KiB kept while a socket is idle, issue 20's measurements), where the transport reads into
//! a buffer borrowed for one read and keeps only an incomplete frame. A [`Reader`] holds
//! nothing between frames: an idle socket's costs an empty `Vec`.

use std::io::Cursor;

use bytes::Bytes;
use tungstenite::protocol::frame::FrameHeader;
use tungstenite::protocol::frame::coding::{Control, Data, OpCode};

/// A whole message or control frame from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A text message (an Engine.IO packet).
    Text(String),
    /// A binary message (an Engine.IO 4 binary packet, or an Engine.IO 3 one with its type byte).
    Binary(Bytes),
    /// A WebSocket ping: answer it with [`pong`].
    Ping(Bytes),
    /// The client is closing the WebSocket.
    Close,
}

/// The messages one read completes: a few, kept on the stack.
pub type Messages = smallvec::SmallVec<[Message; 4]>;

/// Why the client's bytes are not acceptable WebSocket frames: the connection closes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WsError {
    /// The frame header does not parse (tungstenite's reason).
    #[error("a WebSocket frame header does not parse: {0}")]
    Header(#[from] tungstenite::Error),
    /// Clients must mask their frames (RFC 6455 §5.1).
    #[error("a WebSocket frame from the client is not masked")]
    Unmasked,
    /// A reserved bit or opcode: no extension was negotiated.
    #[error("a WebSocket frame uses a reserved bit or opcode ({0})")]
    Reserved(String),
    /// A message larger than the limit (the transport's `maxPayload`).
    #[error("a WebSocket message of {len} bytes or more is larger than the limit of {max} bytes")]
    TooLarge {
        /// How large it is at least.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// A continuation without a message to continue, or a new message inside one.
    #[error("a fragmented WebSocket message is out of order: {0}")]
    Fragments(&'static str),
    /// A control frame longer than 125 bytes or fragmented.
    #[error("a WebSocket control frame is fragmented or longer than 125 bytes")]
    Control,
    /// A text message that is not UTF-8.
    #[error("a WebSocket text message is not UTF-8")]
    NotUtf8,
}

/// Reads the client's frames from whatever bytes each read brought, keeping only what is
/// incomplete (a partial frame, or the fragments of a message) between reads.
#[derive(Debug)]
pub struct Reader {
    partial: Vec<u8>,
    /// A fragmented message being put together: text or not, and its bytes so far.
    fragments: Option<(bool, Vec<u8>)>,
    max: usize,
}

impl Reader {
    /// A reader that refuses messages over `max` bytes.
    pub fn new(max: usize) -> Self {
        Reader {
            partial: Vec::new(),
            fragments: None,
            max,
        }
    }

    /// Whether the reader holds nothing (no partial frame, no fragments): an idle socket's
    /// state.
    pub fn is_idle(&self) -> bool {
        self.partial.capacity() == 0 && self.fragments.is_none()
    }

    /// Reads the frames `data` completes into `out`.
    pub fn read(&mut self, data: &[u8], out: &mut impl Extend<Message>) -> Result<(), WsError> {
        if self.partial.is_empty() {
            let used = self.frames(data, out)?;
            self.partial = data[used..].to_vec();
        } else {
            let mut buf = std::mem::take(&mut self.partial);
            buf.extend_from_slice(data);
            let used = self.frames(&buf, out)?;
            buf.drain(..used);
            self.partial = buf;
        }
        if self.partial.is_empty() {
            // Nothing kept for an idle socket.
            self.partial = Vec::new();
        }
        Ok(())
    }

    /// Reads every whole frame at the start of `buf`; the bytes they took.
    fn frames(&mut self, buf: &[u8], out: &mut impl Extend<Message>) -> Result<usize, WsError> {
        let mut used = 0;
        loop {
            let mut cursor = Cursor::new(&buf[used..]);
            let Some((header, len)) = FrameHeader::parse(&mut cursor)? else {
                return Ok(used);
            };
            // A continuation counts with the fragments before it; a control frame between
            // fragments is a message of its own.
            let so_far = match header.opcode {
                OpCode::Data(Data::Continue) => {
                    self.fragments.as_ref().map_or(0, |(_, b)| b.len() as u64)
                }
                _ => 0,
            };
            if len.saturating_add(so_far) > self.max as u64 {
                return Err(WsError::TooLarge {
                    len: len.saturating_add(so_far),
                    max: self.max,
                });
            }
            let start = used + cursor.position() as usize;
            let Some(end) = start.checked_add(len as usize).filter(|e| *e <= buf.len()) else {
                return Ok(used);
            };
            if header.rsv1 || header.rsv2 || header.rsv3 {
                return Err(WsError::Reserved("an RSV bit".to_owned()));
            }
            let mask = header.mask.ok_or(WsError::Unmasked)?;
            let mut payload = buf[start..end].to_vec();
            unmask(&mut payload, mask);
            used = end;
            self.frame(header.opcode, header.is_final, payload, out)?;
        }
    }

    fn frame(
        &mut self,
        opcode: OpCode,
        fin: bool,
        payload: Vec<u8>,
        out: &mut impl Extend<Message>,
    ) -> Result<(), WsError> {
        match opcode {
            OpCode::Control(control) => {
                if !fin || payload.len() > 125 {
                    return Err(WsError::Control);
                }
                match control {
                    Control::Ping => out.extend([Message::Ping(payload.into())]),
                    Control::Pong => {}
                    Control::Close => out.extend([Message::Close]),
                    Control::Reserved(code) => {
                        return Err(WsError::Reserved(format!("control opcode {code}")));
                    }
                }
            }
            OpCode::Data(Data::Continue) => {
                let (text, mut bytes) = self.fragments.take().ok_or(WsError::Fragments(
                    "a continuation with nothing to continue",
                ))?;
                bytes.extend_from_slice(&payload);
                if fin {
                    out.extend([message(text, bytes)?]);
                } else {
                    self.fragments = Some((text, bytes));
                }
            }
            OpCode::Data(data @ (Data::Text | Data::Binary)) => {
                if self.fragments.is_some() {
                    return Err(WsError::Fragments("a new message inside a fragmented one"));
                }
                let text = data == Data::Text;
                if fin {
                    out.extend([message(text, payload)?]);
                } else {
                    self.fragments = Some((text, payload));
                }
            }
            OpCode::Data(Data::Reserved(code)) => {
                return Err(WsError::Reserved(format!("data opcode {code}")));
            }
        }
        Ok(())
    }
}

fn message(text: bool, bytes: Vec<u8>) -> Result<Message, WsError> {
    if text {
        String::from_utf8(bytes)
            .map(Message::Text)
            .map_err(|_| WsError::NotUtf8)
    } else {
        Ok(Message::Binary(bytes.into()))
    }
}

/// Undoes the client's mask (RFC 6455 §5.3).
fn unmask(payload: &mut [u8], mask: [u8; 4]) {
    for (i, byte) in payload.iter_mut().enumerate() {
        *byte ^= mask[i & 3];
    }
}

/// A server frame (unmasked, final) of `opcode` around `payload`, header and payload in one
/// buffer: a broadcast encodes it once and writes the same bytes to every recipient.
fn frame(opcode: OpCode, payload: &[u8]) -> Bytes {
    let header = header(opcode, true, None);
    let mut out = Vec::with_capacity(header.len(payload.len() as u64) + payload.len());
    header
        .format(payload.len() as u64, &mut out)
        .expect("a Vec takes every write");
    out.extend_from_slice(payload);
    out.into()
}

/// The most a server frame's header takes: no mask, a 64-bit length.
const MAX_HEADER: usize = 10;

/// A text frame whose payload is written in place, after room for its header, so that a
/// message written once is framed without a copy (an ack: serialized, framed and sent from
/// one buffer).
pub struct TextFrame {
    buf: Vec<u8>,
}

impl TextFrame {
    /// An empty frame, with room for a small message.
    pub fn new() -> Self {
        let mut buf = Vec::with_capacity(256);
        buf.resize(MAX_HEADER, 0);
        TextFrame { buf }
    }

    /// The payload written so far.
    pub fn payload(&self) -> &[u8] {
        &self.buf[MAX_HEADER..]
    }

    /// The payload, without its frame.
    pub fn into_payload(mut self) -> Vec<u8> {
        self.buf.drain(..MAX_HEADER);
        self.buf
    }

    /// The frame: its header written just before the payload, the whole sent from this buffer.
    pub fn finish(mut self) -> Framed {
        let len = self.buf.len() - MAX_HEADER;
        let mut head = [0u8; MAX_HEADER];
        let mut cursor = std::io::Cursor::new(&mut head[..]);
        header(OpCode::Data(Data::Text), true, None)
            .format(len as u64, &mut cursor)
            .expect("a server frame's header fits in MAX_HEADER bytes");
        let written = cursor.position() as usize;
        let start = MAX_HEADER - written;
        self.buf[start..MAX_HEADER].copy_from_slice(&head[..written]);
        Framed {
            buf: self.buf,
            start,
        }
    }
}

/// A frame in the buffer it was written into ([`TextFrame::finish`]): written from there, and
/// made into [`Bytes`] (an allocation) only for what the kernel does not take at once.
pub struct Framed {
    buf: Vec<u8>,
    start: usize,
}

impl Framed {
    /// The frame's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// What is left of the frame after its first `written` bytes, to be queued.
    pub fn rest(self, written: usize) -> Bytes {
        Bytes::from(self.buf).slice(self.start + written..)
    }
}

impl Default for TextFrame {
    fn default() -> Self {
        Self::new()
    }
}

impl std::io::Write for TextFrame {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(data);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A frame header without extensions.
fn header(opcode: OpCode, is_final: bool, mask: Option<[u8; 4]>) -> FrameHeader {
    FrameHeader {
        is_final,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode,
        mask,
    }
}

/// A frame as a client writes it (masked unless told otherwise), for the transport's tests.
#[cfg(test)]
pub(super) fn client_frame(opcode: OpCode, fin: bool, payload: &[u8], masked: bool) -> Vec<u8> {
    let header = header(opcode, fin, masked.then_some([0x37, 0xfa, 0x21, 0x3d]));
    let frame =
        tungstenite::protocol::frame::Frame::from_payload(header, Bytes::copy_from_slice(payload));
    let mut out = Vec::new();
    frame.format(&mut out).expect("into a Vec");
    out
}

/// A text frame.
pub fn text(payload: &str) -> Bytes {
    frame(OpCode::Data(Data::Text), payload.as_bytes())
}

/// A binary frame.
pub fn binary(payload: &[u8]) -> Bytes {
    frame(OpCode::Data(Data::Binary), payload)
}

/// The pong that answers a client's ping.
pub fn pong(payload: &[u8]) -> Bytes {
    frame(OpCode::Control(Control::Pong), payload)
}

/// A close frame (status 1000, normal closure).
pub fn close() -> Bytes {
    frame(OpCode::Control(Control::Close), &1000u16.to_be_bytes())
}

/// The `Sec-WebSocket-Accept` answer to a client's `Sec-WebSocket-Key`.
pub fn accept_key(key: &[u8]) -> String {
    tungstenite::handshake::derive_accept_key(key)
}

#[cfg(test)]
mod tests;
