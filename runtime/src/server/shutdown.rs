//! Serving, and a graceful shutdown that finishes requests in flight before the sockets close.

use std::future::{Future, IntoFuture};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;

use super::stack::MakeService;
use super::{Error, Server};

impl Server {
    /// Serves on `listener` until the process ends.
    pub async fn serve(self, listener: TcpListener) -> Result<(), Error> {
        self.serve_with_shutdown(listener, std::future::pending())
            .await
    }

    /// Serves on `listener` until `signal` completes, then shuts down gracefully: stops
    /// accepting connections, lets the requests in flight on both transports finish (within
    /// [`shutdown_timeout`](crate::ServerBuilder::shutdown_timeout); new socket requests meanwhile are
    /// answered 503), then closes every socket's transport — without a Socket.IO DISCONNECT,
    /// which the stock clients would read as "io server disconnect" and answer by never
    /// reconnecting; a closed transport ("transport close") makes them reconnect, to this
    /// server's successor in a rolling restart — running the disconnect hooks, and returns once
    /// the last HTTP connection has ended (or the deadline has passed).
    pub async fn serve_with_shutdown(
        self,
        listener: TcpListener,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let (fired_tx, fired_rx) = tokio::sync::watch::channel(false);
        let lifecycle = self.lifecycle.clone();
        let stop_accepting = {
            let mut fired = fired_rx.clone();
            async move {
                fired.wait_for(|f| *f).await.ok();
            }
        };
        let serving = axum::serve(
            listener,
            MakeService {
                service: self.service,
            },
        )
        .with_graceful_shutdown(stop_accepting)
        .into_future();
        tokio::pin!(serving);
        // Serve until the signal.
        tokio::select! {
            result = &mut serving => return result.map_err(Error::from),
            () = signal => {}
        }
        tracing::info!("shutting down: no new connections, finishing requests in flight");
        fired_tx.send_replace(true);
        lifecycle.closing.store(true, Ordering::Release);
        let deadline = tokio::time::Instant::now() + lifecycle.timeout;
        let close = async {
            lifecycle.drained(deadline).await;
            (lifecycle.close)().await;
        };
        // Closing the sockets also ends their long-polling requests, so the HTTP side can end.
        let (result, ()) = tokio::join!(
            async {
                match tokio::time::timeout_at(deadline + Duration::from_secs(1), &mut serving).await
                {
                    Ok(result) => result.map_err(Error::from),
                    Err(_) => {
                        tracing::warn!("shutdown: HTTP connections still open at the deadline");
                        Ok(())
                    }
                }
            },
            close
        );
        result
    }
}

/// Resolves when the process is asked to stop: Ctrl-C (SIGINT), or SIGTERM on Unix (what
/// service managers and containers send). For [`Server::serve_with_shutdown`].
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// What shutting down needs: the socket requests in flight on the whole server, and how to
/// close every socket's transport.
pub(crate) struct Lifecycle {
    pub(crate) in_flight: AtomicUsize,
    /// Notified when `in_flight` drops to zero.
    pub(crate) idle: tokio::sync::Notify,
    /// Set once shutdown starts: new socket requests are answered 503.
    pub(crate) closing: std::sync::atomic::AtomicBool,
    /// Disconnects every socket (socketioxide's `close`), running the disconnect hooks.
    pub(super) close: Box<dyn Fn() -> futures_util::future::BoxFuture<'static, ()> + Send + Sync>,
    /// How long in-flight requests get to finish.
    pub(super) timeout: Duration,
}

impl Lifecycle {
    /// Waits until no socket request is in flight, or `deadline`.
    async fn drained(&self, deadline: tokio::time::Instant) {
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.in_flight.load(Ordering::Acquire) == 0 {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                tracing::warn!(
                    in_flight = self.in_flight.load(Ordering::Acquire),
                    "shutdown: socket requests still in flight at the deadline"
                );
                return;
            }
        }
    }
}

/// Lets the sockets' writer tasks write what was queued for them before the connections (and
/// perhaps the process) end. socketioxide tells nothing when a packet is on the wire, so this
/// yields (enough on a current-thread runtime, where the writers were woken first) and then
/// gives writers on other worker threads a short grace period.
pub(super) async fn flush() {
    for _ in 0..16 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
}
