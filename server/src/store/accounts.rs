//! Storage of web accounts: users, sessions, password-reset links.
//!
//! Tokens (session cookies, reset links) are never stored, only their SHA-256: they are 32
//! random bytes, so a fast hash suffices, and a copy of the database signs nobody in.

use std::future::Future;

use crate::accounts::Role;
use crate::config::Locale;

use super::StoreError;

/// A user as the web pages see it (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Row id.
    pub id: i64,
    /// Sign-in address, lower-case.
    pub email: String,
    /// Display name.
    pub name: Option<String>,
    /// What they may do.
    pub role: Role,
    /// Organisation name, as `tickets.organisation` holds it; None for staff.
    pub organisation: Option<String>,
    /// Preferred language; None = the browser's / the helpdesk default.
    pub locale: Option<Locale>,
    /// False once deactivated: cannot sign in, sessions end.
    pub active: bool,
}

impl UserRecord {
    /// The name to show: the display name, else the address.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.email)
    }
}

/// A user with the facts only the admin pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserListing {
    /// The user.
    pub user: UserRecord,
    /// When the user was made (Unix ms).
    pub created_at: i64,
    /// Last time one of their sessions was used (Unix ms), if ever.
    pub last_seen_at: Option<i64>,
}

/// A user to insert.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in address, lower-case (see [`crate::accounts::check_draft`]).
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    pub organisation: Option<String>,
    pub locale: Option<Locale>,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub created_at: i64,
}

/// What the admin pages change on a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChange {
    pub name: Option<String>,
    pub role: Role,
    pub organisation: Option<String>,
    pub active: bool,
}

/// The outcome of [`Accounts::insert_user`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserInsert {
    /// Made, with this id.
    Created(i64),
    /// Another user has this address (compared without case).
    EmailTaken,
}

/// A session to insert.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Lower-case hex SHA-256 of the cookie value.
    pub token_sha256: String,
    pub user: i64,
    /// The session's CSRF token, carried by its forms.
    pub csrf: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A live session with its (active) user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub csrf: String,
    pub expires_at: i64,
    pub last_seen_at: i64,
}

/// Users, sessions and password resets.
pub trait Accounts: Send + Sync + 'static {
    /// Inserts a user, unless the address is taken.
    fn insert_user(
        &self,
        user: &NewUser,
    ) -> impl Future<Output = Result<UserInsert, StoreError>> + Send;
    /// The user with this id.
    fn user(&self, id: i64) -> impl Future<Output = Result<Option<UserRecord>, StoreError>> + Send;
    /// The user with this address (any case).
    fn user_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<UserRecord>, StoreError>> + Send;
    /// The user with this address and their password hash, for signing in.
    fn credentials(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<(UserRecord, String)>, StoreError>> + Send;
    /// Every user, by address.
    fn users(&self) -> impl Future<Output = Result<Vec<UserListing>, StoreError>> + Send;
    /// Changes name, role, organisation and active flag; false when there is no such user. A
    /// deactivated user's sessions end.
    fn change_user(
        &self,
        id: i64,
        change: &UserChange,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Sets the preferred language.
    fn set_user_locale(
        &self,
        id: i64,
        locale: Option<Locale>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Replaces the password hash and ends every session of the user; false when there is no
    /// such user.
    fn set_password_hash(
        &self,
        id: i64,
        password_hash: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Inserts a session.
    fn insert_session(
        &self,
        session: &NewSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The session with this token hash if it has not expired at `now` and its user is active.
    fn session(
        &self,
        token_sha256: &str,
        now: i64,
    ) -> impl Future<Output = Result<Option<SessionRecord>, StoreError>> + Send;
    /// Marks the session used at `now` and moves its expiry to `expires_at` (sliding expiry).
    fn touch_session(
        &self,
        token_sha256: &str,
        now: i64,
        expires_at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Ends one session (sign-out).
    fn delete_session(
        &self,
        token_sha256: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Removes sessions and reset links that expired before `now`; returns how many.
    fn purge_expired(&self, now: i64) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Inserts a password-reset link's token hash for `user`, valid until `expires_at`.
    fn insert_password_reset(
        &self,
        token_sha256: &str,
        user: i64,
        created_at: i64,
        expires_at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// How many reset links were made for `user` at or after `since` (used or not).
    fn password_resets_since(
        &self,
        user: i64,
        since: i64,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;
    /// The (active) user of an unused, unexpired reset link, without using it up.
    fn password_reset_user(
        &self,
        token_sha256: &str,
        now: i64,
    ) -> impl Future<Output = Result<Option<UserRecord>, StoreError>> + Send;
    /// Uses a reset link up and sets the new password in one transaction: the link must be
    /// unused and unexpired at `now`. Ends every session and every other link of the user.
    /// Returns the user, or None when the link was not usable (so it works once only).
    fn reset_password(
        &self,
        token_sha256: &str,
        password_hash: &str,
        now: i64,
    ) -> impl Future<Output = Result<Option<UserRecord>, StoreError>> + Send;
}
