//! Which organisation a customer belongs to, whether a new one may be made, and the API tokens
//! that stand for one.
//!
//! Organisations come from two places: the config's `[[organisations]]` and the database
//! (`ppdesk-server org create`). They are never copied into one another: every lookup asks the
//! config first, then the database. So editing the config and restarting still changes or
//! removes a config organisation, and one made with the CLI is seen at once by a running server
//! and by the MTA pipe (nothing is cached). [`check_new`] keeps the two apart: a new organisation
//! may not reuse a name or a domain of either. Should the config later claim a database
//! organisation's name or domain, the config wins and `serve` says so when it starts
//! ([`conflicts`]).
//!
//! Both kinds are handed around as [`OrganisationConfig`], the config's own type: the rules
//! (class, language, domains) are the same wherever the organisation is written down.

use serde::Serialize;

use crate::api::token;
use crate::config::{Config, Locale, OrganisationConfig, is_valid_domain, name_problem};
use crate::desk::Desk;
use crate::store::{NewToken, OrganisationRecord, Store, StoreError, StoreTx, TokenRecord};

/// Longest organisation name, as the config allows.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest token label.
pub const MAX_LABEL_CHARS: usize = 100;

/// Where an organisation is written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `[[organisations]]` in the config file.
    Config,
    /// Made with `ppdesk-server org create`.
    Database,
}

impl Source {
    /// `config` or `database`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Config => "config",
            Source::Database => "database",
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an organisation (or a token label) cannot be created as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganisationProblem {
    #[error("organisation name {name:?} {reason}")]
    BadName { name: String, reason: &'static str },
    #[error("organisation {existing:?} already exists (in the {defined_in})")]
    Duplicate {
        existing: String,
        defined_in: Source,
    },
    #[error("{domain:?} is not a valid mail domain")]
    BadDomain { domain: String },
    #[error("domain {domain:?} is listed twice")]
    RepeatedDomain { domain: String },
    #[error(
        "domain {domain:?} already belongs to organisation {owner:?}; a domain may belong to \
         one organisation only"
    )]
    DomainTaken { domain: String, owner: String },
    #[error(
        "domain {domain:?} is a staff domain (helpdesk.staff_domains): mail from it is the \
         support company's own"
    )]
    StaffDomain { domain: String },
    #[error("unknown contract class {class:?} (known: {known})")]
    UnknownClass { class: String, known: String },
    #[error("token label {label:?} {reason}")]
    BadLabel { label: String, reason: &'static str },
}

/// A mail domain as stored: trimmed, lower-case, without a leading `@`.
pub fn normalise_domain(domain: &str) -> String {
    let lower = domain.trim().to_lowercase();
    lower.strip_prefix('@').unwrap_or(&lower).to_string()
}

/// An organisation as `org create` was asked for it, in canonical form: name trimmed, domains
/// normalised and sorted (repeats kept, for [`check_new`] to name), the class spelled as the
/// config spells it (matched case-insensitively).
pub fn normalise(mut candidate: OrganisationConfig, config: &Config) -> OrganisationConfig {
    candidate.name = candidate.name.trim().to_string();
    candidate.domains = candidate
        .domains
        .iter()
        .map(|d| normalise_domain(d))
        .collect();
    candidate.domains.sort();
    if let Some(class) = &candidate.class
        && let Some(known) = config
            .tickets
            .classes
            .iter()
            .find(|c| c.eq_ignore_ascii_case(class.trim()))
    {
        candidate.class = Some(known.clone());
    }
    candidate
}

/// Whether `candidate` (see [`normalise`]) may join the config's organisations and `database`:
/// a usable name that neither uses (case-insensitive), valid domains that nobody owns and that
/// are not the staff's, a contract class the config knows.
pub fn check_new(
    candidate: &OrganisationConfig,
    config: &Config,
    database: &[OrganisationConfig],
) -> Result<(), OrganisationProblem> {
    if let Some(reason) = name_problem(&candidate.name, MAX_NAME_CHARS) {
        return Err(OrganisationProblem::BadName {
            name: candidate.name.clone(),
            reason,
        });
    }
    let everyone = config
        .organisations
        .iter()
        .map(|o| (o, Source::Config))
        .chain(database.iter().map(|o| (o, Source::Database)));
    for (existing, defined_in) in everyone.clone() {
        if existing.name.to_lowercase() == candidate.name.to_lowercase() {
            return Err(OrganisationProblem::Duplicate {
                existing: existing.name.clone(),
                defined_in,
            });
        }
    }
    for (i, domain) in candidate.domains.iter().enumerate() {
        if !is_valid_domain(domain) {
            return Err(OrganisationProblem::BadDomain {
                domain: domain.clone(),
            });
        }
        if candidate.domains[..i].contains(domain) {
            return Err(OrganisationProblem::RepeatedDomain {
                domain: domain.clone(),
            });
        }
        if config
            .helpdesk
            .staff_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
        {
            return Err(OrganisationProblem::StaffDomain {
                domain: domain.clone(),
            });
        }
        if let Some((owner, _)) = everyone
            .clone()
            .find(|(o, _)| o.domains.iter().any(|d| d.eq_ignore_ascii_case(domain)))
        {
            return Err(OrganisationProblem::DomainTaken {
                domain: domain.clone(),
                owner: owner.name.clone(),
            });
        }
    }
    if let Some(class) = &candidate.class
        && !config.tickets.classes.contains(class)
    {
        return Err(OrganisationProblem::UnknownClass {
            class: class.clone(),
            known: config.tickets.classes.join(", "),
        });
    }
    Ok(())
}

/// Database organisations that the config now contradicts (a name or domain it also uses, a
/// class it no longer has), each with the first problem. The config wins at every lookup.
pub fn conflicts(
    config: &Config,
    database: &[OrganisationConfig],
) -> Vec<(String, OrganisationProblem)> {
    database
        .iter()
        .filter_map(|org| {
            check_new(org, config, &[])
                .err()
                .map(|problem| (org.name.clone(), problem))
        })
        .collect()
}

/// A token label's problem, if it has one (it is shown in lists: one short line).
pub fn label_problem(label: &str) -> Option<OrganisationProblem> {
    name_problem(label, MAX_LABEL_CHARS).map(|reason| OrganisationProblem::BadLabel {
        label: label.to_string(),
        reason,
    })
}

/// A database row as the value the rest of the server uses. A class the config no longer knows
/// gives way to `tickets.default_class`, an unknown language to the helpdesk's default.
pub fn from_record(record: OrganisationRecord, config: &Config) -> OrganisationConfig {
    let class = record
        .class
        .filter(|class| config.tickets.classes.contains(class));
    OrganisationConfig {
        name: record.name,
        domains: record.domains,
        class,
        locale: record.locale.and_then(|l| l.parse::<Locale>().ok()),
    }
}

/// Whether the mail domain of `address` is one of the organisation's.
pub fn owns_address(organisation: &OrganisationConfig, address: &str) -> bool {
    let domain = crate::mail::inbound::domain_of(address);
    organisation
        .domains
        .iter()
        .any(|d| d.eq_ignore_ascii_case(domain))
}

/// The config's organisation with this name (case-insensitive).
fn configured<'a>(config: &'a Config, name: &str) -> Option<&'a OrganisationConfig> {
    config
        .organisations
        .iter()
        .find(|o| o.name.to_lowercase() == name.trim().to_lowercase())
}

/// Why an organisation or token command failed.
#[derive(Debug, thiserror::Error)]
pub enum OrganisationError {
    #[error(transparent)]
    Refused(#[from] OrganisationProblem),
    #[error("there is no organisation {0:?} (see `ppdesk-server org list`)")]
    Unknown(String),
    #[error("organisation {organisation:?} has no token {id} (see `ppdesk-server org token list`)")]
    UnknownToken { organisation: String, id: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OrganisationError {
    /// The user asked for something impossible (as opposed to a storage failure worth retrying).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, OrganisationError::Store(_))
    }
}

/// One line of `org list`.
#[derive(Debug, Clone, Serialize)]
pub struct OrganisationLine {
    pub name: String,
    pub source: Source,
    pub domains: Vec<String>,
    /// The contract class its tickets get (its own or the default).
    pub class: String,
    pub locale: Locale,
    /// Tokens not revoked.
    pub active_tokens: usize,
    /// Set when the config contradicts this database organisation (the config wins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict: Option<String>,
}

/// A token just made: shown once, never again.
#[derive(Debug, Clone)]
pub struct MintedToken {
    pub id: i64,
    pub organisation: String,
    /// `ppd_` and 64 hex digits.
    pub token: String,
}

impl<S: Store> Desk<S> {
    /// The organisation owning the domain of `address`: the config's, else the database's.
    pub(crate) async fn organisation_for_address(
        &self,
        tx: &mut S::Tx,
        address: &str,
    ) -> Result<Option<OrganisationConfig>, StoreError> {
        let domain = crate::mail::inbound::domain_of(address);
        if let Some(org) = self.config.organisation_for_domain(domain) {
            return Ok(Some(org.clone()));
        }
        if domain.is_empty() {
            return Ok(None);
        }
        Ok(tx
            .organisation_for_domain(&domain.trim_end_matches('.').to_lowercase())
            .await?
            .map(|record| from_record(record, &self.config)))
    }

    /// The organisation with this name (case-insensitive), config first, inside a transaction.
    pub(crate) async fn organisation_named_in(
        &self,
        tx: &mut S::Tx,
        name: &str,
    ) -> Result<Option<OrganisationConfig>, StoreError> {
        if let Some(org) = configured(&self.config, name) {
            return Ok(Some(org.clone()));
        }
        Ok(tx
            .organisation_named(name.trim())
            .await?
            .map(|record| from_record(record, &self.config)))
    }

    /// The organisation with this name (case-insensitive), config first, and where it is.
    pub async fn organisation_named(
        &self,
        name: &str,
    ) -> Result<Option<(OrganisationConfig, Source)>, StoreError> {
        if let Some(org) = configured(&self.config, name) {
            return Ok(Some((org.clone(), Source::Config)));
        }
        Ok(self
            .store
            .organisation_named(name.trim())
            .await?
            .map(|record| (from_record(record, &self.config), Source::Database)))
    }

    /// Creates an organisation in the database after [`check_new`] (in the same transaction, so
    /// two CLI calls cannot both take a domain); returns it in canonical form.
    pub async fn create_organisation(
        &self,
        candidate: OrganisationConfig,
    ) -> Result<OrganisationConfig, OrganisationError> {
        let candidate = normalise(candidate, &self.config);
        let mut tx = self.store.begin().await?;
        let database: Vec<OrganisationConfig> = tx
            .organisations()
            .await?
            .into_iter()
            .map(|record| from_record(record, &self.config))
            .collect();
        check_new(&candidate, &self.config, &database)?;
        tx.insert_organisation(&OrganisationRecord {
            name: candidate.name.clone(),
            domains: candidate.domains.clone(),
            class: candidate.class.clone(),
            locale: candidate.locale.map(|l| l.as_str().to_string()),
            created_at: self.now_ms(),
        })
        .await?;
        tx.commit().await?;
        tracing::info!(organisation = %candidate.name, domains = ?candidate.domains, "organisation created");
        Ok(candidate)
    }

    /// Every organisation, the config's first, then the database's by name.
    pub async fn organisation_lines(&self) -> Result<Vec<OrganisationLine>, StoreError> {
        let database: Vec<OrganisationConfig> = self
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|record| from_record(record, &self.config))
            .collect();
        let conflicts = conflicts(&self.config, &database);
        let mut lines = Vec::new();
        let all = self
            .config
            .organisations
            .iter()
            .map(|o| (o, Source::Config))
            .chain(database.iter().map(|o| (o, Source::Database)));
        for (org, source) in all {
            let tokens = self.store.tokens(&org.name).await?;
            lines.push(OrganisationLine {
                name: org.name.clone(),
                source,
                domains: org.domains.clone(),
                class: self.config.class_for(Some(org)).to_string(),
                locale: self.config.locale_for(Some(org)),
                active_tokens: tokens.iter().filter(|t| t.revoked_at.is_none()).count(),
                conflict: match source {
                    Source::Config => None,
                    Source::Database => conflicts
                        .iter()
                        .find(|(name, _)| *name == org.name)
                        .map(|(_, problem)| problem.to_string()),
                },
            });
        }
        Ok(lines)
    }

    /// Logs every database organisation the config contradicts (the config wins).
    pub async fn warn_organisation_conflicts(&self) -> Result<(), StoreError> {
        let database: Vec<OrganisationConfig> = self
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|record| from_record(record, &self.config))
            .collect();
        for (name, problem) in conflicts(&self.config, &database) {
            tracing::warn!(
                organisation = %name,
                %problem,
                "database organisation contradicts the config; the config wins"
            );
        }
        Ok(())
    }

    /// Makes an API token for organisation `name` (config or database). Only its hash is kept.
    pub async fn create_token(
        &self,
        name: &str,
        label: Option<&str>,
    ) -> Result<MintedToken, OrganisationError> {
        let label = label.map(str::trim).filter(|l| !l.is_empty());
        if let Some(problem) = label.and_then(label_problem) {
            return Err(problem.into());
        }
        let (org, _) = self
            .organisation_named(name)
            .await?
            .ok_or_else(|| OrganisationError::Unknown(name.to_string()))?;
        let token = token::mint();
        let mut tx = self.store.begin().await?;
        let id = tx
            .insert_token(&NewToken {
                organisation: org.name.clone(),
                label: label.map(str::to_string),
                sha256: token::hash(&token),
                created_at: self.now_ms(),
            })
            .await?;
        tx.commit().await?;
        tracing::info!(organisation = %org.name, id, "API token created");
        Ok(MintedToken {
            id,
            organisation: org.name,
            token,
        })
    }

    /// The tokens of organisation `name`, oldest first, and its canonical name.
    pub async fn tokens_of(
        &self,
        name: &str,
    ) -> Result<(String, Vec<TokenRecord>), OrganisationError> {
        let (org, _) = self
            .organisation_named(name)
            .await?
            .ok_or_else(|| OrganisationError::Unknown(name.to_string()))?;
        let tokens = self.store.tokens(&org.name).await?;
        Ok((org.name, tokens))
    }

    /// Revokes token `id` of organisation `name`; it authenticates nobody from now on.
    pub async fn revoke_token(&self, name: &str, id: i64) -> Result<String, OrganisationError> {
        let (org, _) = self
            .organisation_named(name)
            .await?
            .ok_or_else(|| OrganisationError::Unknown(name.to_string()))?;
        let mut tx = self.store.begin().await?;
        if !tx.revoke_token(&org.name, id, self.now_ms()).await? {
            return Err(OrganisationError::UnknownToken {
                organisation: org.name,
                id,
            });
        }
        tx.commit().await?;
        tracing::info!(organisation = %org.name, id, "API token revoked");
        Ok(org.name)
    }

    /// The organisation a presented bearer token stands for. None for a malformed, unknown or
    /// revoked token, and for one whose organisation no longer exists. The token is found by
    /// its SHA-256, so no comparison ever runs over the secret itself.
    pub async fn authenticate(
        &self,
        presented: &str,
    ) -> Result<Option<OrganisationConfig>, StoreError> {
        if !token::looks_like_token(presented) {
            return Ok(None);
        }
        let Some(record) = self.store.token_by_hash(&token::hash(presented)).await? else {
            return Ok(None);
        };
        if record.revoked_at.is_some() {
            return Ok(None);
        }
        Ok(self
            .organisation_named(&record.organisation)
            .await?
            .map(|(org, _)| org))
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

    fn config() -> Config {
        let mut config = Config::default();
        config.tickets.classes = vec!["Standard".into(), "Gold".into()];
        config.helpdesk.staff_domains = vec!["projectpp.it".into()];
        config.organisations.push(org("ACME S.r.l.", &["acme.it"]));
        config
    }

    fn check(
        candidate: OrganisationConfig,
        database: &[OrganisationConfig],
    ) -> Result<(), OrganisationProblem> {
        let config = config();
        check_new(&normalise(candidate, &config), &config, database)
    }

    #[test]
    fn a_new_organisation_with_fresh_name_and_domains_is_accepted() {
        assert_eq!(
            check(org("Beta S.p.A.", &["beta.it", "@Beta.COM"]), &[]),
            Ok(())
        );
        assert_eq!(check(org("Senza dominio", &[]), &[]), Ok(()));
    }

    #[test]
    fn names_and_domains_of_config_and_database_are_taken() {
        let database = [org("Gamma", &["gamma.it"])];
        assert!(matches!(
            check(org("acme s.r.l.", &[]), &database),
            Err(OrganisationProblem::Duplicate {
                defined_in: Source::Config,
                ..
            })
        ));
        assert!(matches!(
            check(org(" GAMMA ", &[]), &database),
            Err(OrganisationProblem::Duplicate {
                defined_in: Source::Database,
                ..
            })
        ));
        assert_eq!(
            check(org("Delta", &["ACME.it"]), &database),
            Err(OrganisationProblem::DomainTaken {
                domain: "acme.it".into(),
                owner: "ACME S.r.l.".into()
            })
        );
        assert_eq!(
            check(org("Delta", &["gamma.it"]), &database),
            Err(OrganisationProblem::DomainTaken {
                domain: "gamma.it".into(),
                owner: "Gamma".into()
            })
        );
    }

    #[test]
    fn bad_names_domains_and_classes_are_refused() {
        assert!(matches!(
            check(org("  ", &[]), &[]),
            Err(OrganisationProblem::BadName { .. })
        ));
        assert!(matches!(
            check(org("A\nB", &[]), &[]),
            Err(OrganisationProblem::BadName { .. })
        ));
        assert!(matches!(
            check(org("Delta", &["not a domain"]), &[]),
            Err(OrganisationProblem::BadDomain { .. })
        ));
        assert!(matches!(
            check(org("Delta", &["d.it", "D.it"]), &[]),
            Err(OrganisationProblem::RepeatedDomain { .. })
        ));
        assert!(matches!(
            check(org("Delta", &["projectpp.it"]), &[]),
            Err(OrganisationProblem::StaffDomain { .. })
        ));
        let mut platinum = org("Delta", &[]);
        platinum.class = Some("Platinum".into());
        assert!(matches!(
            check(platinum, &[]),
            Err(OrganisationProblem::UnknownClass { .. })
        ));
        let mut gold = org("Delta", &[]);
        gold.class = Some("gold".into());
        let config = config();
        let gold = normalise(gold, &config);
        assert_eq!(gold.class.as_deref(), Some("Gold"));
        assert_eq!(check_new(&gold, &config, &[]), Ok(()));
    }

    #[test]
    fn the_config_wins_over_a_database_organisation_it_contradicts() {
        let database = [org("Gamma", &["gamma.it"]), org("Epsilon", &["acme.it"])];
        let found = conflicts(&config(), &database);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "Epsilon");
    }

    #[test]
    fn records_lose_classes_and_languages_the_config_does_not_know() {
        let record = OrganisationRecord {
            name: "Gamma".into(),
            domains: vec!["gamma.it".into()],
            class: Some("Platinum".into()),
            locale: Some("en".into()),
            created_at: 0,
        };
        let org = from_record(record, &config());
        assert_eq!(org.class, None);
        assert_eq!(org.locale, Some(Locale::En));
        assert!(owns_address(&org, "mario@GAMMA.it"));
        assert!(!owns_address(&org, "mario@gmail.com"));
    }

    #[test]
    fn labels_are_one_short_line() {
        assert!(label_problem("PC reception").is_none());
        assert!(label_problem("a\tb").is_some());
        assert!(label_problem(&"x".repeat(101)).is_some());
    }
}
