//! Prometheus metrics (`/metrics`): messages taken by outcome, acknowledgement latency, outbox
//! depth and age, delivery failures, mailbox session failures, API ticket submissions.
//!
//! Counters and histograms are recorded where things happen, through the `metrics` facade;
//! gauges that describe stored state (the outbox) are read from the store at scrape time, so
//! they are right even when another process (an MTA pipe) changed it.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::store::OutboxDepth;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder on first call; None if another recorder was installed.
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                // Seconds, from a few milliseconds (LMTP) to minutes (a relay that was down).
                .set_buckets_for_metric(
                    Matcher::Suffix("_seconds".into()),
                    &[
                        0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0,
                    ],
                )
                .ok()?
                .install_recorder()
                .ok()?;
            describe();
            Some(recorder)
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!(
        "ppdesk_messages_ingested_total",
        "Inbound messages taken, by outcome"
    );
    metrics::describe_histogram!(
        "ppdesk_acknowledgement_latency_seconds",
        "From a message being taken to its acknowledgement being accepted by the transport"
    );
    metrics::describe_counter!(
        "ppdesk_delivery_failures_total",
        "Outbound delivery attempts that failed, by kind (transient or permanent)"
    );
    metrics::describe_counter!(
        "ppdesk_deliveries_total",
        "Outbound mails accepted by the transport"
    );
    metrics::describe_counter!(
        "ppdesk_api_tickets_total",
        "Ticket submissions through the API, by outcome (created or repeated)"
    );
    metrics::describe_counter!(
        "ppdesk_imap_session_failures_total",
        "Mailbox sessions that ended with an error (followed by a reconnect)"
    );
}

/// The text exposition: recorded metrics plus the outbox gauges read just now.
pub fn render(depth: &OutboxDepth, now_ms: i64) -> String {
    let mut out = handle().map(|h| h.render()).unwrap_or_default();
    let age = depth
        .oldest_pending_at
        .map(|at| (now_ms - at).max(0) as f64 / 1000.0)
        .unwrap_or(0.0);
    out += &format!(
        "# HELP ppdesk_outbox_pending Outbound mails waiting for delivery\n\
         # TYPE ppdesk_outbox_pending gauge\nppdesk_outbox_pending {}\n\
         # HELP ppdesk_outbox_failed Outbound mails given up on\n\
         # TYPE ppdesk_outbox_failed gauge\nppdesk_outbox_failed {}\n\
         # HELP ppdesk_outbox_oldest_pending_age_seconds Age of the oldest waiting mail\n\
         # TYPE ppdesk_outbox_oldest_pending_age_seconds gauge\n\
         ppdesk_outbox_oldest_pending_age_seconds {age}\n",
        depth.pending, depth.failed
    );
    out
}
