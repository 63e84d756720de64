//! The long-running server: HTTP, the outbox worker, the search indexer and the mail intakes
//! (IMAP mailbox, LMTP), until a shutdown signal. Then it drains: no new work is accepted, what
//! is in flight finishes (a batch being committed, a delivery round, an LMTP transaction), and
//! it returns.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::desk::Desk;
use crate::outbox::{self, RetryPolicy, Transport};
use crate::sent_journal::SentJournal;
use crate::store::Store;
use crate::store::console::{Console, INDEX_BATCH};

/// How long the worker sleeps at most between looks at the outbox, so mail queued by another
/// process (an MTA pipe running `ingest`) goes out without a wake-up call.
const MAX_IDLE: Duration = Duration::from_secs(2);
/// How often the search indexer looks for messages stored since its last round.
const INDEX_EVERY: Duration = Duration::from_secs(1);
/// How long draining may take before the remaining tasks are abandoned.
const DRAIN_LIMIT: Duration = Duration::from_secs(20);

/// The sockets the server answers on, bound by the caller so errors name the address.
pub struct Listeners {
    pub http: TcpListener,
    /// Present when `[lmtp] enabled = true`.
    pub lmtp: Option<TcpListener>,
}

/// The retry policy from the config.
pub fn retry_policy<S: Store>(desk: &Desk<S>) -> RetryPolicy {
    let outbox = &desk.config.outbox;
    RetryPolicy {
        initial: Duration::from_secs(outbox.initial_backoff_secs),
        max: Duration::from_secs(outbox.max_backoff_secs),
        max_attempts: outbox.max_attempts,
    }
}

/// Runs until `shutdown` completes, then drains and returns.
pub async fn run<S: crate::web::WebStore, T: Transport + 'static>(
    desk: Arc<Desk<S>>,
    transport: T,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::metrics::handle();
    // Tickets opened before the SLA existed (or under another calendar) get their due times
    // before any queue shows them; an error here only leaves those tickets without a due time.
    match desk.backfill_sla_due_times().await {
        Ok(0) => {}
        Ok(updated) => tracing::info!(updated, "SLA due times given to older tickets"),
        Err(e) => tracing::error!(error = %e, "giving SLA due times to older tickets failed"),
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks: Vec<(&'static str, JoinHandle<()>)> = Vec::new();

    tasks.push((
        "outbox worker",
        tokio::spawn(outbox_worker(desk.clone(), transport, stop_rx.clone())),
    ));
    tasks.push((
        "search indexer",
        tokio::spawn(search_indexer(desk.clone(), stop_rx.clone())),
    ));
    if let Some(imap) = desk.config.imap.clone() {
        tasks.push((
            "mailbox intake",
            tokio::spawn(crate::intake::imap::run(
                desk.clone(),
                imap,
                stop_rx.clone(),
            )),
        ));
    }
    if let Some(listener) = listeners.lmtp {
        tracing::info!(listen = ?listener.local_addr().ok(), "LMTP listening");
        let (desk, stop) = (desk.clone(), stop_rx.clone());
        tasks.push((
            "LMTP listener",
            tokio::spawn(async move {
                if let Err(e) = crate::intake::lmtp::serve(desk, listener, stop).await {
                    tracing::error!(error = %e, "LMTP listener failed");
                }
            }),
        ));
    }

    let local: Option<SocketAddr> = listeners.http.local_addr().ok();
    tracing::info!(listen = ?local, "HTTP listening");
    let mut http_stop = stop_rx;
    // Connect info: sign-in throttling counts failures per client IP address.
    let app = crate::http::router(desk.clone())
        .await
        .map_err(std::io::Error::other)?
        .into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listeners.http, app).with_graceful_shutdown(async move {
        let _ = http_stop.wait_for(|stop| *stop).await;
    });
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: draining work in flight");
        let _ = stop_tx.send(true);
    });
    server.await?;

    let drained = tokio::time::timeout(DRAIN_LIMIT, async {
        for (name, task) in tasks {
            if let Err(e) = task.await {
                tracing::error!(task = name, error = %e, "task ended abnormally");
            }
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(limit = ?DRAIN_LIMIT, "drain took too long; exiting with tasks still running");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Adds the messages ingest queued to the console's full-text index, a batch per transaction,
/// so the mail intake never pays for it (a search also catches up first, so none is missed).
async fn search_indexer<S: Store + Console>(desk: Arc<Desk<S>>, mut stop: watch::Receiver<bool>) {
    loop {
        let mut indexed = 0u64;
        loop {
            match desk.store.index_queued_messages(INDEX_BATCH).await {
                Ok(0) => break,
                Ok(n) => {
                    indexed += n;
                    // Between batches the writer is free for ingest.
                    tokio::task::yield_now().await;
                }
                Err(e) => {
                    tracing::error!(error = %e, "indexing messages for search failed; retrying");
                    break;
                }
            }
            if *stop.borrow() {
                return;
            }
        }
        if indexed > 0 {
            tracing::debug!(indexed, "messages indexed for search");
        }
        tokio::select! {
            _ = tokio::time::sleep(INDEX_EVERY) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

/// The delivery journal's file in the data directory ([`SentJournal`]).
pub const SENT_JOURNAL: &str = "outbox-sent.journal";

async fn outbox_worker<S: Store, T: Transport>(
    desk: Arc<Desk<S>>,
    transport: T,
    mut stop: watch::Receiver<bool>,
) {
    let policy = retry_policy(&desk);
    let journal_path = desk.data_dir.join(SENT_JOURNAL);
    let journal = match SentJournal::open(&journal_path) {
        Ok(journal) => Some(journal),
        Err(error) => {
            tracing::warn!(path = %journal_path.display(), %error, "no delivery journal: a crash right after a relay's 250 may resend that mail");
            None
        }
    };
    loop {
        let round = match &journal {
            Some(journal) => {
                outbox::deliver_due_journaled(
                    &desk.store,
                    &transport,
                    &policy,
                    || desk.now_ms(),
                    journal,
                )
                .await
            }
            None => outbox::deliver_due(&desk.store, &transport, &policy, || desk.now_ms()).await,
        };
        if let Err(e) = round {
            tracing::error!(error = %e, "outbox round failed; retrying");
        }
        if *stop.borrow() {
            return;
        }
        let wait = match desk.store.next_due_at().await {
            Ok(Some(due)) => {
                Duration::from_millis(u64::try_from(due - desk.now_ms()).unwrap_or(0)).min(MAX_IDLE)
            }
            _ => MAX_IDLE,
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = desk.outbox_wake.notified() => {}
            _ = stop.wait_for(|stop| *stop) => {}
        }
    }
}
