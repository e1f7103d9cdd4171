//! The byte stream under a WebSocket: the connection's own `TcpStream`, or, for a connection
//! the process does not hold as a plain TCP stream, one end of a Unix socket pair whose other
//! end a task copies to and from hyper's upgraded connection.
//!
//! The transport writes into a socket from any task with a non-blocking write and waits for its
//! readiness itself ([`super::conn`]), which a `TcpStream` (and a `UnixStream`) allows and an
//! `AsyncRead + AsyncWrite` object does not. `axum::serve` and plain hyper hand the upgraded
//! connection back as its `TcpStream` ([`super::upgrade::stream`]). TLS ended in the same
//! process (tokio-rustls, axum-server) or any other I/O type cannot be taken apart that way:
//! such a connection is [bridged](bridge) instead. The bridge costs a task, a socket pair and
//! two 8 KiB copy buffers per WebSocket (on top of what the TLS session itself holds), and
//! each frame crosses the pair once more; the plain TCP path, the one the density
//! targets are measured on, is unchanged.

use std::io;
#[cfg(unix)]
use std::time::Duration;

use tokio::io::{Interest, Ready};
use tokio::net::TcpStream;

/// How long a bridged connection waits for its client to close once the transport has ended
/// the WebSocket, before the bridge drops it.
#[cfg(unix)]
const LINGER: Duration = Duration::from_secs(5);

/// The send buffer asked for the transport's end of a bridge's pair (Linux doubles it). What a
/// slow client has not taken waits in the transport's own bounded queue, not in the pair: with
/// Linux's default buffer sizes the pair alone took 176 KiB.
#[cfg(unix)]
const PAIR_SEND_BUFFER: usize = 16 * 1024;

/// The stream a connection's frames are read from and written into.
#[derive(Debug)]
pub struct Stream(Inner);

#[derive(Debug)]
enum Inner {
    Tcp(TcpStream),
    #[cfg(unix)]
    Bridged(Bridged),
}

/// Our end of the pair whose other end is copied to and from the upgraded connection, and the
/// signal that tells the bridge the transport is done with it.
#[cfg(unix)]
#[derive(Debug)]
struct Bridged {
    stream: tokio::net::UnixStream,
    ended: std::sync::Arc<tokio::sync::Notify>,
}

#[cfg(unix)]
impl Drop for Bridged {
    fn drop(&mut self) {
        self.ended.notify_one();
    }
}

impl From<TcpStream> for Stream {
    fn from(stream: TcpStream) -> Self {
        Stream(Inner::Tcp(stream))
    }
}

impl Stream {
    /// Writes what the kernel takes of `buf` now, without waiting.
    pub(crate) fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        match &self.0 {
            Inner::Tcp(stream) => stream.try_write(buf),
            #[cfg(unix)]
            Inner::Bridged(bridged) => bridged.stream.try_write(buf),
        }
    }

    /// Waits until the stream is ready for `interest`.
    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        match &self.0 {
            Inner::Tcp(stream) => stream.ready(interest).await,
            #[cfg(unix)]
            Inner::Bridged(bridged) => bridged.stream.ready(interest).await,
        }
    }

    /// Reads what the stream has into `buf`.
    ///
    /// A read that leaves part of `buf` empty has drained the socket, so its readiness is
    /// cleared then, as tokio's own `poll_read` does on epoll (edge-triggered, so no event is
    /// missed: one that comes after the read sets it again). `try_read` keeps the readiness
    /// until a read fails with `WouldBlock`: under `strace -c`, a quarter of a socket GET
    /// load's `recvfrom` calls were that second, empty read.
    pub(crate) fn read_chunk(&self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let mut drained = None;
            let result = match &self.0 {
                Inner::Tcp(stream) => stream.try_io(
                    Interest::READABLE,
                    drained_read(socket2::SockRef::from(stream), buf, &mut drained),
                ),
                Inner::Bridged(bridged) => bridged.stream.try_io(
                    Interest::READABLE,
                    drained_read(socket2::SockRef::from(&bridged.stream), buf, &mut drained),
                ),
            };
            match drained {
                Some(n) => Ok(n),
                None => result,
            }
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        match &self.0 {
            Inner::Tcp(stream) => stream.try_read(buf),
            #[cfg(unix)]
            Inner::Bridged(bridged) => bridged.stream.try_read(buf),
        }
    }

    /// Ends the connection in both directions (a bridged one's client then gets the end
    /// from the bridge).
    pub(crate) fn shut_down(&self, conn: u32) {
        let result = match &self.0 {
            Inner::Tcp(stream) => socket2::SockRef::from(stream).shutdown(std::net::Shutdown::Both),
            #[cfg(unix)]
            Inner::Bridged(bridged) => {
                bridged.ended.notify_one();
                socket2::SockRef::from(&bridged.stream).shutdown(std::net::Shutdown::Both)
            }
        };
        if let Err(e) = result {
            tracing::debug!(conn, error = %e, "shutting the connection down failed");
        }
    }

    /// Waits for what comes next and reads it, as the connection's task does (readiness, then
    /// a read); empty at the end of the stream.
    #[cfg(test)]
    pub(crate) async fn read_some(&self) -> Vec<u8> {
        loop {
            let ready = self.ready(Interest::READABLE).await.expect("ready");
            if ready.is_readable() || ready.is_read_closed() {
                let mut buf = [0u8; 64];
                match self.read_chunk(&mut buf) {
                    Ok(n) => return buf[..n].to_vec(),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => panic!("read failed: {e}"),
                }
            }
        }
    }

    /// Whether this is the connection's own TCP stream (not a bridge).
    #[cfg(test)]
    pub(crate) fn is_tcp(&self) -> bool {
        matches!(self.0, Inner::Tcp(_))
    }

    /// Sets `TCP_NODELAY` on a TCP stream: pushes and acks are small writes, and with Nagle's
    /// algorithm one waits for the client's delayed ACK of the previous. A bridged stream is
    /// the application's I/O, whose own settings hold.
    pub fn set_nodelay(&self) -> io::Result<()> {
        match &self.0 {
            Inner::Tcp(stream) => stream.set_nodelay(true),
            #[cfg(unix)]
            Inner::Bridged(_) => Ok(()),
        }
    }
}

/// One read into `buf` that reports a partial read as `WouldBlock` (so that tokio clears the
/// readiness) and hands its length back through `drained`.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn drained_read<'a>(
    socket: socket2::SockRef<'a>,
    buf: &'a mut [u8],
    drained: &'a mut Option<usize>,
) -> impl FnOnce() -> io::Result<usize> + 'a {
    move || {
        use std::io::Read;
        let len = buf.len();
        let n = (&*socket).read(&mut *buf)?;
        if 0 < n && n < len {
            *drained = Some(n);
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(n)
    }
}

/// Bridges an upgraded connection that is not a plain TCP stream: a task copies between it and
/// one end of a Unix socket pair, and the other end is the connection's stream. What hyper read
/// past the upgrade request comes first out of `upgraded` itself.
///
/// Either side's end is passed on to the other: the client's close ends the stream's reads,
/// and the transport's shutdown ends the client's connection. A write to the client that fails
/// ends the bridge at once (the transport then reads the end). Once the transport has shut the
/// stream down or dropped it, what it wrote has [`LINGER`] to reach the client and the client
/// as long to close its side; then the bridge drops the connection, so that a client that
/// reads nothing and never closes cannot hold it (the transport's heartbeat and its bound on
/// what waits for a slow client end such a session, as they end a TCP one).
#[cfg(unix)]
pub(crate) fn bridge<T>(upgraded: T) -> io::Result<Stream>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
{
    use tokio::io::AsyncWriteExt;

    let (ours, theirs) = tokio::net::UnixStream::pair()?;
    socket2::SockRef::from(&ours).set_send_buffer_size(PAIR_SEND_BUFFER)?;
    let ended = std::sync::Arc::new(tokio::sync::Notify::new());
    let transport_ended = ended.clone();
    tokio::spawn(async move {
        let (mut client_read, mut client_write) = tokio::io::split(upgraded);
        let (mut pair_read, mut pair_write) = theirs.into_split();
        let copies = async {
            let inbound = async {
                let copied = tokio::io::copy(&mut client_read, &mut pair_write).await;
                let _ = pair_write.shutdown().await;
                copied
            };
            let outbound = async {
                let copied = tokio::io::copy(&mut pair_read, &mut client_write).await;
                if copied.is_ok() {
                    client_write.shutdown().await?;
                }
                copied
            };
            let (mut inbound, mut outbound) = (std::pin::pin!(inbound), std::pin::pin!(outbound));
            tokio::select! {
                result = &mut inbound => {
                    // The client is done sending; what the transport still writes goes out
                    // until it ends too.
                    result.and(outbound.await)
                }
                result = &mut outbound => match result {
                    // The transport ended the WebSocket: the client has a moment to close.
                    Ok(copied) => {
                        let _ = tokio::time::timeout(LINGER, inbound).await;
                        Ok(copied)
                    }
                    // The client cannot be written to: the bridge ends now.
                    Err(e) => Err(e),
                },
            }
        };
        let mut copies = std::pin::pin!(copies);
        let result = tokio::select! {
            result = &mut copies => Some(result),
            () = transport_ended.notified() => {
                tokio::time::timeout(LINGER, &mut copies).await.ok()
            }
        };
        match result {
            Some(Err(e)) => {
                tracing::debug!(error = %e, "a bridged WebSocket connection ended with an error");
            }
            None => tracing::debug!("a bridged WebSocket's client did not close in time: dropped"),
            Some(Ok(_)) => {}
        }
    });
    Ok(Stream(Inner::Bridged(Bridged {
        stream: ours,
        ended,
    })))
}

#[cfg(all(test, unix))]
mod tests;
