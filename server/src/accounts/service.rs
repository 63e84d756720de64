//! What the desk does with accounts: make and change users, set passwords, send reset links.
//! Shared by the CLI (`ppdesk-server user …`), the admin pages and the demo.

use crate::config::Locale;
use crate::desk::Desk;
use crate::store::accounts::{Accounts, NewUser, UserChange, UserInsert, UserListing, UserRecord};
use crate::store::{NewOutbound, Store, StoreError, StoreTx};

use super::password::{self, HashError, PasswordProblem};
use super::{Role, UserDraft, UserProblem, check_draft, may_send_reset_mail};

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The request itself is wrong (address, role, organisation…).
    #[error(transparent)]
    Refused(#[from] UserProblem),
    /// The password cannot be used.
    #[error(transparent)]
    Password(#[from] PasswordProblem),
    /// No user has this address or id.
    #[error("there is no user {0:?} (see `ppdesk-server user list`)")]
    UnknownUser(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error("hashing the password did not finish: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("could not render the mail: {0}")]
    Render(#[from] std::io::Error),
}

impl AccountError {
    /// The user asked for something impossible (as opposed to a failure worth retrying).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            AccountError::Refused(_) | AccountError::Password(_) | AccountError::UnknownUser(_)
        )
    }
}

/// A user just made, with the password when it was generated (shown once).
#[derive(Debug, Clone)]
pub struct CreatedUser {
    pub user: UserRecord,
    /// Set when no password was given and one was generated.
    pub generated_password: Option<String>,
}

/// Hashes off the async runtime: Argon2 takes tens of milliseconds of CPU on purpose.
pub async fn hash_password(password: String) -> Result<String, AccountError> {
    if let Some(problem) = password::problem(&password) {
        return Err(problem.into());
    }
    Ok(tokio::task::spawn_blocking(move || password::hash(&password)).await??)
}

/// Verifies off the async runtime; a missing hash is checked against a decoy, so the time
/// does not tell whether the address exists.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => password::verify(&password, &stored),
        None => {
            let _ = password::verify(&password, password::decoy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

impl<S: Store + Accounts> Desk<S> {
    /// The canonical name of organisation `name` (config or database), or why not.
    async fn known_organisation(&self, name: &str) -> Result<String, AccountError> {
        match self.organisation_named(name).await? {
            Some((org, _)) => Ok(org.name),
            None => Err(UserProblem::UnknownOrganisation(name.to_string()).into()),
        }
    }

    /// The organisation owning the domain of `email`, if any (config first, then database).
    async fn organisation_of_address(&self, email: &str) -> Result<Option<String>, StoreError> {
        let mut tx = self.store.begin().await?;
        let org = self.organisation_for_address(&mut tx, email).await?;
        drop(tx);
        Ok(org.map(|o| o.name))
    }

    /// Makes a user. Without a password, one is generated and returned once. A customer
    /// without an organisation gets the one owning their mail domain, if any.
    pub async fn create_user(
        &self,
        draft: UserDraft,
        password: Option<String>,
        locale: Option<Locale>,
    ) -> Result<CreatedUser, AccountError> {
        let mut draft = check_draft(draft)?;
        draft.organisation = match (&draft.organisation, draft.role) {
            (Some(name), _) => Some(self.known_organisation(name).await?),
            (None, Role::Customer) => self.organisation_of_address(&draft.email).await?,
            (None, _) => None,
        };
        let (password, generated) = match password {
            Some(password) => (password, false),
            None => (password::generate(), true),
        };
        let password_hash = hash_password(password.clone()).await?;
        let inserted = self
            .store
            .insert_user(&NewUser {
                email: draft.email.clone(),
                name: draft.name.clone(),
                role: draft.role,
                organisation: draft.organisation.clone(),
                locale,
                password_hash,
                created_at: self.now_ms(),
            })
            .await?;
        let id = match inserted {
            UserInsert::Created(id) => id,
            UserInsert::EmailTaken => return Err(UserProblem::EmailTaken(draft.email).into()),
        };
        tracing::info!(user = %draft.email, role = %draft.role, "user created");
        Ok(CreatedUser {
            user: UserRecord {
                id,
                email: draft.email,
                name: draft.name,
                role: draft.role,
                organisation: draft.organisation,
                locale,
                active: true,
            },
            generated_password: generated.then_some(password),
        })
    }

    /// The user with this address, or [`AccountError::UnknownUser`].
    pub async fn user_named(&self, email: &str) -> Result<UserRecord, AccountError> {
        self.store
            .user_by_email(email)
            .await?
            .ok_or_else(|| AccountError::UnknownUser(email.trim().to_string()))
    }

    /// Every user, by address.
    pub async fn user_list(&self) -> Result<Vec<UserListing>, AccountError> {
        Ok(self.store.users().await?)
    }

    /// Changes a user's name, role, organisation and whether they may sign in. Deactivating
    /// ends their sessions.
    pub async fn change_user(
        &self,
        id: i64,
        name: Option<String>,
        role: Role,
        organisation: Option<String>,
        active: bool,
    ) -> Result<UserRecord, AccountError> {
        let current = self
            .store
            .user(id)
            .await?
            .ok_or_else(|| AccountError::UnknownUser(format!("#{id}")))?;
        let mut draft = check_draft(UserDraft {
            email: current.email.clone(),
            name,
            role,
            organisation,
        })?;
        if let Some(name) = &draft.organisation {
            draft.organisation = Some(self.known_organisation(name).await?);
        }
        let change = UserChange {
            name: draft.name.clone(),
            role: draft.role,
            organisation: draft.organisation.clone(),
            active,
        };
        if !self.store.change_user(id, &change).await? {
            return Err(AccountError::UnknownUser(format!("#{id}")));
        }
        tracing::info!(user = %current.email, role = %role, active, "user changed");
        Ok(UserRecord {
            name: change.name,
            role: change.role,
            organisation: change.organisation,
            active,
            ..current
        })
    }

    /// Sets a user's password; their sessions end.
    pub async fn set_password(
        &self,
        email: &str,
        password: String,
    ) -> Result<UserRecord, AccountError> {
        let user = self.user_named(email).await?;
        let hash = hash_password(password).await?;
        if !self.store.set_password_hash(user.id, &hash).await? {
            return Err(AccountError::UnknownUser(email.to_string()));
        }
        tracing::info!(user = %user.email, "password set");
        Ok(user)
    }

    /// Mails an active user a one-time link to choose a new password (through the outbox).
    /// Returns false, sending nothing, when no active user has this address or it already had
    /// `reset_mails_per_hour` links in the past hour: callers answer the same either way.
    pub async fn send_password_reset(
        &self,
        email: &str,
        base_url: &str,
    ) -> Result<bool, AccountError> {
        let Some(user) = self.store.user_by_email(email).await? else {
            return Ok(false);
        };
        if !user.active {
            return Ok(false);
        }
        let now = self.now_ms();
        let sent_last_hour = self
            .store
            .password_resets_since(user.id, now - 3_600_000)
            .await?;
        if !may_send_reset_mail(sent_last_hour, self.config.web.reset_mails_per_hour) {
            tracing::warn!(user = %user.email, sent_last_hour, "password reset mail not sent: hourly limit");
            return Ok(false);
        }
        let token = crate::web::auth::random_token();
        let hours = self.config.web.reset_link_hours;
        self.store
            .insert_password_reset(
                &crate::web::auth::token_hash(&token),
                user.id,
                now,
                now + i64::from(hours) * 3_600_000,
            )
            .await?;
        let link = format!("{}/password/reset/{token}", base_url.trim_end_matches('/'));
        let locale = user.locale.unwrap_or(self.config.helpdesk.default_locale);
        let (subject, body) = super::mail::password_reset(
            locale,
            &super::mail::ResetMail {
                name: user.name.as_deref(),
                email: &user.email,
                link: &link,
                hours,
                helpdesk_name: &self.config.helpdesk.name,
            },
        );
        let domain = crate::mail::inbound::domain_of(&self.config.helpdesk.address).to_string();
        let message_id = format!(
            "ppdesk.reset.{}@{domain}",
            &crate::web::auth::random_token()[..24]
        );
        let raw = crate::mail::outbound::render(&crate::mail::outbound::Draft {
            from_name: &self.config.helpdesk.name,
            from_address: &self.config.helpdesk.address,
            to_name: user.name.as_deref(),
            to_address: &user.email,
            subject: &subject,
            message_id: &message_id,
            in_reply_to: None,
            references: &[],
            text_body: &body,
            automatic: true,
            language: locale.as_str(),
            date: now / 1000,
        })?;
        let mut tx = self.store.begin().await?;
        tx.enqueue(&NewOutbound {
            ticket: None,
            kind: "password_reset",
            recipient: user.email.clone(),
            message_id,
            raw,
            created_at: now,
        })
        .await?;
        tx.commit().await?;
        self.outbox_wake.notify_one();
        tracing::info!(user = %user.email, "password reset link mailed");
        Ok(true)
    }
}
