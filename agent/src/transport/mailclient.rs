//! The mailclient mode, the customer procedure's original flow: the draft becomes an `.eml`
//! file marked `X-Unsent: 1` with the screenshot attached, opened with the system's default
//! handler, so the user's own mail program shows it ready to send.

use std::fs;
use std::path::{Path, PathBuf};

use ppdesk_shared::agent_config::{AgentConfig, Language};

use super::{Delivered, SendError, Transport, TransportError, mail};
use crate::draft::{Draft, safe_file_name};

const MODE: &str = "mailclient";

/// Writes and opens `.eml` drafts.
pub struct MailClientTransport {
    helpdesk: String,
    language: Language,
    drafts_dir: PathBuf,
}

impl MailClientTransport {
    /// Needs `helpdesk_email`; drafts are written to `drafts_dir`.
    pub fn new(config: &AgentConfig, drafts_dir: &Path) -> Result<Self, TransportError> {
        let helpdesk = config
            .helpdesk_email
            .clone()
            .ok_or(TransportError::Missing {
                mode: MODE,
                key: "helpdesk_email",
            })?;
        Ok(Self {
            helpdesk: helpdesk.trim().to_owned(),
            language: config.language,
            drafts_dir: drafts_dir.to_owned(),
        })
    }

    /// Where the `.eml` of `draft` goes: a readable name, unique by the draft id.
    pub fn path_for(&self, draft: &Draft) -> PathBuf {
        let readable: String = safe_file_name(&draft.clean_subject())
            .chars()
            .take(60)
            .collect();
        self.drafts_dir
            .join(format!("{readable} ({}).eml", draft.id))
    }
}

impl Transport for MailClientTransport {
    fn send(&self, draft: &Draft) -> Result<Delivered, SendError> {
        let bytes = mail::render(draft, &self.helpdesk, self.language, true)
            .map_err(|e| SendError::Refused(format!("building the draft: {e}")))?;
        crate::outbox::create_private_dir(&self.drafts_dir)
            .map_err(|e| SendError::Retry(e.to_string()))?;
        let path = self.path_for(draft);
        let tmp = path.with_extension("eml.tmp");
        fs::write(&tmp, &bytes)
            .and_then(|()| fs::rename(&tmp, &path))
            .map_err(|e| SendError::Retry(format!("{}: {e}", path.display())))?;
        // Without a mail program the draft cannot go anywhere; the file stays for the user.
        open::that_detached(&path).map_err(|e| {
            SendError::Refused(format!(
                "no program opens {} (install or choose a default mail program): {e}",
                path.display()
            ))
        })?;
        Ok(Delivered::OpenedInMailClient { path })
    }
}
