//! The spool transport: each outbound mail as `<Message-ID>.eml` in a folder, for a local MTA,
//! a mail client or a person to pick up.
//!
//! The file is named by the Message-ID and written by rename, so delivering the same mail twice
//! (a crash between writing and marking it sent) leaves one file, not two.

use std::path::{Path, PathBuf};

use crate::outbox::{DeliveryError, Transport};
use crate::store::DueMail;

/// A folder of .eml files.
#[derive(Debug, Clone)]
pub struct SpoolTransport {
    dir: PathBuf,
}

impl SpoolTransport {
    /// Uses (creating on first delivery) `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// The file a mail is written to.
    pub fn path_for(&self, message_id: &str) -> PathBuf {
        let safe: String = message_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-@+".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir.join(format!("{safe}.eml"))
    }
}

impl Transport for SpoolTransport {
    fn redelivery_is_harmless(&self) -> bool {
        true
    }

    async fn deliver(&self, mail: &DueMail) -> Result<(), DeliveryError> {
        let transient = |e: std::io::Error| {
            DeliveryError::Transient(format!("spool {}: {e}", self.dir.display()))
        };
        // Writing a few kilobytes to a local folder takes less than handing the work to the
        // blocking pool and back, so it is done in place, like the blob store's writes.
        let path = self.path_for(&mail.message_id);
        let tmp = self.dir.join(format!(".{}.tmp", mail.id));
        if std::fs::write(&tmp, &mail.raw).is_err() {
            // First delivery, or the folder was removed: create it and try once more.
            std::fs::create_dir_all(&self.dir).map_err(transient)?;
            std::fs::write(&tmp, &mail.raw).map_err(transient)?;
        }
        std::fs::rename(&tmp, &path).map_err(transient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn delivering_twice_leaves_one_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let spool = SpoolTransport::new(&dir.path().join("out"));
        let mail = DueMail {
            id: 1,
            message_id: "ppdesk.1.a.b@x/../y".into(),
            recipient: "a@b".into(),
            raw: b"Subject: x\r\n\r\nbody".to_vec(),
            attempts: 0,
            kind: "acknowledgement".into(),
            created_at: 0,
        };
        spool.deliver(&mail).await.expect("first");
        spool.deliver(&mail).await.expect("second");
        let files: Vec<_> = std::fs::read_dir(dir.path().join("out"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(
            std::fs::read(spool.path_for(&mail.message_id)).expect("read"),
            mail.raw
        );
    }
}
