//! The bridge over an I/O object that is not a socket (an in-memory duplex, as a TLS stream
//! would be): bytes both ways, and each side's end passed on to the other.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Stream, bridge};

async fn read(stream: &Stream) -> Vec<u8> {
    tokio::time::timeout(Duration::from_secs(10), stream.read_some())
        .await
        .expect("the stream has something to read")
}

#[tokio::test]
async fn a_bridged_stream_carries_bytes_both_ways_and_passes_each_end_on() {
    let (client, server_side) = tokio::io::duplex(1024);
    let stream = bridge(server_side).unwrap();
    let (mut client_read, mut client_write) = tokio::io::split(client);

    client_write.write_all(b"from the client").await.unwrap();
    let mut seen = Vec::new();
    while seen.len() < b"from the client".len() {
        let chunk = read(&stream).await;
        assert!(!chunk.is_empty(), "ended early");
        seen.extend(chunk);
    }
    assert_eq!(seen, b"from the client");

    assert_eq!(stream.try_write(b"to the client").unwrap(), 13);
    let mut buf = [0u8; 13];
    tokio::time::timeout(Duration::from_secs(10), client_read.read_exact(&mut buf))
        .await
        .expect("the client gets it")
        .unwrap();
    assert_eq!(&buf, b"to the client");

    // The client's end reads as the end of the stream.
    client_write.shutdown().await.unwrap();
    assert_eq!(read(&stream).await, b"");

    // The transport's shutdown ends the client's connection.
    stream.shut_down(0);
    let mut rest = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(10), client_read.read_to_end(&mut rest))
        .await
        .expect("the client's connection ends")
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn the_transport_ending_first_ends_the_client_s_connection_too() {
    let (client, server_side) = tokio::io::duplex(1024);
    let stream = bridge(server_side).unwrap();
    let (mut client_read, _client_write) = tokio::io::split(client);
    assert_eq!(stream.try_write(b"bye").unwrap(), 3);
    stream.shut_down(0);
    drop(stream);
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), client_read.read_to_end(&mut got))
        .await
        .expect("the client reads to the end")
        .unwrap();
    assert_eq!(got, b"bye");
}

#[tokio::test]
async fn a_client_that_reads_nothing_is_dropped_once_the_transport_has_ended() {
    // A client that never reads: its side of the duplex fills, and the bridge's write to it
    // waits for room that never comes.
    let (client, server_side) = tokio::io::duplex(64);
    let stream = bridge(server_side).unwrap();
    assert_eq!(stream.try_write(&[b'x'; 1024]).unwrap(), 1024);
    stream.shut_down(0);
    drop(stream);
    // After the linger the bridge lets go of the connection: the client reads what had room
    // in its buffer, then the end.
    let (mut client_read, _client_write) = tokio::io::split(client);
    let mut got = Vec::new();
    tokio::time::sleep(super::LINGER + Duration::from_millis(500)).await;
    tokio::time::timeout(Duration::from_secs(10), client_read.read_to_end(&mut got))
        .await
        .expect("the bridge dropped the connection")
        .unwrap();
    assert_eq!(got, [b'x'; 64]);
}

#[tokio::test]
async fn a_bridge_holds_little_for_a_client_that_does_not_read() {
    let (_client, server_side) = tokio::io::duplex(64);
    let stream = bridge(server_side).unwrap();
    // What the pair takes before the transport's writes would block (and its own bounded
    // queue take over): far below the 176 KiB of Linux's default buffer sizes.
    let chunk = [b'x'; 1024];
    let mut taken = 0;
    loop {
        match stream.try_write(&chunk) {
            Ok(n) => taken += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("write failed: {e}"),
        }
        assert!(taken < 64 * 1024, "the pair took {taken} bytes and more");
    }
    assert!(taken > 0);
}
