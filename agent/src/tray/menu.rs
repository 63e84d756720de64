//! What the tray menu shows, given the config and the outbox: which entries, in which order,
//! with which words, and which icon. Plain data; [`super::app`] turns it into a real menu.

use crate::catalog::Language;
use crate::catalog::tray::text;

/// What a menu entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// "N ticket in attesa di invio": retry every waiting draft now.
    RetryPending,
    /// Capture the screen, then open the compose window with it.
    ComposeWithScreenshot,
    /// Open the compose window without a screenshot.
    Compose,
    /// Open "my tickets".
    MyTickets,
    /// The server's web portal in the browser.
    HelpdeskOnline,
    /// The server's knowledge base in the browser.
    KnowledgeBase,
    /// The phone number from the config (dials it where a `tel:` handler exists).
    Phone,
    /// Quit the tray.
    Quit,
}

impl Action {
    const ALL: [Self; 8] = [
        Self::RetryPending,
        Self::ComposeWithScreenshot,
        Self::Compose,
        Self::MyTickets,
        Self::HelpdeskOnline,
        Self::KnowledgeBase,
        Self::Phone,
        Self::Quit,
    ];

    /// The menu item's id (stable; menu events carry it back).
    pub fn id(self) -> &'static str {
        match self {
            Self::RetryPending => "retry-pending",
            Self::ComposeWithScreenshot => "compose-screenshot",
            Self::Compose => "compose",
            Self::MyTickets => "my-tickets",
            Self::HelpdeskOnline => "helpdesk-online",
            Self::KnowledgeBase => "knowledge-base",
            Self::Phone => "phone",
            Self::Quit => "quit",
        }
    }

    /// The action of a menu item id; `None` for ids that are not ours.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.id() == id)
    }
}

/// One line of the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Item { action: Action, label: String },
    Separator,
}

/// Everything the menu depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MenuFacts<'a> {
    pub language: Language,
    /// The helpdesk phone number from the config.
    pub phone: Option<&'a str>,
    /// A server URL is configured: "I miei ticket", "Helpdesk online" and "Knowledge base"
    /// need one (smtp and mailclient setups may have none).
    pub has_server: bool,
    /// Drafts waiting in the outbox.
    pub pending: usize,
}

/// The menu, top to bottom: the waiting drafts (only when there are any), the two ways to
/// open a ticket, the server's pages, the phone number, quit; groups apart by separators.
pub fn entries(facts: MenuFacts<'_>) -> Vec<Entry> {
    let text = text(facts.language);
    let item = |action, label: String| Entry::Item { action, label };
    let mut groups: Vec<Vec<Entry>> = Vec::new();
    if facts.pending > 0 {
        groups.push(vec![item(
            Action::RetryPending,
            (text.pending)(facts.pending),
        )]);
    }
    groups.push(vec![
        item(
            Action::ComposeWithScreenshot,
            text.compose_with_screenshot.to_owned(),
        ),
        item(Action::Compose, text.compose.to_owned()),
    ]);
    if facts.has_server {
        groups.push(vec![
            item(Action::MyTickets, text.my_tickets.to_owned()),
            item(Action::HelpdeskOnline, text.helpdesk_online.to_owned()),
            item(Action::KnowledgeBase, text.knowledge_base.to_owned()),
        ]);
    }
    if let Some(phone) = facts.phone.map(str::trim).filter(|p| !p.is_empty()) {
        groups.push(vec![item(Action::Phone, text.phone(phone))]);
    }
    groups.push(vec![item(Action::Quit, text.quit.to_owned())]);

    let mut entries = Vec::new();
    for (index, group) in groups.into_iter().enumerate() {
        if index > 0 {
            entries.push(Entry::Separator);
        }
        entries.extend(group);
    }
    entries
}

/// Which picture the tray shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconKind {
    /// The plain "++".
    Plain,
    /// "++" with a dot: tickets wait in the outbox.
    Badge,
}

/// The icon for `pending` waiting drafts.
pub fn icon_kind(pending: usize) -> IconKind {
    if pending > 0 {
        IconKind::Badge
    } else {
        IconKind::Plain
    }
}

/// The URL "Knowledge base" opens, from the server's base URL.
pub fn knowledge_base_url(server_url: &str) -> String {
    format!("{}/kb", server_url.trim_end_matches('/'))
}

/// The `tel:` URI for a phone number as people write it ("+39 02 123.45.67" →
/// `tel:+39021234567`); `None` when no digit is left.
pub fn tel_uri(phone: &str) -> Option<String> {
    let mut number: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    // Only a leading plus means "international".
    let international = number.starts_with('+');
    number.retain(|c| c.is_ascii_digit());
    if number.is_empty() {
        return None;
    }
    Some(format!(
        "tel:{}{number}",
        if international { "+" } else { "" }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|entry| match entry {
                Entry::Item { label, .. } => label.clone(),
                Entry::Separator => "---".to_owned(),
            })
            .collect()
    }

    #[test]
    fn full_italian_menu_in_order() {
        let entries = entries(MenuFacts {
            language: Language::It,
            phone: Some("+39 02 1234567"),
            has_server: true,
            pending: 0,
        });
        assert_eq!(
            labels(&entries),
            [
                "Apri ticket con screenshot",
                "Apri ticket",
                "---",
                "I miei ticket",
                "Helpdesk online",
                "Knowledge base",
                "---",
                "Assistenza telefonica: +39 02 1234567",
                "---",
                "Esci",
            ]
        );
    }

    #[test]
    fn waiting_drafts_come_first_and_disappear_when_sent() {
        let mut facts = MenuFacts {
            language: Language::It,
            phone: None,
            has_server: true,
            pending: 2,
        };
        let with = entries(facts);
        assert_eq!(
            with[0],
            Entry::Item {
                action: Action::RetryPending,
                label: "2 ticket in attesa di invio".into()
            }
        );
        assert_eq!(with[1], Entry::Separator);
        facts.pending = 0;
        assert!(!entries(facts).iter().any(|e| matches!(
            e,
            Entry::Item {
                action: Action::RetryPending,
                ..
            }
        )));
    }

    #[test]
    fn no_phone_and_no_server_leave_no_empty_groups() {
        let entries = entries(MenuFacts {
            language: Language::En,
            phone: Some("  "),
            has_server: false,
            pending: 0,
        });
        assert_eq!(
            labels(&entries),
            ["Open ticket with screenshot", "Open ticket", "---", "Quit"]
        );
    }

    #[test]
    fn ids_round_trip_and_foreign_ids_are_ignored() {
        for action in Action::ALL {
            assert_eq!(Action::from_id(action.id()), Some(action));
        }
        assert_eq!(Action::from_id("1001"), None);
    }

    #[test]
    fn badge_only_while_drafts_wait() {
        assert_eq!(icon_kind(0), IconKind::Plain);
        assert_eq!(icon_kind(1), IconKind::Badge);
    }

    #[test]
    fn links_and_phone_uris() {
        assert_eq!(
            knowledge_base_url("https://helpdesk.example.it/"),
            "https://helpdesk.example.it/kb"
        );
        assert_eq!(
            tel_uri("+39 02 123.45.67").as_deref(),
            Some("tel:+39021234567")
        );
        assert_eq!(tel_uri("(02) 123-4567").as_deref(), Some("tel:021234567"));
        assert_eq!(
            tel_uri("02 1+2").as_deref(),
            Some("tel:0212"),
            "a plus inside is noise"
        );
        assert_eq!(tel_uri("chiamare Marco"), None);
    }
}
