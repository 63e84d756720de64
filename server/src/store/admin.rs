//! Storage of what only the admin pages change: a database organisation's domains, contract
//! class and language.

use std::future::Future;

use super::StoreError;

/// Changes of the admin pages.
pub trait Administration: Send + Sync + 'static {
    /// Replaces the domains, class and language of the database organisation `name` (exact
    /// name); false when there is none. Domains are stored as given (lower-case, checked).
    fn update_organisation(
        &self,
        name: &str,
        domains: &[String],
        class: Option<&str>,
        locale: Option<&str>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
