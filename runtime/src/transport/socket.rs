//! Socket.IO packets, carried in Engine.IO messages: `<type>[<attachments>-][<namespace>,][<ack
//! id>][<JSON>]`, such as `2["hello",1]`, `42["get",{…}]` inside an Engine.IO message (`4`
//! is Engine.IO's), `3/admin,7["ok"]`, `51-["upload",{"_placeholder":true,"num":0}]`.
//!
//! Protocol revision 4 (socket.io 2.x) and 5 (socket.io 3 and later) share the frame; they
//! differ in what a CONNECT carries (v5: an optional auth object; v4: nothing, the namespace
//! may carry a query) and in type 4 (v5: CONNECT_ERROR with an object or a string; v4: ERROR
//! with any JSON).

use bytes::Bytes;
use serde_json::Value;

/// The Socket.IO protocol revision of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Revision 4: socket.io-client 1.x and 2.x on Engine.IO 3 (`sails.io.js`).
    V4,
    /// Revision 5: socket.io-client 3 and later on Engine.IO 4.
    V5,
}

/// What a packet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `0`: join a namespace.
    Connect,
    /// `1`: leave a namespace.
    Disconnect,
    /// `2`: an event, `["name", …args]`.
    Event,
    /// `3`: the answer to an event that asked for one, `[…args]`.
    Ack,
    /// `4`: v5's CONNECT_ERROR (the namespace refused the connection), v4's ERROR.
    Error,
    /// `5`: an event with binary attachments.
    BinaryEvent,
    /// `6`: an ack with binary attachments.
    BinaryAck,
}

impl Kind {
    fn digit(self) -> char {
        match self {
            Kind::Connect => '0',
            Kind::Disconnect => '1',
            Kind::Event => '2',
            Kind::Ack => '3',
            Kind::Error => '4',
            Kind::BinaryEvent => '5',
            Kind::BinaryAck => '6',
        }
    }

    fn binary(self) -> bool {
        matches!(self, Kind::BinaryEvent | Kind::BinaryAck)
    }
}

/// One Socket.IO packet (its attachments, if any, follow as binary Engine.IO messages).
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    /// What it is.
    pub kind: Kind,
    /// Its namespace (`/` when the frame names none).
    pub namespace: String,
    /// v4's connect query (`0/admin?token=1,`), when given.
    pub query: Option<String>,
    /// The ack id of an event that asks for an answer, or of the answer.
    pub id: Option<u64>,
    /// How many binary attachments follow (binary kinds only).
    pub attachments: usize,
    /// The JSON data, when there is some.
    pub data: Option<Value>,
}

/// The most attachments one packet may announce: more is refused before any is buffered.
pub const MAX_ATTACHMENTS: usize = 1_000;

/// Why a text is not a Socket.IO packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Nothing at all.
    #[error("a Socket.IO packet is empty: it starts with its type, a digit from 0 to 6")]
    Empty,
    /// A type that is not 0 to 6.
    #[error("`{0}` is not a Socket.IO packet type: the first character is a digit from 0 to 6")]
    UnknownType(char),
    /// A binary packet whose attachment count is missing, not a number or too large.
    #[error(
        "a binary Socket.IO packet announces its attachments as a number of at most {MAX_ATTACHMENTS} followed by `-`"
    )]
    Attachments,
    /// An ack id that is not a number that fits in 64 bits.
    #[error("the ack id is not a whole number below 2^64")]
    AckId,
    /// Data that is not JSON.
    #[error("the data is not JSON: {0}")]
    Json(String),
    /// Data of the wrong shape for the packet's kind.
    #[error("a {kind} packet carries {expected}")]
    Shape {
        /// The kind, in words.
        kind: &'static str,
        /// What it carries.
        expected: &'static str,
    },
    /// A binary packet whose placeholders do not match its attachments.
    #[error(
        "a binary packet's placeholders must number its attachments 0 to {count} exactly once each"
    )]
    Placeholders {
        /// How many attachments it announced.
        count: usize,
    },
}

/// A packet's head, read without its data: what the server needs to route a packet, with the
/// data left as the JSON text it came in (the bridge reads an event's request from that text
/// in one pass, without a `Value` in between).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head<'a> {
    /// What it is.
    pub kind: Kind,
    /// Its namespace (`/` when the frame names none).
    pub namespace: &'a str,
    /// v4's connect query, when given.
    pub query: Option<&'a str>,
    /// The ack id, when given.
    pub id: Option<u64>,
    /// How many binary attachments follow (binary kinds only).
    pub attachments: usize,
    /// The JSON data as text, empty when there is none (not checked here).
    pub data: &'a str,
}

impl<'a> Head<'a> {
    /// Reads a packet's head from the text of an Engine.IO message; the data is not read.
    pub fn read(version: Version, text: &'a str) -> Result<Head<'a>, DecodeError> {
        let mut rest = text;
        let first = rest.chars().next().ok_or(DecodeError::Empty)?;
        let kind = match first {
            '0' => Kind::Connect,
            '1' => Kind::Disconnect,
            '2' => Kind::Event,
            '3' => Kind::Ack,
            '4' => Kind::Error,
            '5' => Kind::BinaryEvent,
            '6' => Kind::BinaryAck,
            other => return Err(DecodeError::UnknownType(other)),
        };
        rest = &rest[1..];
        let mut attachments = 0;
        if kind.binary() {
            let dash = rest.find('-').ok_or(DecodeError::Attachments)?;
            let digits = &rest[..dash];
            if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(DecodeError::Attachments);
            }
            attachments = digits.parse().map_err(|_| DecodeError::Attachments)?;
            if attachments > MAX_ATTACHMENTS {
                return Err(DecodeError::Attachments);
            }
            rest = &rest[dash + 1..];
        }
        let mut namespace = "/";
        let mut query = None;
        if rest.starts_with('/') {
            let end = rest.find(',').unwrap_or(rest.len());
            let mut nsp = &rest[..end];
            if version == Version::V4
                && let Some((path, q)) = nsp.split_once('?')
            {
                query = Some(q);
                nsp = path;
            }
            namespace = nsp;
            rest = rest.get(end + 1..).unwrap_or("");
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let id = if digits > 0 {
            let id = rest[..digits]
                .parse::<u64>()
                .map_err(|_| DecodeError::AckId)?;
            rest = &rest[digits..];
            Some(id)
        } else {
            None
        };
        Ok(Head {
            kind,
            namespace,
            query,
            id,
            attachments,
            data: rest,
        })
    }
}

impl Packet {
    /// Reads a packet of `version` from the text of an Engine.IO message.
    pub fn decode(version: Version, text: &str) -> Result<Packet, DecodeError> {
        let head = Head::read(version, text)?;
        let data = if head.data.is_empty() {
            None
        } else {
            Some(
                serde_json::from_str::<Value>(head.data)
                    .map_err(|e| DecodeError::Json(e.to_string()))?,
            )
        };
        let packet = Packet {
            kind: head.kind,
            namespace: head.namespace.to_owned(),
            query: head.query.map(str::to_owned),
            id: head.id,
            attachments: head.attachments,
            data,
        };
        packet.check(version)?;
        Ok(packet)
    }

    /// The data fits the kind.
    fn check(&self, version: Version) -> Result<(), DecodeError> {
        let shape = |kind, expected| Err(DecodeError::Shape { kind, expected });
        match (self.kind, &self.data) {
            (Kind::Connect, None) => Ok(()),
            (Kind::Connect, Some(Value::Object(_))) if version == Version::V5 => Ok(()),
            (Kind::Connect, _) => shape("CONNECT", "no data, or (protocol 5) an auth object"),
            (Kind::Disconnect, None) => Ok(()),
            (Kind::Disconnect, _) => shape("DISCONNECT", "no data"),
            (Kind::Event | Kind::BinaryEvent, Some(Value::Array(items)))
                if items.first().is_some_and(Value::is_string) =>
            {
                Ok(())
            }
            (Kind::Event | Kind::BinaryEvent, _) => {
                shape("EVENT", "an array whose first item is the event name")
            }
            (Kind::Ack | Kind::BinaryAck, Some(Value::Array(_))) if self.id.is_some() => Ok(()),
            (Kind::Ack | Kind::BinaryAck, _) => shape("ACK", "an ack id and an array"),
            (Kind::Error, Some(Value::Object(_) | Value::String(_))) if version == Version::V5 => {
                Ok(())
            }
            (Kind::Error, Some(_)) if version == Version::V4 => Ok(()),
            (Kind::Error, _) => shape("CONNECT_ERROR", "an object or a message"),
        }
    }

    /// The packet's text (its attachments go as binary messages after it).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        out.push(self.kind.digit());
        if self.kind.binary() {
            out.push_str(&self.attachments.to_string());
            out.push('-');
        }
        if self.namespace != "/" || self.query.is_some() {
            out.push_str(&self.namespace);
            if let Some(query) = &self.query {
                out.push('?');
                out.push_str(query);
            }
            if self.id.is_some() || self.data.is_some() {
                out.push(',');
            }
        }
        if let Some(id) = self.id {
            out.push_str(&id.to_string());
        }
        if let Some(data) = &self.data {
            let text = data.to_string();
            // A bare number would read as (part of) the ack id (revision 4's ERROR takes any
            // JSON): JSON's leading whitespace keeps them apart.
            if text.starts_with(|c: char| c.is_ascii_digit()) {
                out.push(' ');
            }
            out.push_str(&text);
        }
        out
    }

    /// The event name of an event.
    pub fn event_name(&self) -> Option<&str> {
        match (&self.kind, &self.data) {
            (Kind::Event | Kind::BinaryEvent, Some(Value::Array(items))) => items.first()?.as_str(),
            _ => None,
        }
    }
}

/// What [`Assembly::start`] makes of a packet.
#[derive(Debug)]
pub enum Started {
    /// Nothing to wait for: the packet is whole.
    Ready(Packet),
    /// Attachments are to follow.
    Waiting(Assembly),
}

/// A binary packet waiting for its attachments.
#[derive(Debug)]
pub struct Assembly {
    packet: Packet,
    buffers: Vec<Bytes>,
}

impl Assembly {
    /// Starts assembling `packet`, whose placeholders must number its attachments `0..n`
    /// exactly once each.
    pub fn start(packet: Packet) -> Result<Started, DecodeError> {
        if !packet.kind.binary() {
            return Ok(Started::Ready(packet));
        }
        let mut seen = vec![false; packet.attachments];
        let mut ok = true;
        if let Some(data) = &packet.data {
            placeholders(data, &mut |num| match seen.get_mut(num) {
                Some(slot) if !*slot => *slot = true,
                _ => ok = false,
            });
        }
        if !ok || seen.iter().any(|s| !s) {
            return Err(DecodeError::Placeholders {
                count: packet.attachments,
            });
        }
        if packet.attachments == 0 {
            return Ok(Started::Ready(packet));
        }
        Ok(Started::Waiting(Assembly {
            packet,
            buffers: Vec::new(),
        }))
    }

    /// Takes the next attachment: `true` once every one has come (more are refused).
    pub fn push(&mut self, attachment: Bytes) -> bool {
        if self.buffers.len() < self.packet.attachments {
            self.buffers.push(attachment);
        }
        self.buffers.len() == self.packet.attachments
    }

    /// The packet and its attachments, in order.
    pub fn into_parts(self) -> (Packet, Vec<Bytes>) {
        (self.packet, self.buffers)
    }
}

/// Calls `found` with the `num` of every `{"_placeholder": true, "num": n}` in `value`; a
/// placeholder without a usable `num` is reported as `usize::MAX`.
fn placeholders(value: &Value, found: &mut impl FnMut(usize)) {
    match value {
        Value::Object(map) if map.get("_placeholder") == Some(&Value::Bool(true)) => {
            let num = map
                .get("num")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(usize::MAX);
            found(num);
        }
        Value::Object(map) => map.values().for_each(|v| placeholders(v, found)),
        Value::Array(items) => items.iter().for_each(|v| placeholders(v, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
