//! Semantic checks: everything serde cannot see (cross-references, ranges, formats).
//!
//! Every check runs even after an earlier one failed, so an admin fixing a file sees all of its
//! problems at once instead of one per restart.

use std::collections::HashMap;
use std::net::SocketAddr;

use super::{Config, ConfigProblem};

/// Collects problems with their key paths; the file and line are filled in by the caller that
/// knows the source text.
#[derive(Default)]
struct Problems(Vec<ConfigProblem>);

impl Problems {
    fn push(&mut self, key: impl Into<String>, reason: impl Into<String>) {
        self.0.push(ConfigProblem {
            file: String::new(),
            line: None,
            key: key.into(),
            reason: reason.into(),
        });
    }

    /// `value` must be one of `known` (exact, case-sensitive: these names end up in tags,
    /// filters and reports, so "mago" and "Mago" would be two different things).
    fn check_known(&mut self, key: String, what: &str, value: &str, known: &[String]) {
        if !known.iter().any(|k| k == value) {
            self.push(
                key,
                format!("unknown {what} {value:?} ({})", known_list(known)),
            );
        }
    }

    /// Names in a list must be usable and unique; duplicates are compared case-insensitively
    /// because they would be indistinguishable to people reading tags and reports.
    fn check_names(&mut self, key: &str, what: &str, names: &[String], max_len: usize) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            let item_key = format!("{key}[{i}]");
            if let Some(reason) = name_problem(name, max_len) {
                self.push(item_key, format!("{what} {name:?}: {reason}"));
                continue;
            }
            if let Some(first) = seen.insert(name.to_lowercase(), i) {
                self.push(
                    item_key,
                    format!("duplicate {what} {name:?} (already at {key}[{first}])"),
                );
            }
        }
    }
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "none are configured".to_string()
    } else {
        format!("known: {}", known.join(", "))
    }
}

/// Why `name` cannot be a display name of at most `max_len` characters (a sector, an
/// organisation…), if it can't: empty, padded with spaces, control characters, too long.
pub fn name_problem(name: &str, max_len: usize) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("must not be empty")
    } else if name.trim() != name {
        Some("must not start or end with spaces")
    } else if name.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else if name.chars().count() > max_len {
        Some("is too long")
    } else {
        None
    }
}

/// Why `class` cannot be a contract class in the subject tag `#<Class># Ticket #[n]`, if it can't.
pub fn tag_class_problem(class: &str) -> Option<&'static str> {
    let len = class.chars().count();
    if len == 0 {
        Some("must not be empty")
    } else if len > 32 {
        Some("must be at most 32 characters")
    } else if class.contains(['#', '[', ']']) {
        // These delimit the tag; a class containing them could not be parsed back.
        Some("must not contain '#', '[' or ']'")
    } else if class.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("must not contain spaces")
    } else {
        None
    }
}

/// A DNS name as it appears after the `@` of an address (already lower-cased by normalisation).
/// Internationalised labels are accepted as written, since mail may carry either form.
pub fn is_valid_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// A plain `local@domain` address (no display name, no comments, no quoted local parts: those
/// are legal in RFC 5322 but never what belongs in a config file).
pub fn is_valid_email(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[],;:\"\\@".contains(c))
        && is_valid_domain(domain)
}

/// Runs every semantic check on `config`; see [`Config::validate`].
pub fn validate(config: &Config) -> Vec<ConfigProblem> {
    let mut p = Problems::default();
    helpdesk(config, &mut p);
    tickets(config, &mut p);
    storage(config, &mut p);
    acknowledgement_and_outbox(config, &mut p);
    routing(config, &mut p);
    organisations(config, &mut p);
    server(config, &mut p);
    mail(config, &mut p);
    api(config, &mut p);
    for (key, reason) in super::web::problems(config) {
        p.push(key, reason);
    }
    p.0
}

fn api(config: &Config, p: &mut Problems) {
    let a = &config.api;
    if a.max_request_bytes == 0 {
        p.push("api.max_request_bytes", "must be greater than 0");
    }
    if a.max_file_bytes == 0 {
        p.push("api.max_file_bytes", "must be greater than 0");
    } else if a.max_request_bytes > 0 && a.max_file_bytes > a.max_request_bytes {
        p.push(
            "api.max_file_bytes",
            format!(
                "{} bytes is larger than api.max_request_bytes ({} bytes): a file cannot be \
                 bigger than the request carrying it",
                a.max_file_bytes, a.max_request_bytes
            ),
        );
    }
}

fn mail(config: &Config, p: &mut Problems) {
    if let Some(imap) = &config.imap {
        if imap.host.trim().is_empty() {
            p.push("imap.host", "must not be empty");
        }
        if imap.username.trim().is_empty() {
            p.push("imap.username", "must not be empty");
        }
        match (&imap.password, &imap.password_file) {
            (None, None) => p.push("imap", "give password or password_file"),
            (Some(_), Some(_)) => p.push(
                "imap.password_file",
                "give password or password_file, not both",
            ),
            _ => {}
        }
        for (key, folder) in [
            ("imap.mailbox", &imap.mailbox),
            ("imap.processed_folder", &imap.processed_folder),
            ("imap.quarantine_folder", &imap.quarantine_folder),
        ] {
            if folder.trim().is_empty() {
                p.push(key, "must not be empty");
            }
        }
        if imap.processed_folder == imap.mailbox {
            p.push(
                "imap.processed_folder",
                "must differ from imap.mailbox, or mail would be taken again and again",
            );
        }
        if imap.poll_interval_secs == 0 {
            p.push("imap.poll_interval_secs", "must be at least 1");
        }
    }
    if config.lmtp.enabled && config.lmtp.listen.parse::<SocketAddr>().is_err() {
        p.push(
            "lmtp.listen",
            format!("{:?} is not an address:port", config.lmtp.listen),
        );
    }
    match (&config.smtp, config.outbox.transport) {
        (None, super::TransportKind::Smtp) => p.push(
            "outbox.transport",
            "\"smtp\" needs an [smtp] section with the relay's host",
        ),
        (Some(smtp), _) => {
            if smtp.host.trim().is_empty() {
                p.push("smtp.host", "must not be empty");
            }
            if smtp.password.is_some() && smtp.password_file.is_some() {
                p.push(
                    "smtp.password_file",
                    "give password or password_file, not both",
                );
            }
            if (smtp.password.is_some() || smtp.password_file.is_some()) && smtp.username.is_none()
            {
                p.push("smtp.username", "a password needs a username");
            }
            if smtp.timeout_secs == 0 {
                p.push("smtp.timeout_secs", "must be at least 1");
            }
        }
        _ => {}
    }
}

fn helpdesk(config: &Config, p: &mut Problems) {
    let h = &config.helpdesk;
    if !is_valid_email(&h.address) {
        p.push(
            "helpdesk.address",
            format!("{:?} is not a valid email address", h.address),
        );
    }
    // The name goes into a From header: a newline there would be header injection.
    if let Some(reason) = name_problem(&h.name, 100) {
        p.push("helpdesk.name", reason);
    }
    let rest = h
        .portal_url
        .strip_prefix("https://")
        .or_else(|| h.portal_url.strip_prefix("http://"));
    match rest {
        None => p.push(
            "helpdesk.portal_url",
            format!("{:?} must start with http:// or https://", h.portal_url),
        ),
        Some(rest) if rest.is_empty() || rest.starts_with('/') => p.push(
            "helpdesk.portal_url",
            format!("{:?} has no host name", h.portal_url),
        ),
        Some(_)
            if h.portal_url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control()) =>
        {
            p.push(
                "helpdesk.portal_url",
                format!("{:?} must not contain spaces", h.portal_url),
            )
        }
        Some(_) => {}
    }
    for (i, domain) in h.staff_domains.iter().enumerate() {
        if !is_valid_domain(domain) {
            p.push(
                format!("helpdesk.staff_domains[{i}]"),
                format!("{domain:?} is not a valid mail domain"),
            );
        }
    }
    for (i, address) in h.technicians.iter().enumerate() {
        if !is_valid_email(address) {
            p.push(
                format!("helpdesk.technicians[{i}]"),
                format!("{address:?} is not a valid email address"),
            );
        }
    }
    if let Some(phone) = &h.phone {
        let allowed = |c: char| c.is_ascii_digit() || " +-()./".contains(c);
        if !phone.chars().any(|c| c.is_ascii_digit()) || !phone.chars().all(allowed) {
            p.push(
                "helpdesk.phone",
                format!("{phone:?} is not a phone number (digits, spaces and + - ( ) . / only)"),
            );
        }
    }
}

fn tickets(config: &Config, p: &mut Problems) {
    let t = &config.tickets;
    if t.classes.is_empty() {
        p.push("tickets.classes", "must list at least one contract class");
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, class) in t.classes.iter().enumerate() {
        if let Some(reason) = tag_class_problem(class) {
            p.push(
                format!("tickets.classes[{i}]"),
                format!("contract class {class:?} {reason}"),
            );
        } else if let Some(first) = seen.insert(class.to_lowercase(), i) {
            // The tag parser is case-tolerant, so "Gold" and "gold" would be the same class.
            p.push(
                format!("tickets.classes[{i}]"),
                format!("duplicate contract class {class:?} (already at tickets.classes[{first}])"),
            );
        }
    }
    if !t.classes.is_empty() {
        p.check_known(
            "tickets.default_class".into(),
            "contract class",
            &t.default_class,
            &t.classes,
        );
    }
    if t.reopen_window_days > 365 {
        p.push(
            "tickets.reopen_window_days",
            format!("{} is out of range (0..=365)", t.reopen_window_days),
        );
    }
    if t.first_number < 1 {
        p.push("tickets.first_number", "must be at least 1");
    }
}

fn storage(config: &Config, p: &mut Problems) {
    let s = &config.storage;
    if s.data_dir
        .as_ref()
        .is_some_and(|d| d.as_os_str().is_empty())
    {
        p.push(
            "storage.data_dir",
            "must not be empty (leave it out to use the default)",
        );
    }
    if s.max_message_bytes == 0 {
        p.push("storage.max_message_bytes", "must be greater than 0");
    }
    if s.max_attachment_bytes == 0 {
        p.push("storage.max_attachment_bytes", "must be greater than 0");
    } else if s.max_attachment_bytes > s.max_message_bytes {
        p.push(
            "storage.max_attachment_bytes",
            format!(
                "{} bytes is larger than storage.max_message_bytes ({} bytes): an attachment \
                 cannot be bigger than the message carrying it",
                s.max_attachment_bytes, s.max_message_bytes
            ),
        );
    }
}

fn acknowledgement_and_outbox(config: &Config, p: &mut Problems) {
    if config.acknowledgement.max_per_sender_per_hour < 1 {
        p.push(
            "acknowledgement.max_per_sender_per_hour",
            "must be at least 1 (set acknowledgement.enabled = false to send none)",
        );
    }
    let o = &config.outbox;
    if o.spool_dir
        .as_ref()
        .is_some_and(|d| d.as_os_str().is_empty())
    {
        p.push(
            "outbox.spool_dir",
            "must not be empty (leave it out to use <data_dir>/spool/outbound)",
        );
    }
    if o.max_attempts < 1 {
        p.push("outbox.max_attempts", "must be at least 1");
    }
    if o.initial_backoff_secs < 1 {
        p.push("outbox.initial_backoff_secs", "must be at least 1");
    }
    if o.max_backoff_secs < o.initial_backoff_secs {
        p.push(
            "outbox.max_backoff_secs",
            format!(
                "{} is less than outbox.initial_backoff_secs ({})",
                o.max_backoff_secs, o.initial_backoff_secs
            ),
        );
    }
}

fn routing(config: &Config, p: &mut Problems) {
    let r = &config.routing;
    if r.sectors.is_empty() {
        p.push("routing.sectors", "must list at least one sector");
    }
    p.check_names("routing.sectors", "sector", &r.sectors, 64);
    p.check_names("routing.categories", "category", &r.categories, 64);
    if !r.sectors.is_empty() {
        p.check_known(
            "routing.default_sector".into(),
            "sector",
            &r.default_sector,
            &r.sectors,
        );
    }
    for (i, rule) in r.rules.iter().enumerate() {
        let key = |field: &str| format!("routing.rules[{i}].{field}");
        if let Some(name) = &rule.name
            && let Some(reason) = name_problem(name, 100)
        {
            p.push(key("name"), reason);
        }
        p.check_known(key("sector"), "sector", &rule.sector, &r.sectors);
        if let Some(category) = &rule.category {
            p.check_known(key("category"), "category", category, &r.categories);
        }
        for (j, keyword) in rule.keywords.iter().enumerate() {
            if keyword.trim().is_empty() {
                // An empty substring matches every message, surely not what was meant.
                p.push(
                    format!("{}[{j}]", key("keywords")),
                    "empty keyword (it would match every message)",
                );
            }
        }
        for (j, domain) in rule.sender_domains.iter().enumerate() {
            if !is_valid_domain(domain) {
                p.push(
                    format!("{}[{j}]", key("sender_domains")),
                    format!("{domain:?} is not a valid mail domain"),
                );
            }
        }
        for (j, category) in rule.when_category.iter().enumerate() {
            p.check_known(
                format!("{}[{j}]", key("when_category")),
                "category",
                category,
                &r.categories,
            );
        }
        if rule.keywords.is_empty()
            && rule.sender_domains.is_empty()
            && rule.when_category.is_empty()
        {
            p.push(
                format!("routing.rules[{i}]"),
                "matches nothing: give keywords, sender_domains or when_category",
            );
        }
    }
}

fn organisations(config: &Config, p: &mut Problems) {
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut domains: HashMap<&str, (usize, &str)> = HashMap::new();
    for (i, org) in config.organisations.iter().enumerate() {
        let key = |field: &str| format!("organisations[{i}].{field}");
        if let Some(reason) = name_problem(&org.name, 200) {
            p.push(key("name"), reason);
        } else if let Some(first) = names.insert(org.name.to_lowercase(), i) {
            p.push(
                key("name"),
                format!(
                    "duplicate organisation {:?} (already at organisations[{first}])",
                    org.name
                ),
            );
        }
        for (j, domain) in org.domains.iter().enumerate() {
            let domain_key = format!("{}[{j}]", key("domains"));
            if !is_valid_domain(domain) {
                p.push(domain_key, format!("{domain:?} is not a valid mail domain"));
            } else if let Some((first, owner)) = domains.insert(domain, (i, &org.name)) {
                // Mail from this domain must map to exactly one customer.
                let reason = if first == i {
                    format!("domain {domain:?} is listed twice")
                } else {
                    format!(
                        "domain {domain:?} already belongs to organisation {owner:?} \
                         (organisations[{first}]); a domain may belong to one organisation only"
                    )
                };
                p.push(domain_key, reason);
            }
        }
        if let Some(class) = &org.class {
            p.check_known(
                key("class"),
                "contract class",
                class,
                &config.tickets.classes,
            );
        }
    }
}

fn server(config: &Config, p: &mut Problems) {
    let s = &config.server;
    if s.listen.parse::<SocketAddr>().is_err() {
        p.push(
            "server.listen",
            format!(
                "{:?} is not an IP address and port (e.g. \"127.0.0.1:8080\" or \"[::1]:8080\")",
                s.listen
            ),
        );
    }
    if let Some(secret) = &s.secret {
        if !secret.chars().all(|c| c.is_ascii_hexdigit()) {
            p.push("server.secret", "must be hexadecimal (0-9, a-f)");
        } else if secret.len() < 32 {
            p.push(
                "server.secret",
                format!(
                    "too short: {} hex digits, at least 32 needed (e.g. `openssl rand -hex 32`)",
                    secret.len()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_domains() {
        for good in [
            "a@b.it",
            "helpdesk@ppdesk.localhost",
            "root@localhost",
            "x.y+z@città.it",
        ] {
            assert!(is_valid_email(good), "{good}");
        }
        for bad in [
            "", "a", "@b.it", "a@", "a b@c.it", "<a@b.it>", "a@b..it", "a@-b.it", ".a@b.it",
            "a@b.it\n",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
        assert!(is_valid_domain("acme.it"));
        assert!(!is_valid_domain("acme.it."));
        assert!(!is_valid_domain("ac me.it"));
    }

    #[test]
    fn tag_classes() {
        assert_eq!(tag_class_problem("Gold"), None);
        assert_eq!(tag_class_problem(&"x".repeat(32)), None);
        assert!(tag_class_problem("").is_some());
        assert!(tag_class_problem(&"x".repeat(33)).is_some());
        assert!(tag_class_problem("Go#ld").is_some());
        assert!(tag_class_problem("Go[ld").is_some());
        assert!(tag_class_problem("Go ld").is_some());
    }
}
