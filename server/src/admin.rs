//! What the admin pages may change, as plain rules, and the desk operations behind them that
//! are not about accounts (those are in [`crate::accounts::service`]).

use crate::accounts::Role;
use crate::config::{Config, Locale, OrganisationConfig};
use crate::desk::Desk;
use crate::organisations::{
    self, OrganisationError, OrganisationProblem, Source, check_new, from_record,
};
use crate::store::Store;
use crate::store::admin::Administration;

/// Why an admin may not make this change to their own account: taking away their own admin
/// role or deactivating themselves would lock the last way back in.
pub fn self_change_refused(actor_id: i64, target_id: i64, new_role: Role, active: bool) -> bool {
    actor_id == target_id && (new_role != Role::Admin || !active)
}

/// Splits what was typed in a domains box (lines, commas, spaces) into domains.
pub fn split_domains(text: &str) -> Vec<String> {
    text.split([',', ';', '\n', '\r', ' ', '\t'])
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks a changed database organisation against the config and the other database ones: the
/// same rules as a new one ([`check_new`]), with itself left out of the comparison.
pub fn check_change(
    changed: &OrganisationConfig,
    config: &Config,
    database: &[OrganisationConfig],
) -> Result<(), OrganisationProblem> {
    let others: Vec<OrganisationConfig> = database
        .iter()
        .filter(|o| !o.name.eq_ignore_ascii_case(&changed.name))
        .cloned()
        .collect();
    check_new(changed, config, &others)
}

impl<S: Store + Administration> Desk<S> {
    /// Changes the domains, contract class and language of database organisation `name`
    /// (config organisations are changed in the config file). Returns it in canonical form.
    pub async fn update_organisation(
        &self,
        name: &str,
        domains: Vec<String>,
        class: Option<String>,
        locale: Option<Locale>,
    ) -> Result<OrganisationConfig, OrganisationError> {
        let Some((current, Source::Database)) = self.organisation_named(name).await? else {
            return Err(OrganisationError::Unknown(name.to_string()));
        };
        let changed = organisations::normalise(
            OrganisationConfig {
                name: current.name.clone(),
                domains,
                class: class.filter(|c| !c.trim().is_empty()),
                locale,
            },
            &self.config,
        );
        let database: Vec<OrganisationConfig> = self
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|record| from_record(record, &self.config))
            .collect();
        check_change(&changed, &self.config, &database)?;
        if !self
            .store
            .update_organisation(
                &changed.name,
                &changed.domains,
                changed.class.as_deref(),
                changed.locale.map(Locale::as_str),
            )
            .await?
        {
            return Err(OrganisationError::Unknown(name.to_string()));
        }
        tracing::info!(organisation = %changed.name, domains = ?changed.domains, class = ?changed.class, "organisation changed");
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(name: &str, domains: &[&str]) -> OrganisationConfig {
        OrganisationConfig {
            name: name.into(),
            domains: domains.iter().map(|d| d.to_string()).collect(),
            class: None,
            locale: None,
        }
    }

    #[test]
    fn an_admin_cannot_lock_themselves_out() {
        assert!(self_change_refused(1, 1, Role::Technician, true));
        assert!(self_change_refused(1, 1, Role::Admin, false));
        assert!(!self_change_refused(1, 1, Role::Admin, true));
        assert!(!self_change_refused(1, 2, Role::Customer, false));
    }

    #[test]
    fn domains_are_split_on_lines_commas_and_spaces() {
        assert_eq!(
            split_domains(" acme.it,\r\nacme.com ; shop.acme.it\n\n"),
            ["acme.it", "acme.com", "shop.acme.it"]
        );
        assert!(split_domains("  ").is_empty());
    }

    #[test]
    fn a_change_may_keep_its_own_domains_but_not_take_others() {
        let config = Config::default();
        let database = vec![org("Acme", &["acme.it"]), org("Beta", &["beta.it"])];
        assert_eq!(
            check_change(&org("Acme", &["acme.it", "acme.com"]), &config, &database),
            Ok(())
        );
        assert!(matches!(
            check_change(&org("Acme", &["beta.it"]), &config, &database),
            Err(OrganisationProblem::DomainTaken { .. })
        ));
    }
}
