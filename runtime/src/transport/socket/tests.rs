//! Socket.IO packets: the protocol document's examples for revisions 4 and 5, every refusal,
//! binary assembly, and property tests that what is written reads back the same.

use proptest::prelude::*;
use serde_json::json;

use super::*;

fn decode(text: &str) -> Result<Packet, DecodeError> {
    Packet::decode(Version::V5, text)
}

#[test]
fn the_protocol_documents_examples() {
    let connect = decode("0").unwrap();
    assert_eq!(
        (connect.kind, connect.namespace.as_str()),
        (Kind::Connect, "/")
    );
    let auth = decode(r#"0/admin,{"token":"123"}"#).unwrap();
    assert_eq!(auth.namespace, "/admin");
    assert_eq!(auth.data, Some(json!({"token": "123"})));
    let event = decode(r#"2["foo"]"#).unwrap();
    assert_eq!(event.event_name(), Some("foo"));
    let with_ack = decode(r#"2/admin,456["project:delete",123]"#).unwrap();
    assert_eq!(
        (
            with_ack.namespace.as_str(),
            with_ack.id,
            with_ack.event_name()
        ),
        ("/admin", Some(456), Some("project:delete"))
    );
    let ack = decode(r#"3/admin,456[]"#).unwrap();
    assert_eq!((ack.kind, ack.id), (Kind::Ack, Some(456)));
    let sails = decode(r#"21["get",{"url":"/hello","method":"get"}]"#).unwrap();
    assert_eq!((sails.id, sails.event_name()), (Some(1), Some("get")));
    let refused = decode(r#"4{"message":"Not authorized"}"#).unwrap();
    assert_eq!(refused.kind, Kind::Error);
    let binary = decode(r#"51-["baz",{"_placeholder":true,"num":0}]"#).unwrap();
    assert_eq!((binary.kind, binary.attachments), (Kind::BinaryEvent, 1));
    let binary_ack = decode(r#"61-/admin,456[{"_placeholder":true,"num":0}]"#).unwrap();
    assert_eq!(
        (
            binary_ack.kind,
            binary_ack.namespace.as_str(),
            binary_ack.id
        ),
        (Kind::BinaryAck, "/admin", Some(456))
    );
    assert_eq!(decode("1/admin,").unwrap().kind, Kind::Disconnect);
    // Revision 4: a connect may carry a query in its namespace, and an error any JSON.
    let v4 = Packet::decode(Version::V4, "0/admin?token=abc,").unwrap();
    assert_eq!(
        (v4.namespace.as_str(), v4.query.as_deref()),
        ("/admin", Some("token=abc"))
    );
    assert!(Packet::decode(Version::V4, r#"4"Invalid namespace""#).is_ok());
    assert!(Packet::decode(Version::V4, "4[1]").is_ok());
    assert!(Packet::decode(Version::V5, "4[1]").is_err());
}

#[test]
fn each_refusal_names_the_problem() {
    let refused = |text: &str, expected: &str| {
        let e = decode(text).expect_err(text);
        assert!(e.to_string().contains(expected), "{text}: {e}");
    };
    refused("", "is empty");
    refused("9", "`9` is not a Socket.IO packet type");
    refused("5[\"a\"]", "announces its attachments");
    refused("5x-[\"a\"]", "announces its attachments");
    refused("51001-[\"a\"]", "announces its attachments");
    refused("2[\"a\"", "the data is not JSON");
    refused("2{}", "an array whose first item is the event name");
    refused("2[]", "an array whose first item is the event name");
    refused("2[1]", "an array whose first item is the event name");
    refused("3[]", "an ack id and an array");
    refused(
        "399999999999999999999[]",
        "the ack id is not a whole number below 2^64",
    );
    refused("1{}", "no data");
    refused("0[1]", "an auth object");
    assert!(
        Packet::decode(Version::V4, r#"0{"token":1}"#)
            .unwrap_err()
            .to_string()
            .contains("an auth object")
    );
}

#[test]
fn a_binary_packet_is_whole_once_its_attachments_came() {
    let packet =
        decode(r#"52-["up",{"_placeholder":true,"num":1},[{"_placeholder":true,"num":0}]]"#)
            .unwrap();
    let Started::Waiting(mut assembly) = Assembly::start(packet).unwrap() else {
        panic!("two attachments are to follow");
    };
    assert!(!assembly.push(Bytes::from_static(b"a")));
    assert!(assembly.push(Bytes::from_static(b"b")));
    assert!(
        assembly.push(Bytes::from_static(b"extra")),
        "a third is not taken"
    );
    let (packet, buffers) = assembly.into_parts();
    assert_eq!(packet.event_name(), Some("up"));
    assert_eq!(
        buffers,
        [Bytes::from_static(b"a"), Bytes::from_static(b"b")]
    );
    // Placeholders must number the attachments exactly once each.
    for bad in [
        r#"52-["up",{"_placeholder":true,"num":0}]"#,
        r#"51-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]"#,
        r#"51-["up",{"_placeholder":true,"num":1}]"#,
        r#"51-["up",{"_placeholder":true,"num":"0"}]"#,
    ] {
        let packet = decode(bad).unwrap();
        assert!(
            matches!(
                Assembly::start(packet),
                Err(DecodeError::Placeholders { .. })
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        Assembly::start(decode(r#"2["plain"]"#).unwrap()),
        Ok(Started::Ready(_))
    ));
    assert!(matches!(
        Assembly::start(decode(r#"50-["none"]"#).unwrap()),
        Ok(Started::Ready(_))
    ));
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".*".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{0,4}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn packet() -> impl Strategy<Value = Packet> {
    let namespace = prop_oneof![Just("/".to_owned()), "/[a-z]{1,6}"];
    (
        namespace,
        any::<Option<u32>>(),
        ".*",
        proptest::collection::vec(json_value(), 0..3),
    )
        .prop_flat_map(|(namespace, id, name, args)| {
            let mut event = vec![Value::from(name)];
            event.extend(args.clone());
            prop_oneof![
                Just(Packet {
                    kind: Kind::Event,
                    namespace: namespace.clone(),
                    query: None,
                    id: id.map(u64::from),
                    attachments: 0,
                    data: Some(Value::Array(event)),
                }),
                Just(Packet {
                    kind: Kind::Ack,
                    namespace: namespace.clone(),
                    query: None,
                    id: Some(u64::from(id.unwrap_or(0))),
                    attachments: 0,
                    data: Some(Value::Array(args)),
                }),
                Just(Packet {
                    kind: Kind::Connect,
                    namespace: namespace.clone(),
                    query: None,
                    id: None,
                    attachments: 0,
                    data: None,
                }),
                Just(Packet {
                    kind: Kind::Disconnect,
                    namespace,
                    query: None,
                    id: None,
                    attachments: 0,
                    data: None,
                }),
            ]
        })
}

proptest! {
    #[test]
    fn every_packet_reads_back(packet in packet()) {
        // Integers and strings only: these read back exactly.
        prop_assert_eq!(Packet::decode(Version::V5, &packet.encode()).unwrap(), packet);
    }

    #[test]
    fn any_text_is_read_or_refused(text in ".*") {
        for version in [Version::V4, Version::V5] {
            if let Ok(packet) = Packet::decode(version, &text) {
                // What is read writes a packet that reads the same (its data by shape: serde_json
                // may read a long float back a unit off in its last place).
                let again = Packet::decode(version, &packet.encode()).unwrap();
                prop_assert_eq!(
                    (again.kind, &again.namespace, &again.query, again.id, again.attachments),
                    (packet.kind, &packet.namespace, &packet.query, packet.id, packet.attachments)
                );
                let _ = Assembly::start(packet);
            }
        }
    }
}
