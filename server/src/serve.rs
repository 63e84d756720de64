//! The long-running server: the HTTP listener and the outbox worker, until a shutdown signal.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::desk::Desk;
use crate::outbox::{self, RetryPolicy, Transport};
use crate::store::Store;

/// How long the worker sleeps at most between looks at the outbox, so mail queued by another
/// process (an MTA pipe running `ingest`) goes out without a wake-up call.
const MAX_IDLE: Duration = Duration::from_secs(2);

/// The retry policy from the config.
pub fn retry_policy<S: Store>(desk: &Desk<S>) -> RetryPolicy {
    let outbox = &desk.config.outbox;
    RetryPolicy {
        initial: Duration::from_secs(outbox.initial_backoff_secs),
        max: Duration::from_secs(outbox.max_backoff_secs),
        max_attempts: outbox.max_attempts,
    }
}

/// Runs until `shutdown` completes; then stops taking requests, finishes the delivery round in
/// progress, and returns.
pub async fn run<S: Store, T: Transport + 'static>(
    desk: Arc<Desk<S>>,
    transport: T,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = tokio::spawn(outbox_worker(desk.clone(), transport, stop_rx.clone()));
    let local: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(listen = ?local, "ppdesk server listening");
    let mut http_stop = stop_rx;
    let app = crate::http::router(desk);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = http_stop.wait_for(|stop| *stop).await;
    });
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
    });
    server.await?;
    if let Err(e) = worker.await {
        tracing::error!(error = %e, "outbox worker ended abnormally");
    }
    Ok(())
}

async fn outbox_worker<S: Store, T: Transport>(
    desk: Arc<Desk<S>>,
    transport: T,
    mut stop: watch::Receiver<bool>,
) {
    let policy = retry_policy(&desk);
    loop {
        if let Err(e) =
            outbox::deliver_due(&desk.store, &transport, &policy, || desk.now_ms()).await
        {
            tracing::error!(error = %e, "outbox round failed; retrying");
        }
        let wait = match desk.store.next_due_at().await {
            Ok(Some(due)) => {
                Duration::from_millis(u64::try_from(due - desk.now_ms()).unwrap_or(0)).min(MAX_IDLE)
            }
            _ => MAX_IDLE,
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}
