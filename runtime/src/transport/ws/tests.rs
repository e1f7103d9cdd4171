//! Frames written by tungstenite as a client writes them (masked), read back whole, in pieces
//! of every size, fragmented, and refused when they break RFC 6455.

use proptest::prelude::*;

use super::*;

/// A client frame: masked, as a client writes it.
fn client(opcode: OpCode, fin: bool, payload: &[u8]) -> Vec<u8> {
    client_frame(opcode, fin, payload, true)
}

fn read_all(reader: &mut Reader, data: &[u8]) -> Result<Vec<Message>, WsError> {
    let mut out = Vec::new();
    reader.read(data, &mut out)?;
    Ok(out)
}

const TEXT: OpCode = OpCode::Data(Data::Text);
const BINARY: OpCode = OpCode::Data(Data::Binary);
const CONTINUE: OpCode = OpCode::Data(Data::Continue);

#[test]
fn whole_frames_read_back_and_nothing_is_kept() {
    let mut reader = Reader::new(1 << 20);
    let mut wire = client(TEXT, true, "4hello".as_bytes());
    wire.extend(client(BINARY, true, &[1, 2, 3]));
    wire.extend(client(OpCode::Control(Control::Ping), true, b"hb"));
    wire.extend(client(OpCode::Control(Control::Pong), true, b""));
    wire.extend(client(OpCode::Control(Control::Close), true, &[3, 232]));
    assert_eq!(
        read_all(&mut reader, &wire).unwrap(),
        [
            Message::Text("4hello".into()),
            Message::Binary(Bytes::from_static(&[1, 2, 3])),
            Message::Ping(Bytes::from_static(b"hb")),
            Message::Close,
        ]
    );
    assert!(reader.is_idle());
}

#[test]
fn long_lengths_and_fragments_are_put_together() {
    let mut reader = Reader::new(1 << 20);
    // 16-bit and 64-bit length forms.
    for len in [126, 65_535, 65_536, 70_000] {
        let payload = "x".repeat(len);
        assert_eq!(
            read_all(&mut reader, &client(TEXT, true, payload.as_bytes())).unwrap(),
            [Message::Text(payload)]
        );
    }
    let mut wire = client(TEXT, false, "42[\"a".as_bytes());
    // A control frame may come between fragments.
    wire.extend(client(OpCode::Control(Control::Ping), true, b""));
    wire.extend(client(CONTINUE, false, "bc".as_bytes()));
    wire.extend(client(CONTINUE, true, "\"]".as_bytes()));
    assert_eq!(
        read_all(&mut reader, &wire).unwrap(),
        [
            Message::Ping(Bytes::new()),
            Message::Text("42[\"abc\"]".into())
        ]
    );
    assert!(reader.is_idle());
}

proptest! {
    /// However the bytes are split across reads, the same messages come out, and only the
    /// incomplete tail is kept between reads.
    #[test]
    fn any_split_reads_the_same(
        payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 1..6),
        cuts in proptest::collection::vec(1usize..64, 1..40),
    ) {
        let mut wire = Vec::new();
        let mut expected = Vec::new();
        for payload in &payloads {
            wire.extend(client(BINARY, true, payload));
            expected.push(Message::Binary(Bytes::from(payload.clone())));
        }
        let mut reader = Reader::new(1 << 20);
        let mut out = Vec::new();
        let mut at = 0;
        for cut in cuts.iter().cycle() {
            if at >= wire.len() {
                break;
            }
            let end = (at + cut).min(wire.len());
            reader.read(&wire[at..end], &mut out).unwrap();
            prop_assert!(reader.partial.len() < end - at + 14 + 300);
            at = end;
        }
        prop_assert_eq!(out, expected);
        prop_assert!(reader.is_idle());
    }

    /// Arbitrary bytes give messages or an error, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut reader = Reader::new(256);
        let _ = reader.read(&data, &mut Vec::new());
    }

    /// The fuzz target's property on frames a client writes, some broken by a flipped byte:
    /// read at once or in two reads, the same messages and the same verdict.
    #[test]
    fn a_split_read_changes_nothing(
        payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 1..5),
        flip in any::<Option<(usize, u8)>>(),
        split in any::<u16>(),
    ) {
        let mut wire = split.to_be_bytes().to_vec();
        for (i, payload) in payloads.iter().enumerate() {
            let opcode = if i % 2 == 0 { BINARY } else { OpCode::Control(Control::Ping) };
            let payload = if i % 2 == 0 { &payload[..] } else { &payload[..payload.len().min(125)] };
            wire.extend(client(opcode, true, payload));
        }
        if let Some((at, byte)) = flip {
            let at = 2 + at % (wire.len() - 2);
            wire[at] ^= byte;
        }
        crate::__fuzz::ws_frame(&wire);
    }
}

#[test]
fn frames_that_break_the_rules_are_refused() {
    let refused = |wire: Vec<u8>, says: &str| {
        let e = read_all(&mut Reader::new(1000), &wire).expect_err(says);
        assert!(e.to_string().contains(says), "{e}");
    };
    // Unmasked (as a server writes).
    refused(text("4x").to_vec(), "not masked");
    refused(client(TEXT, true, &[0xff, 0xfe]), "not UTF-8");
    refused(
        client(TEXT, true, &[b'x'; 1001]),
        "larger than the limit of 1000",
    );
    // The limit counts the fragments together.
    let mut wire = client(TEXT, false, &[b'x'; 600]);
    wire.extend(client(CONTINUE, true, &[b'x'; 600]));
    refused(wire, "larger than the limit");
    refused(client(CONTINUE, true, b"x"), "nothing to continue");
    // A ping between the fragments of a message near the limit is no part of it.
    let mut wire = client(TEXT, false, &[b'x'; 990]);
    wire.extend(client(OpCode::Control(Control::Ping), true, &[0; 100]));
    wire.extend(client(CONTINUE, true, &[b'x'; 10]));
    assert_eq!(
        read_all(&mut Reader::new(1000), &wire).unwrap(),
        [
            Message::Ping(Bytes::from_static(&[0; 100])),
            Message::Text("x".repeat(1000))
        ]
    );
    let mut wire = client(TEXT, false, b"x");
    wire.extend(client(TEXT, true, b"y"));
    refused(wire, "a new message inside");
    refused(
        client(OpCode::Control(Control::Ping), false, b""),
        "control frame",
    );
    refused(
        client(OpCode::Control(Control::Ping), true, &[0; 126]),
        "control frame",
    );
    // tungstenite's header parser refuses a reserved opcode itself.
    refused(
        client(OpCode::Data(Data::Reserved(3)), true, b""),
        "invalid opcode",
    );
    let mut rsv = client(TEXT, true, b"x");
    rsv[0] |= 0x40;
    refused(rsv, "RSV");
    // A header announcing more than the limit is refused before its payload arrives.
    let mut big = client(BINARY, true, &[0; 2000]);
    big.truncate(20);
    refused(big, "larger than the limit");
}

#[test]
fn server_frames_are_what_a_client_reads() {
    // As tungstenite's client parses them: final, unmasked, the opcode and payload given.
    for (bytes, opcode, payload) in [
        (text("40"), TEXT, b"40".to_vec()),
        (binary(&[9; 300]), BINARY, vec![9; 300]),
        (pong(b"hb"), OpCode::Control(Control::Pong), b"hb".to_vec()),
        (close(), OpCode::Control(Control::Close), vec![3, 232]),
    ] {
        let mut cursor = Cursor::new(&bytes[..]);
        let (header, len) = FrameHeader::parse(&mut cursor).unwrap().unwrap();
        assert!(header.is_final && header.mask.is_none());
        assert_eq!(header.opcode, opcode);
        assert_eq!(len as usize, payload.len());
        assert_eq!(&bytes[cursor.position() as usize..], &payload[..]);
    }
    // RFC 6455 §1.3's example.
    assert_eq!(
        accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
}

/// A frame written in place is byte for byte the frame of its payload, whichever length form
/// its header takes (7-bit, 16-bit, 64-bit), and its payload reads back without the frame.
#[test]
fn a_frame_written_in_place_is_the_frame_of_its_payload() {
    use std::io::Write as _;
    for len in [0usize, 1, 125, 126, 65_535, 65_536, 70_000] {
        let payload: String = "ab€".chars().cycle().take(len).collect();
        let mut frame = TextFrame::new();
        frame.write_all(payload.as_bytes()).expect("into a Vec");
        assert_eq!(frame.payload(), payload.as_bytes());
        let framed = frame.finish();
        assert_eq!(framed.bytes(), &text(&payload)[..], "{len} characters");
        assert_eq!(framed.rest(2), text(&payload).slice(2..));
        let mut frame = TextFrame::default();
        frame.write_all(payload.as_bytes()).expect("into a Vec");
        assert_eq!(frame.into_payload(), payload.as_bytes());
    }
}
