//! The Socket.IO packets this client writes and reads (namespace `/`, JSON only), apart from
//! the connection that carries them (`socket.rs`).

use serde_json::Value;

/// A virtual request before its headers: what a subscribing call is re-issued from.
#[derive(Clone, Debug)]
pub(crate) struct VirtualRequest {
    /// The lower-case method, which is also the event's name.
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) data: Value,
}

impl VirtualRequest {
    /// The event's payload, `{method, url, data, headers}`.
    pub(crate) fn payload(&self, headers: &[(String, String)]) -> Value {
        let headers: serde_json::Map<String, Value> = headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        serde_json::json!({
            "method": self.method,
            "url": self.url,
            "data": self.data,
            "headers": headers,
        })
    }

    /// What identifies a subscription: the call without its headers.
    pub(crate) fn key(&self) -> String {
        format!("{} {} {}", self.method, self.url, self.data)
    }
}

/// The status of a `{body, headers, statusCode}` ack; `None` when it has none (a Sails parse
/// error) or one that is not an HTTP status.
pub(crate) fn ack_status(jwr: &Value) -> Option<u16> {
    jwr.get("statusCode")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (100..=999).contains(s))
}

pub(crate) fn is_success(jwr: &Value) -> bool {
    ack_status(jwr).is_some_and(|s| (200..300).contains(&s))
}

/// An EVENT packet asking for an ack: `2<id>["<method>",<payload>]`.
pub(crate) fn event_with_ack(
    id: u64,
    method: &str,
    payload: &Value,
) -> Result<String, serde_json::Error> {
    Ok(format!(
        "2{id}{}",
        serde_json::to_string(&(method, payload))?
    ))
}

/// One Socket.IO packet from the server (namespace `/`, JSON only), as far as this client
/// reads it. Anything it cannot read is `Ignored`: a hostile or broken server must not be able
/// to panic the read task.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SioPacket {
    /// CONNECT, with the session id when the server sent one.
    Connect { sid: Option<String> },
    /// DISCONNECT: the server closed the namespace.
    Disconnect,
    /// EVENT: a push.
    Event { name: String, payload: Value },
    /// ACK of the request with `id`.
    Ack { id: u64, jwr: Value },
    /// CONNECT_ERROR, with the server's message.
    ConnectError { message: String },
    /// Anything else (binary packets, other namespaces, garbage).
    Ignored,
}

/// Reads one Socket.IO packet.
pub(crate) fn parse_packet(text: &str) -> SioPacket {
    let mut chars = text.chars();
    let Some(kind) = chars.next() else {
        return SioPacket::Ignored;
    };
    // Whatever the first character is (a hostile server may send any), `rest` starts after it.
    let rest = chars.as_str();
    match kind {
        '0' => SioPacket::Connect {
            sid: serde_json::from_str::<Value>(rest)
                .ok()
                .and_then(|v| v.get("sid").and_then(Value::as_str).map(str::to_owned)),
        },
        '1' => SioPacket::Disconnect,
        '2' => {
            let json = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            let Ok(Value::Array(mut items)) = serde_json::from_str::<Value>(json) else {
                return SioPacket::Ignored;
            };
            if items.is_empty() {
                return SioPacket::Ignored;
            }
            let Value::String(name) = items.remove(0) else {
                return SioPacket::Ignored;
            };
            let payload = match items.len() {
                0 => Value::Null,
                1 => items.remove(0),
                _ => Value::Array(items),
            };
            SioPacket::Event { name, payload }
        }
        '3' => {
            let json = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            let Ok(id) = rest[..rest.len() - json.len()].parse::<u64>() else {
                return SioPacket::Ignored;
            };
            let Ok(Value::Array(mut items)) = serde_json::from_str::<Value>(json) else {
                return SioPacket::Ignored;
            };
            let jwr = if items.is_empty() {
                Value::Null
            } else {
                items.remove(0)
            };
            SioPacket::Ack { id, jwr }
        }
        '4' => SioPacket::ConnectError {
            message: serde_json::from_str::<Value>(rest)
                .ok()
                .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| rest.to_owned()),
        },
        _ => SioPacket::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_packet_kind_is_read() {
        use serde_json::json;
        assert_eq!(
            parse_packet(r#"0{"sid":"abc"}"#),
            SioPacket::Connect {
                sid: Some("abc".into())
            }
        );
        assert_eq!(parse_packet("0"), SioPacket::Connect { sid: None });
        assert_eq!(parse_packet("1"), SioPacket::Disconnect);
        assert_eq!(
            parse_packet(r#"2["ev"]"#),
            SioPacket::Event {
                name: "ev".into(),
                payload: Value::Null
            }
        );
        // With an ack id (which this client does not answer), and several arguments.
        assert_eq!(
            parse_packet(r#"212["ev",1,2]"#),
            SioPacket::Event {
                name: "ev".into(),
                payload: json!([1, 2])
            }
        );
        assert_eq!(
            parse_packet(r#"31[{"statusCode":200}]"#),
            SioPacket::Ack {
                id: 1,
                jwr: json!({"statusCode": 200})
            }
        );
        assert_eq!(
            parse_packet(r#"4{"message":"refused"}"#),
            SioPacket::ConnectError {
                message: "refused".into()
            }
        );
        assert_eq!(
            parse_packet("4plain"),
            SioPacket::ConnectError {
                message: "plain".into()
            }
        );
        for ignored in ["", "2[1]", "2[]", "2{}", "3[1]", "3x[1]", "51-[]", "é"] {
            assert_eq!(parse_packet(ignored), SioPacket::Ignored, "{ignored:?}");
        }
    }

    #[test]
    fn an_event_is_written_with_its_ack_id() {
        let text =
            event_with_ack(7, "get", &serde_json::json!({ "url": "/a" })).unwrap_or_default();
        assert_eq!(text, r#"27["get",{"url":"/a"}]"#);
        assert_eq!(
            parse_packet(&format!("3{}", &text[1..])),
            SioPacket::Ack {
                id: 7,
                jwr: serde_json::json!("get")
            }
        );
    }
}
