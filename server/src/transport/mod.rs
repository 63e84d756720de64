//! Outbound transports. The spool (a folder of .eml files) is the embedded default; an SMTP
//! relay is the other choice (`outbox.transport = "smtp"`). [`OutboundTransport`] is the one the
//! config asks for.

pub mod smtp;
pub mod spool;

use std::path::Path;
use std::time::Duration;

use crate::config::{Config, TransportKind};
use crate::outbox::{DeliveryError, Transport};
use crate::store::DueMail;

use self::smtp::{SmtpSetupError, SmtpTransport};
use self::spool::SpoolTransport;

/// Why the configured transport could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("outbox.transport = \"smtp\" needs an [smtp] section with the relay's host")]
    MissingSmtpSection,
    #[error(transparent)]
    Smtp(#[from] SmtpSetupError),
}

/// The transport `outbox.transport` names.
#[derive(Debug)]
pub enum OutboundTransport {
    Spool(SpoolTransport),
    Smtp(SmtpTransport),
}

impl OutboundTransport {
    /// Builds the configured transport; `spool_dir` is where the spool writes. An SMTP relay's
    /// password file is read here. Call it inside the tokio runtime (the SMTP connection pool
    /// starts a task).
    pub fn from_config(config: &Config, spool_dir: &Path) -> Result<Self, TransportError> {
        Ok(match config.outbox.transport {
            TransportKind::Spool => Self::Spool(SpoolTransport::new(spool_dir)),
            TransportKind::Smtp => {
                let smtp = config
                    .smtp
                    .as_ref()
                    .ok_or(TransportError::MissingSmtpSection)?;
                Self::Smtp(SmtpTransport::new(smtp, &config.helpdesk.address)?)
            }
        })
    }
}

impl Transport for OutboundTransport {
    async fn deliver(&self, mail: &DueMail) -> Result<(), DeliveryError> {
        match self {
            Self::Spool(spool) => spool.deliver(mail).await,
            Self::Smtp(smtp) => smtp.deliver(mail).await,
        }
    }

    fn redelivery_is_harmless(&self) -> bool {
        match self {
            Self::Spool(spool) => spool.redelivery_is_harmless(),
            Self::Smtp(smtp) => smtp.redelivery_is_harmless(),
        }
    }

    fn delivery_lease(&self) -> Duration {
        match self {
            Self::Spool(spool) => spool.delivery_lease(),
            Self::Smtp(smtp) => smtp.delivery_lease(),
        }
    }

    fn parallel_sends(&self) -> usize {
        match self {
            Self::Spool(spool) => spool.parallel_sends(),
            Self::Smtp(smtp) => smtp.parallel_sends(),
        }
    }
}
