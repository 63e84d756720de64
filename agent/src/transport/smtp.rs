//! The smtp mode: the draft as a mail to the helpdesk address, through the configured SMTP
//! server; the server's ingestion opens the ticket and acknowledges it like any mail.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, SmtpTransport, Transport as _};
use ppdesk_shared::agent_config::{AgentConfig, Language, SmtpSecurity};

use super::{Delivered, SendError, Transport, TransportError, mail};
use crate::draft::Draft;

const MODE: &str = "smtp";

/// Mails drafts to the helpdesk.
pub struct SmtpMailTransport {
    transport: SmtpTransport,
    helpdesk: Address,
    language: Language,
    server: String,
}

impl SmtpMailTransport {
    /// Needs `helpdesk_email` and `[smtp] host`.
    pub fn new(config: &AgentConfig) -> Result<Self, TransportError> {
        let helpdesk_text = config
            .helpdesk_email
            .as_deref()
            .ok_or(TransportError::Missing {
                mode: MODE,
                key: "helpdesk_email",
            })?;
        let helpdesk =
            helpdesk_text
                .trim()
                .parse::<Address>()
                .map_err(|e| TransportError::Invalid {
                    mode: MODE,
                    reason: format!("helpdesk_email {helpdesk_text:?}: {e}"),
                })?;
        let transport = build(config)?;
        let smtp = &config.smtp;
        Ok(Self {
            transport,
            helpdesk,
            language: config.language,
            server: format!("{}:{}", smtp.host.as_deref().unwrap_or_default(), smtp.port),
        })
    }
}

/// The lettre transport for `[smtp]` (also used by `doctor` to test the connection).
pub fn build(config: &AgentConfig) -> Result<SmtpTransport, TransportError> {
    let smtp = &config.smtp;
    let host = smtp.host.as_deref().ok_or(TransportError::Missing {
        mode: MODE,
        key: "smtp.host",
    })?;
    let tls_parameters = || {
        TlsParameters::new(host.to_owned()).map_err(|e| TransportError::Invalid {
            mode: MODE,
            reason: format!("TLS for {host}: {e}"),
        })
    };
    let tls = match smtp.security {
        SmtpSecurity::Starttls => Tls::Required(tls_parameters()?),
        SmtpSecurity::Tls => Tls::Wrapper(tls_parameters()?),
        SmtpSecurity::None => Tls::None,
    };
    let mut builder = SmtpTransport::builder_dangerous(host)
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(30)));
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

impl Transport for SmtpMailTransport {
    fn send(&self, draft: &Draft) -> Result<Delivered, SendError> {
        let from = draft.contact.email.trim().parse::<Address>().map_err(|e| {
            SendError::Refused(format!("contact email {:?}: {e}", draft.contact.email))
        })?;
        let envelope = Envelope::new(Some(from), vec![self.helpdesk.clone()])
            .map_err(|e| SendError::Refused(format!("envelope: {e}")))?;
        let bytes = mail::render(draft, self.helpdesk.as_ref(), self.language, false)
            .map_err(|e| SendError::Refused(format!("building the mail: {e}")))?;
        match self.transport.send_raw(&envelope, &bytes) {
            Ok(_) => Ok(Delivered::Mailed {
                message_id: mail::message_id(draft),
            }),
            Err(error) => {
                let reason = format!("SMTP {}: {}", self.server, describe(&error));
                // A 5xx is the relay's final word on this mail; anything else (4xx, no
                // connection, timeout, TLS) may pass later.
                if error.is_permanent() {
                    Err(SendError::Refused(reason))
                } else {
                    Err(SendError::Retry(reason))
                }
            }
        }
    }
}

fn describe(error: &lettre::transport::smtp::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
