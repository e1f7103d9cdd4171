//! Engine.IO frames and polling bodies: the protocol document's examples, every refusal, and
//! property tests that what is written reads back the same.

use proptest::prelude::*;

use super::*;

#[test]
fn base64_binary_in_a_websocket_text_frame() {
    assert_eq!(
        Packet::decode_frame(Version::V4, "bAQID".into()),
        Ok(Packet::Binary(Bytes::from_static(&[1, 2, 3])))
    );
    assert_eq!(
        Packet::decode_frame(Version::V3, "b4AQID".into()),
        Ok(Packet::Binary(Bytes::from_static(&[1, 2, 3])))
    );
    assert_eq!(
        Packet::decode_frame(Version::V4, "4hello".into()),
        Ok(Packet::Message("hello".into()))
    );
    assert!(matches!(
        Packet::decode_frame(Version::V4, "b!!".into()),
        Err(DecodeError::Base64(_))
    ));
    // Engine.IO 3 names the packet's type after the `b`: only a message carries binary.
    assert_eq!(
        Packet::decode_frame(Version::V3, "bAQID".into()),
        Err(DecodeError::UnknownType("b".into()))
    );
}

#[test]
fn text_frames_as_the_protocol_writes_them() {
    assert_eq!(
        Packet::decode_text("4hello"),
        Ok(Packet::Message("hello".into()))
    );
    assert_eq!(
        Packet::decode_text("2probe"),
        Ok(Packet::Ping("probe".into()))
    );
    assert_eq!(Packet::decode_text("3"), Ok(Packet::Pong(String::new())));
    assert_eq!(Packet::decode_text("1"), Ok(Packet::Close));
    assert_eq!(Packet::decode_text("5"), Ok(Packet::Upgrade));
    assert_eq!(Packet::decode_text("6"), Ok(Packet::Noop));
    assert_eq!(
        Packet::decode_text(r#"0{"sid":"a"}"#),
        Ok(Packet::Open(r#"{"sid":"a"}"#.into()))
    );
    assert_eq!(Packet::decode_text(""), Err(DecodeError::Empty));
    assert_eq!(
        Packet::decode_text("7"),
        Err(DecodeError::UnknownType("7".into()))
    );
    assert_eq!(
        Packet::decode_text("é"),
        Err(DecodeError::UnknownType("é".into()))
    );
    assert_eq!(
        Packet::decode_text("1x"),
        Err(DecodeError::UnexpectedData('1'))
    );
    assert_eq!(Packet::Message("héllo".into()).encode_text(), "4héllo");
}

#[test]
fn binary_frames_per_version() {
    assert_eq!(
        Packet::decode_binary(Version::V4, &[1, 2, 3]),
        Ok(Packet::Binary(Bytes::from_static(&[1, 2, 3])))
    );
    assert_eq!(
        Packet::decode_binary(Version::V3, &[4, 1, 2, 3]),
        Ok(Packet::Binary(Bytes::from_static(&[1, 2, 3])))
    );
    assert_eq!(
        Packet::decode_binary(Version::V3, &[2, 1]),
        Err(DecodeError::BinaryType(2))
    );
    assert_eq!(
        Packet::decode_binary(Version::V3, &[]),
        Err(DecodeError::Empty)
    );
    assert_eq!(Packet::encode_binary(Version::V3, &[1, 2]), [4, 1, 2]);
    assert_eq!(Packet::encode_binary(Version::V4, &[1, 2]), [1, 2]);
}

#[test]
fn v4_polling_records() {
    // The protocol document's example: a message, a binary message, a message.
    let body = "4hello\u{1e}bAQIDBA==\u{1e}4€";
    let packets = v4::decode_payload(body).unwrap();
    assert_eq!(
        packets,
        [
            Packet::Message("hello".into()),
            Packet::Binary(Bytes::from_static(&[1, 2, 3, 4])),
            Packet::Message("€".into()),
        ]
    );
    assert_eq!(v4::encode_payload(&packets), body);
    assert!(matches!(
        v4::decode_payload("4a\u{1e}b!!"),
        Err(DecodeError::Base64(_))
    ));
    assert_eq!(v4::decode_payload("4a\u{1e}"), Err(DecodeError::Empty));
}

#[test]
fn v3_polling_records_count_utf16_units() {
    // `€` is one UTF-16 unit, `😀` two.
    let packets = [
        Packet::Message("€".into()),
        Packet::Message("😀".into()),
        Packet::Ping("probe".into()),
        Packet::Binary(Bytes::from_static(&[1, 2, 3, 4])),
    ];
    let body = v3::encode_payload(&packets);
    assert_eq!(body, "2:4€3:4😀6:2probe10:b4AQIDBA==");
    assert_eq!(v3::decode_payload(&body).unwrap(), packets);
    for (bad, problem) in [
        ("4hello", "no `:` after it"),
        ("x:4hello", "not a number of at most 9 digits"),
        (
            "9:4hi",
            "longer than what follows, or ending inside a character",
        ),
        (
            "2:4😀",
            "longer than what follows, or ending inside a character",
        ),
        ("1234567890:4", "not a number of at most 9 digits"),
    ] {
        match v3::decode_payload(bad) {
            Err(DecodeError::Length { problem: p, .. }) => assert_eq!(p, problem, "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(
        v3::decode_payload("1:7"),
        Err(DecodeError::UnknownType("7".into()))
    );
}

#[test]
fn v3_binary_polling_bodies() {
    let packets = [
        Packet::Message("hello €".into()),
        Packet::Binary(Bytes::from_static(&[0xFF, 0, 7])),
    ];
    let body = v3::encode_binary_payload(&packets);
    // `0` (text), the length in UTF-8 bytes (10) as the digit bytes 1 and 0, 0xFF, the text;
    // then `1` (binary), length 4 (the type byte and three), 0xFF, 0x04 and the bytes.
    let mut expected = vec![0, 1, 0, 0xFF];
    expected.extend_from_slice("4hello €".as_bytes());
    expected.extend_from_slice(&[1, 4, 0xFF, 4, 0xFF, 0, 7]);
    assert_eq!(body, expected);
    assert_eq!(v3::decode_binary_payload(&body).unwrap(), packets);
    assert!(v3::decode_binary_payload(&[2, 1, 0xFF, b'4']).is_err());
    assert!(v3::decode_binary_payload(&[0, 5, 0xFF, b'4']).is_err());
    assert!(v3::decode_binary_payload(&[0, 1]).is_err());
    assert_eq!(
        v3::decode_binary_payload(&[0, 2, 0xFF, b'4', 0xC3]),
        Err(DecodeError::NotUtf8)
    );
}

fn packet() -> impl Strategy<Value = Packet> {
    prop_oneof![
        ".*".prop_map(Packet::Open),
        Just(Packet::Close),
        "[^\u{1e}]*".prop_map(Packet::Ping),
        "[^\u{1e}]*".prop_map(Packet::Pong),
        "[^\u{1e}]*".prop_map(Packet::Message),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(|b| Packet::Binary(Bytes::from(b))),
        Just(Packet::Upgrade),
        Just(Packet::Noop),
    ]
}

proptest! {
    #[test]
    fn every_payload_reads_back(packets in proptest::collection::vec(packet(), 1..6)) {
        // `\x1e` separates v4 records, so a v4 `Open` must not hold one either.
        let v4_safe: Vec<Packet> = packets
            .iter()
            .map(|p| match p {
                Packet::Open(text) => Packet::Open(text.replace('\u{1e}', "")),
                other => other.clone(),
            })
            .collect();
        prop_assert_eq!(v4::decode_payload(&v4::encode_payload(&v4_safe)).unwrap(), v4_safe);
        prop_assert_eq!(v3::decode_payload(&v3::encode_payload(&packets)).unwrap(), packets.clone());
        prop_assert_eq!(
            v3::decode_binary_payload(&v3::encode_binary_payload(&packets)).unwrap(),
            packets
        );
    }

    #[test]
    fn any_text_is_read_or_refused(text in ".*") {
        let _ = Packet::decode_text(&text);
        let _ = v4::decode_payload(&text);
        let _ = v3::decode_payload(&text);
    }

    #[test]
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = v3::decode_binary_payload(&bytes);
    }
}
