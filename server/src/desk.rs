//! The helpdesk as one value: config, storage, blobs, the Message-ID signer and the clock.
//! Every front end (CLI, HTTP, mail intake) holds a [`Desk`] and calls its methods.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ppdesk_shared::status::{Clock, ReopenWindow};

use crate::blobs::{BlobError, BlobStore};
use crate::config::Config;
use crate::message_id::MessageIdSigner;
use crate::store::sqlite::{self, SqliteStore};
use crate::store::{Store, StoreError};

/// The helpdesk.
pub struct Desk<S: Store> {
    pub config: Arc<Config>,
    pub store: S,
    pub blobs: BlobStore,
    pub signer: MessageIdSigner,
    pub clock: Arc<dyn Clock>,
    pub data_dir: PathBuf,
    /// Woken whenever mail is queued, so the outbox worker sends it now instead of at its next
    /// look: this is what makes an acknowledgement arrive in seconds.
    pub outbox_wake: tokio::sync::Notify,
}

/// Why the desk could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("server secret {path}: {reason}")]
    Secret { path: PathBuf, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
}

impl Desk<SqliteStore> {
    /// Opens the embedded default: SQLite and blobs under `data_dir`.
    pub async fn open(
        config: Config,
        data_dir: &Path,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, OpenError> {
        std::fs::create_dir_all(data_dir).map_err(|source| OpenError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let store = SqliteStore::open(
            &sqlite::database_path(data_dir),
            config.tickets.first_number,
        )
        .await?;
        Self::with_store(config, store, data_dir, clock)
    }
}

impl<S: Store> Desk<S> {
    /// Builds a desk around any store.
    pub fn with_store(
        config: Config,
        store: S,
        data_dir: &Path,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, OpenError> {
        let secret = load_secret(&config, data_dir)?;
        let domain = crate::mail::inbound::domain_of(&config.helpdesk.address).to_string();
        Ok(Self {
            signer: MessageIdSigner::new(&secret, &domain),
            blobs: BlobStore::open(&data_dir.join("blobs"))?,
            config: Arc::new(config),
            store,
            clock,
            data_dir: data_dir.to_path_buf(),
            outbox_wake: tokio::sync::Notify::new(),
        })
    }

    /// Now, from the desk's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Now in Unix milliseconds, as stored.
    pub fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// The reopen window from the config.
    pub fn reopen_window(&self) -> ReopenWindow {
        ReopenWindow::days(self.config.tickets.reopen_window_days)
    }

    /// Where the spool transport writes outbound mail.
    pub fn spool_dir(&self) -> PathBuf {
        self.config
            .outbox
            .spool_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("spool").join("outbound"))
    }
}

/// The secret that signs our Message-IDs: from the config, else a file in the data dir made on
/// first start (so IDs stay recognisable across restarts).
fn load_secret(config: &Config, data_dir: &Path) -> Result<Vec<u8>, OpenError> {
    let path = data_dir.join("secret.key");
    let fail = |reason: String| OpenError::Secret {
        path: path.clone(),
        reason,
    };
    if let Some(hex_secret) = &config.server.secret {
        return hex::decode(hex_secret.trim()).map_err(|e| fail(format!("server.secret: {e}")));
    }
    match std::fs::read_to_string(&path) {
        Ok(text) => hex::decode(text.trim()).map_err(|e| fail(format!("not hex: {e}"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret: [u8; 32] = rand::random();
            let tmp = data_dir.join(format!("secret.key.{}.tmp", std::process::id()));
            std::fs::write(&tmp, hex::encode(secret)).map_err(|e| fail(e.to_string()))?;
            // Two processes racing on first start: hard_link fails if the file exists, so the first one wins and both read it back.
            if std::fs::hard_link(&tmp, &path).is_err() && !path.exists() {
                return Err(fail("could not create the file".into()));
            }
            let _ = std::fs::remove_file(&tmp);
            let text = std::fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
            hex::decode(text.trim()).map_err(|e| fail(format!("not hex: {e}")))
        }
        Err(e) => Err(fail(e.to_string())),
    }
}
