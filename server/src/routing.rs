//! Which sector takes a new ticket, and with which category and priority (feature T4).
//!
//! Rules come from the config and are tried in order; the first that matches decides. A rule
//! matches when any of its conditions does: a keyword in the subject or body, the sender's
//! domain, or the category the channel already chose (agent and portal ask the user).

use ppdesk_shared::ticket::Priority;

use crate::config::{RoutingConfig, RoutingRule};

/// What routing looks at.
#[derive(Debug, Clone, Copy)]
pub struct RoutingInput<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    /// Lower-cased.
    pub sender_domain: &'a str,
    /// The category chosen by the user (agent, portal), if any.
    pub category: Option<&'a str>,
}

/// Where the ticket goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingDecision {
    pub sector: String,
    pub category: Option<String>,
    pub priority: Option<Priority>,
    /// The name (or position) of the rule that decided; None for the default sector.
    pub rule: Option<String>,
}

/// Routes a new ticket.
pub fn route(config: &RoutingConfig, input: &RoutingInput<'_>) -> RoutingDecision {
    let subject = input.subject.to_lowercase();
    let body = input.body.to_lowercase();
    let matched = config
        .rules
        .iter()
        .enumerate()
        .find(|(_, rule)| matches(rule, input, &subject, &body));
    match matched {
        Some((index, rule)) => RoutingDecision {
            sector: rule.sector.clone(),
            category: rule
                .category
                .clone()
                .or_else(|| input.category.map(str::to_string)),
            priority: rule.priority,
            rule: Some(
                rule.name
                    .clone()
                    .unwrap_or_else(|| format!("routing.rules[{index}]")),
            ),
        },
        None => RoutingDecision {
            sector: config.default_sector.clone(),
            category: input.category.map(str::to_string),
            priority: None,
            rule: None,
        },
    }
}

fn matches(rule: &RoutingRule, input: &RoutingInput<'_>, subject: &str, body: &str) -> bool {
    let keyword = rule.keywords.iter().any(|k| {
        let k = k.to_lowercase();
        !k.is_empty() && (subject.contains(&k) || body.contains(&k))
    });
    let domain = rule
        .sender_domains
        .iter()
        .any(|d| d.eq_ignore_ascii_case(input.sender_domain));
    let category = input.category.is_some_and(|chosen| {
        rule.when_category
            .iter()
            .any(|c| c.eq_ignore_ascii_case(chosen))
    });
    keyword || domain || category
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(sector: &str) -> RoutingRule {
        RoutingRule {
            name: None,
            sector: sector.into(),
            category: None,
            priority: None,
            keywords: vec![],
            sender_domains: vec![],
            when_category: vec![],
        }
    }

    fn config() -> RoutingConfig {
        RoutingConfig {
            sectors: vec!["Helpdesk".into(), "Mago".into(), "Web".into()],
            default_sector: "Helpdesk".into(),
            categories: vec!["Mago".into(), "Web".into()],
            rules: vec![
                RoutingRule {
                    name: Some("fatture".into()),
                    category: Some("Mago".into()),
                    priority: Some(Priority::High),
                    keywords: vec!["Fattur".into(), "mago4".into()],
                    ..rule("Mago")
                },
                RoutingRule {
                    sender_domains: vec!["shop.example".into()],
                    when_category: vec!["Web".into()],
                    ..rule("Web")
                },
            ],
        }
    }

    fn input<'a>(subject: &'a str, domain: &'a str, category: Option<&'a str>) -> RoutingInput<'a> {
        RoutingInput {
            subject,
            body: "",
            sender_domain: domain,
            category,
        }
    }

    #[test]
    fn keywords_match_without_case_in_subject_or_body() {
        let decision = route(
            &config(),
            &input("Problema emissione FATTURE", "acme.it", None),
        );
        assert_eq!(decision.sector, "Mago");
        assert_eq!(decision.category.as_deref(), Some("Mago"));
        assert_eq!(decision.priority, Some(Priority::High));
        assert_eq!(decision.rule.as_deref(), Some("fatture"));

        let in_body = RoutingInput {
            body: "si blocca Mago4 al salvataggio",
            ..input("Errore", "acme.it", None)
        };
        assert_eq!(route(&config(), &in_body).sector, "Mago");
    }

    #[test]
    fn sender_domain_and_chosen_category_route_too() {
        assert_eq!(
            route(&config(), &input("Ciao", "SHOP.example", None)).sector,
            "Web"
        );
        let chosen = route(&config(), &input("Ciao", "acme.it", Some("Web")));
        assert_eq!(chosen.sector, "Web");
        assert_eq!(chosen.category.as_deref(), Some("Web"));
        assert_eq!(chosen.rule.as_deref(), Some("routing.rules[1]"));
    }

    #[test]
    fn the_first_matching_rule_wins_and_the_default_catches_the_rest() {
        let both = route(&config(), &input("fattura", "shop.example", None));
        assert_eq!(both.sector, "Mago");
        let none = route(&config(), &input("Stampante", "acme.it", None));
        assert_eq!(none.sector, "Helpdesk");
        assert_eq!(none.rule, None);
    }
}
