//! The three ways a draft leaves the machine (A4), chosen by config `mode`:
//! [`api`] (`POST /api/v1/tickets`), [`smtp`] (a mail to the helpdesk address) and
//! [`mailclient`] (an `.eml` draft the user sends from their own mail program).
//!
//! Every transport answers the same question, "was it accepted?", and sorts failures into
//! [`SendError::Retry`] (network, server busy: the outbox tries again) and
//! [`SendError::Refused`] (the other side said no to this draft: retrying will not help).

pub mod api;
pub mod mail;
pub mod mailclient;
pub mod smtp;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ppdesk_shared::agent_config::{AgentConfig, Mode};
use ppdesk_shared::api::CreatedTicket;

use crate::draft::Draft;

/// What accepted a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// The server opened (or had already opened) this ticket.
    Ticket(CreatedTicket),
    /// The SMTP server took the mail for the helpdesk.
    Mailed { message_id: String },
    /// The draft was written and handed to the user's mail program, who sends it.
    OpenedInMailClient { path: PathBuf },
}

/// Why a send failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: no network, timeouts, server or relay busy (5xx, 4xx SMTP).
    #[error("{0}")]
    Retry(String),
    /// The other side refused this draft (HTTP 4xx, SMTP 5xx, no mail program).
    #[error("{0}")]
    Refused(String),
}

impl SendError {
    /// The reason in words.
    pub fn reason(&self) -> &str {
        match self {
            Self::Retry(reason) | Self::Refused(reason) => reason,
        }
    }
}

/// The config does not allow building the transport.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("mode {mode}: config key {key} is missing")]
    Missing {
        mode: &'static str,
        key: &'static str,
    },
    #[error("mode {mode}: {reason}")]
    Invalid { mode: &'static str, reason: String },
    #[error("{0}")]
    Http(String),
}

/// Sends one draft.
pub trait Transport: Send + Sync {
    /// Delivers `draft`, or says why not.
    fn send(&self, draft: &Draft) -> Result<Delivered, SendError>;
}

/// The transport the config asks for. `outbox_dir` locates where mail-client drafts are written
/// (its sibling `mail-drafts`).
pub fn for_config(
    config: &AgentConfig,
    outbox_dir: &Path,
) -> Result<Box<dyn Transport>, TransportError> {
    Ok(match config.mode {
        Mode::Api => Box::new(api::ApiTransport::new(config)?),
        Mode::Smtp => Box::new(smtp::SmtpMailTransport::new(config)?),
        Mode::MailClient => Box::new(mailclient::MailClientTransport::new(
            config,
            &outbox_dir.with_file_name("mail-drafts"),
        )?),
    })
}

/// rustls with the ring provider and the Mozilla roots, built explicitly instead of through a
/// process-wide default provider, so no call order can leave TLS unconfigured.
pub fn tls_config() -> Result<rustls::ClientConfig, TransportError> {
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TransportError::Http(format!("TLS setup: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth())
}
