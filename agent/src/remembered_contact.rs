//! The contact the user last sent a ticket as, remembered per user so the next compose window
//! and "I miei ticket" know the email address even when no config file names it (the
//! installer's machine-wide file cannot know who sits at the machine).
//!
//! Config keys win: a contact written in a config file is never replaced by the remembered one.

use std::fs;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::AgentConfig;
use crate::draft::{Contact, looks_like_address};
use crate::paths::AgentPaths;

const FILE_NAME: &str = "contact.json";

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    name: String,
    email: String,
}

fn file(paths: &AgentPaths) -> PathBuf {
    paths.data_dir.join(FILE_NAME)
}

/// Remembers `contact` after a Send that the outbox took (delivered or queued). Failures are
/// logged only: forgetting costs the user some typing, nothing more.
pub fn remember(paths: &AgentPaths, contact: &Contact) {
    if !looks_like_address(contact.email.trim()) {
        return;
    }
    let stored = Stored {
        name: contact.name.trim().to_owned(),
        email: contact.email.trim().to_owned(),
    };
    let path = file(paths);
    let written = serde_json::to_vec_pretty(&stored)
        .map_err(std::io::Error::other)
        .and_then(|json| {
            let tmp = path.with_extension("json.tmp");
            fs::write(&tmp, json).and_then(|()| fs::rename(&tmp, &path))
        });
    if let Err(error) = written {
        tracing::warn!(path = %path.display(), %error, "cannot remember the contact");
    }
}

/// Fills the contact keys the config leaves unset from the remembered contact.
pub fn apply(config: &mut AgentConfig, paths: &AgentPaths) {
    let Ok(bytes) = fs::read(file(paths)) else {
        return;
    };
    let Ok(stored) = serde_json::from_slice::<Stored>(&bytes) else {
        tracing::warn!(path = %file(paths).display(), "remembered contact unreadable, ignored");
        return;
    };
    fill(config, stored);
}

/// The rule: a remembered value only fills what the config does not set.
fn fill(config: &mut AgentConfig, stored: Stored) {
    if config.contact_email.is_none() && looks_like_address(&stored.email) {
        config.contact_email = Some(stored.email);
        if !stored.name.is_empty() {
            config.contact_name = stored.name;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(email: Option<&str>) -> AgentConfig {
        let mut config = crate::config::resolve(&Default::default(), "Utente PC");
        config.contact_email = email.map(str::to_owned);
        config
    }

    #[test]
    fn a_remembered_contact_fills_only_what_the_config_leaves_unset() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = AgentPaths::at(dir.path());
        remember(
            &paths,
            &Contact {
                name: "Anna Bianchi".into(),
                email: " anna.bianchi@acme.test ".into(),
            },
        );
        let mut unset = config(None);
        apply(&mut unset, &paths);
        assert_eq!(
            unset.contact_email.as_deref(),
            Some("anna.bianchi@acme.test")
        );
        assert_eq!(unset.contact_name, "Anna Bianchi");

        let mut configured = config(Some("mario.rossi@acme.test"));
        apply(&mut configured, &paths);
        assert_eq!(
            configured.contact_email.as_deref(),
            Some("mario.rossi@acme.test"),
            "config keys win"
        );
    }

    #[test]
    fn typing_slips_are_not_remembered_and_nothing_remembered_changes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = AgentPaths::at(dir.path());
        remember(
            &paths,
            &Contact {
                name: "Anna".into(),
                email: "anna".into(),
            },
        );
        let mut unset = config(None);
        apply(&mut unset, &paths);
        assert_eq!(unset.contact_email, None);
    }
}
