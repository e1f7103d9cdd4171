//! Engine.IO packets: one per WebSocket frame, or several per long-polling body.
//!
//! A text packet is its type digit then its data (`4hello`, `2probe`); a binary message is
//! the raw bytes of a binary frame in Engine.IO 4 and the same bytes after a `0x04` type byte
//! in Engine.IO 3. Long-polling bodies differ by version: Engine.IO 4 separates records with
//! `\x1e` and writes a binary message as `b` and its base64; Engine.IO 3 writes each packet as
//! `<length>:<packet>` (the length in UTF-16 code units, as JavaScript counts it), a binary
//! message as `b4` and its base64, or, to clients with XHR2, a binary body of records
//! `<0 text | 1 binary><length in bytes, as decimal digits one byte each><0xFF><packet>`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

/// The Engine.IO protocol version of a connection (`EIO=3` or `EIO=4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Engine.IO 3: socket.io-client 1.x and 2.x, so `sails.io.js`.
    V3,
    /// Engine.IO 4: socket.io-client 3 and later.
    V4,
}

/// One Engine.IO packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// `0`: the handshake, the server's JSON.
    Open(String),
    /// `1`: the transport is closing.
    Close,
    /// `2`: a ping, with optional data (`probe` during an upgrade).
    Ping(String),
    /// `3`: a pong, echoing a ping's data.
    Pong(String),
    /// `4`: a text message (a Socket.IO packet).
    Message(String),
    /// A binary message (a Socket.IO attachment).
    Binary(Bytes),
    /// `5`: the upgrade to WebSocket is complete.
    Upgrade,
    /// `6`: nothing (ends a polling cycle during an upgrade).
    Noop,
}

/// Why a frame or a polling body is not Engine.IO.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// An empty frame or record.
    #[error("an Engine.IO packet is empty: it starts with its type, a digit from 0 to 6")]
    Empty,
    /// A type that is not 0 to 6.
    #[error("`{0}` is not an Engine.IO packet type: the first character is a digit from 0 to 6")]
    UnknownType(String),
    /// Data on a packet that takes none.
    #[error("the Engine.IO packet `{0}` carries no data, but data follows it")]
    UnexpectedData(char),
    /// An Engine.IO 3 binary frame whose type byte is not a message.
    #[error("an Engine.IO 3 binary frame starts with the message type 4, not {0}")]
    BinaryType(u8),
    /// Base64 that does not decode.
    #[error("a base64 binary record does not decode: {0}")]
    Base64(String),
    /// An Engine.IO 3 payload whose length prefix is missing, not a number, or longer than
    /// what follows.
    #[error("an Engine.IO 3 payload record at byte {at} has a bad length prefix: {problem}")]
    Length {
        /// Where the record starts.
        at: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// A binary body of an Engine.IO 3 payload that is not text.
    #[error("a text record of an Engine.IO 3 binary payload is not UTF-8")]
    NotUtf8,
}

impl Packet {
    fn type_digit(&self) -> char {
        match self {
            Packet::Open(_) => '0',
            Packet::Close => '1',
            Packet::Ping(_) => '2',
            Packet::Pong(_) => '3',
            Packet::Message(_) | Packet::Binary(_) => '4',
            Packet::Upgrade => '5',
            Packet::Noop => '6',
        }
    }

    /// The packet as a text frame; a binary message as `b` and base64 (Engine.IO 4's polling
    /// form; [`Packet::encode_binary`] writes its frame).
    pub fn encode_text(&self) -> String {
        let mut out = String::new();
        match self {
            Packet::Binary(bytes) => {
                out.push('b');
                out.push_str(&STANDARD.encode(bytes));
            }
            Packet::Open(data)
            | Packet::Ping(data)
            | Packet::Pong(data)
            | Packet::Message(data) => {
                out.push(self.type_digit());
                out.push_str(data);
            }
            Packet::Close | Packet::Upgrade | Packet::Noop => out.push(self.type_digit()),
        }
        out
    }

    /// A binary message as the binary frame of `version`.
    pub fn encode_binary(version: Version, bytes: &[u8]) -> Vec<u8> {
        match version {
            Version::V4 => bytes.to_vec(),
            Version::V3 => {
                let mut out = Vec::with_capacity(bytes.len() + 1);
                out.push(4);
                out.extend_from_slice(bytes);
                out
            }
        }
    }

    /// Reads a text frame that is already owned: a message keeps the frame's buffer, its type
    /// taken off in place, rather than being copied out of it.
    pub fn decode_owned(mut frame: String) -> Result<Packet, DecodeError> {
        if frame.starts_with('4') {
            frame.remove(0);
            return Ok(Packet::Message(frame));
        }
        Packet::decode_text(&frame)
    }

    /// Reads a WebSocket text frame of `version`: a text packet, or a binary message in
    /// base64 (`b…` in Engine.IO 4, `b4…` in 3), which engine.io-client sends in text frames
    /// when `forceBase64` is set.
    pub fn decode_frame(version: Version, frame: String) -> Result<Packet, DecodeError> {
        let base64 = match version {
            Version::V4 => frame.strip_prefix('b'),
            Version::V3 => frame.strip_prefix("b4"),
        };
        match base64 {
            Some(encoded) => base64_record(encoded),
            None => Packet::decode_owned(frame),
        }
    }

    /// Reads a text frame (or one polling record).
    pub fn decode_text(frame: &str) -> Result<Packet, DecodeError> {
        let mut chars = frame.chars();
        let first = chars.next().ok_or(DecodeError::Empty)?;
        let data = chars.as_str();
        let bare = |packet: Packet| {
            if data.is_empty() {
                Ok(packet)
            } else {
                Err(DecodeError::UnexpectedData(first))
            }
        };
        match first {
            '0' => Ok(Packet::Open(data.to_owned())),
            '1' => bare(Packet::Close),
            '2' => Ok(Packet::Ping(data.to_owned())),
            '3' => Ok(Packet::Pong(data.to_owned())),
            '4' => Ok(Packet::Message(data.to_owned())),
            '5' => bare(Packet::Upgrade),
            '6' => bare(Packet::Noop),
            _ => Err(DecodeError::UnknownType(first.to_string())),
        }
    }

    /// Reads a binary frame of `version`.
    pub fn decode_binary(version: Version, frame: &[u8]) -> Result<Packet, DecodeError> {
        match version {
            Version::V4 => Ok(Packet::Binary(Bytes::copy_from_slice(frame))),
            Version::V3 => match frame.split_first() {
                Some((4, rest)) => Ok(Packet::Binary(Bytes::copy_from_slice(rest))),
                Some((other, _)) => Err(DecodeError::BinaryType(*other)),
                None => Err(DecodeError::Empty),
            },
        }
    }
}

fn base64_record(text: &str) -> Result<Packet, DecodeError> {
    STANDARD
        .decode(text)
        .map(|bytes| Packet::Binary(Bytes::from(bytes)))
        .map_err(|e| DecodeError::Base64(e.to_string()))
}

/// Engine.IO 4 long-polling: records separated by `\x1e`.
pub mod v4 {
    use super::*;

    /// Reads a polling body.
    pub fn decode_payload(body: &str) -> Result<Vec<Packet>, DecodeError> {
        body.split('\u{1e}')
            .map(|record| match record.strip_prefix('b') {
                Some(encoded) => base64_record(encoded),
                None => Packet::decode_text(record),
            })
            .collect()
    }

    /// Writes a polling body.
    pub fn encode_payload(packets: &[Packet]) -> String {
        let records: Vec<String> = packets.iter().map(Packet::encode_text).collect();
        records.join("\u{1e}")
    }
}

/// Engine.IO 3 long-polling: length-prefixed records, as text or as an XHR2 binary body.
pub mod v3 {
    use super::*;

    /// A record's text: a binary message as `b4` and base64.
    fn record_text(packet: &Packet) -> String {
        match packet {
            Packet::Binary(bytes) => format!("b4{}", STANDARD.encode(bytes)),
            other => other.encode_text(),
        }
    }

    /// Writes a text polling body: `<length>:<packet>` per packet, the length in UTF-16 code
    /// units.
    pub fn encode_payload(packets: &[Packet]) -> String {
        let mut out = String::new();
        for packet in packets {
            let text = record_text(packet);
            out.push_str(&text.encode_utf16().count().to_string());
            out.push(':');
            out.push_str(&text);
        }
        out
    }

    /// Reads a text polling body.
    pub fn decode_payload(body: &str) -> Result<Vec<Packet>, DecodeError> {
        let mut packets = Vec::new();
        let mut rest = body;
        let mut at = 0;
        while !rest.is_empty() {
            let colon = rest.find(':').ok_or(DecodeError::Length {
                at,
                problem: "no `:` after it",
            })?;
            let digits = &rest[..colon];
            if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(DecodeError::Length {
                    at,
                    problem: "not a number of at most 9 digits",
                });
            }
            let units: usize = digits.parse().map_err(|_| DecodeError::Length {
                at,
                problem: "not a number",
            })?;
            // Walk `units` UTF-16 code units into what follows the colon.
            let data = &rest[colon + 1..];
            let mut counted = 0;
            let mut end = 0;
            for (i, c) in data.char_indices() {
                if counted == units {
                    end = i;
                    break;
                }
                counted += c.len_utf16();
                end = i + c.len_utf8();
            }
            if counted != units {
                return Err(DecodeError::Length {
                    at,
                    problem: "longer than what follows, or ending inside a character",
                });
            }
            let record = &data[..end];
            packets.push(match record.strip_prefix("b4") {
                Some(encoded) => base64_record(encoded)?,
                None => Packet::decode_text(record)?,
            });
            let consumed = colon + 1 + end;
            at += consumed;
            rest = &rest[consumed..];
        }
        Ok(packets)
    }

    /// Writes an XHR2 binary polling body.
    pub fn encode_binary_payload(packets: &[Packet]) -> Vec<u8> {
        let mut out = Vec::new();
        for packet in packets {
            let (kind, data) = match packet {
                Packet::Binary(bytes) => (1u8, Packet::encode_binary(Version::V3, bytes)),
                other => (0u8, other.encode_text().into_bytes()),
            };
            out.push(kind);
            out.extend(data.len().to_string().bytes().map(|d| d - b'0'));
            out.push(0xFF);
            out.extend_from_slice(&data);
        }
        out
    }

    /// Reads an XHR2 binary polling body.
    pub fn decode_binary_payload(body: &[u8]) -> Result<Vec<Packet>, DecodeError> {
        let mut packets = Vec::new();
        let mut at = 0;
        while at < body.len() {
            let kind = body[at];
            if kind > 1 {
                return Err(DecodeError::Length {
                    at,
                    problem: "the record kind is neither 0 (text) nor 1 (binary)",
                });
            }
            let mut length: usize = 0;
            let mut i = at + 1;
            let mut digits = 0;
            loop {
                let Some(&b) = body.get(i) else {
                    return Err(DecodeError::Length {
                        at,
                        problem: "no 0xFF after it",
                    });
                };
                i += 1;
                if b == 0xFF {
                    break;
                }
                if b > 9 || digits == 9 {
                    return Err(DecodeError::Length {
                        at,
                        problem: "not a number of at most 9 digits",
                    });
                }
                digits += 1;
                length = length * 10 + usize::from(b);
            }
            if digits == 0 {
                return Err(DecodeError::Length {
                    at,
                    problem: "no digits",
                });
            }
            let data = body.get(i..i + length).ok_or(DecodeError::Length {
                at,
                problem: "longer than what follows",
            })?;
            packets.push(if kind == 1 {
                Packet::decode_binary(Version::V3, data)?
            } else {
                Packet::decode_text(std::str::from_utf8(data).map_err(|_| DecodeError::NotUtf8)?)?
            });
            at = i + length;
        }
        Ok(packets)
    }
}

#[cfg(test)]
mod tests;
