//! What the technician queue shows: the query string of `/console` read into a [`QueueFilter`]
//! (sector, status, priority, SLA state, assignee, review flag, text search, page cursor), and
//! written back into links so tabs and "next page" keep the other filters.
//!
//! Bad values are [`FilterProblem`]s naming the parameter and what was accepted, never a 500;
//! the page shows them and falls back to the default for that parameter.

use ppdesk_shared::status::TicketStatus;
use ppdesk_shared::tag;
use ppdesk_shared::ticket::Priority;

use crate::sla::SlaState;

/// Longest search text taken, in characters: a search box, not a document.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Most tokens of a search used; more only slow the index down without narrowing much.
pub const MAX_SEARCH_WORDS: usize = 8;

/// Which statuses the queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Waiting on support or on the customer (the default: what still needs someone).
    #[default]
    Open,
    /// Exactly this status.
    Only(TicketStatus),
    /// Every status.
    All,
}

impl StatusFilter {
    /// The query-string value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Only(status) => status.as_str(),
            Self::All => "all",
        }
    }

    /// Every choice the status filter offers, in menu order.
    pub const CHOICES: [Self; 6] = [
        Self::Open,
        Self::Only(TicketStatus::WaitingOnSupport),
        Self::Only(TicketStatus::WaitingOnCustomer),
        Self::Only(TicketStatus::Resolved),
        Self::Only(TicketStatus::Cancelled),
        Self::All,
    ];
}

/// Whose tickets the queue lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    /// The signed-in technician's ("mine").
    Mine,
    /// Nobody's yet.
    Unassigned,
    /// This technician's (lower-case address).
    Person(String),
}

impl AssigneeFilter {
    /// The query-string value; empty for [`AssigneeFilter::Anyone`].
    pub fn as_str(&self) -> &str {
        match self {
            Self::Anyone => "",
            Self::Mine => "mine",
            Self::Unassigned => "unassigned",
            Self::Person(address) => address,
        }
    }

    /// "Mine" made concrete for the technician asking.
    pub fn resolve(&self, viewer: &str) -> Self {
        match self {
            Self::Mine => Self::Person(viewer.trim().to_lowercase()),
            other => other.clone(),
        }
    }
}

/// What the search box asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// A ticket number or a tag (`12345`, `#12345`, `#Standard# Ticket #[12345]`).
    Number(u64),
    /// Words: `fts` is the full-text query (each run of letters or digits a quoted token, all
    /// of them required; a word typed with a trailing `*` ends in a prefix), safe to hand to
    /// SQLite FTS5 as a bound parameter; `text` is what was typed (trimmed).
    Text { text: String, fts: String },
}

impl Search {
    /// What was typed, for the search box.
    pub fn typed(&self) -> String {
        match self {
            Self::Number(n) => n.to_string(),
            Self::Text { text, .. } => text.clone(),
        }
    }
}

/// Where the next page starts: just after this ticket in the queue's order (newest activity
/// first, then highest number). Keyset pagination: a deep page costs what the first one does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub updated_at: i64,
    pub number: u64,
}

impl Cursor {
    /// The query-string value: `<updated_at ms>_<number>`.
    pub fn to_param(self) -> String {
        format!("{}_{}", self.updated_at, self.number)
    }

    fn parse(text: &str) -> Option<Self> {
        let (at, number) = text.trim().split_once('_')?;
        Some(Self {
            updated_at: at.parse().ok()?,
            number: number.parse().ok()?,
        })
    }
}

/// The queue's filter: what `/console?…` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueFilter {
    /// A configured sector, spelled as the config spells it; None: every sector.
    pub sector: Option<String>,
    pub status: StatusFilter,
    pub priority: Option<Priority>,
    /// Tickets in this SLA state now (the SLA rules decide, in SQL: `sla::state_filter_sql`).
    pub sla: Option<SlaState>,
    pub assignee: AssigneeFilter,
    /// Only tickets flagged for review ("tag from a stranger").
    pub needs_review: bool,
    pub search: Option<Search>,
    /// Start after this ticket (the "next page" link); None: the first page.
    pub after: Option<Cursor>,
}

/// A query-string value the queue cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterProblem {
    /// The parameter (`sector`, `status`, …).
    pub parameter: &'static str,
    /// The value as given.
    pub value: String,
    /// What the parameter accepts.
    pub expected: Expected,
}

/// What a parameter accepts (the page words it in the reader's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// One of these values.
    OneOf(Vec<String>),
    /// `mine`, `unassigned` or a technician's address.
    Assignee,
    /// The value of a "next page" link.
    Cursor,
    /// At most this many characters.
    TooLong(usize),
    /// At least one letter or digit.
    Words,
    /// `1` or nothing.
    Flag,
}

/// Reads the queue's query string. Unknown parameters are ignored (links from elsewhere may add
/// some); a bad value is reported and that filter left at its default, so the page still shows.
pub fn parse(pairs: &[(String, String)], sectors: &[String]) -> (QueueFilter, Vec<FilterProblem>) {
    let mut filter = QueueFilter::default();
    let mut problems = Vec::new();
    let mut problem = |parameter: &'static str, value: &str, expected: Expected| {
        problems.push(FilterProblem {
            parameter,
            value: value.to_string(),
            expected,
        })
    };
    for (name, value) in pairs {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name.as_str() {
            "sector" => match sectors.iter().find(|s| s.eq_ignore_ascii_case(value)) {
                Some(sector) => filter.sector = Some(sector.clone()),
                None if value.eq_ignore_ascii_case("all") => filter.sector = None,
                None => problem("sector", value, Expected::OneOf(sectors.to_vec())),
            },
            "status" => match StatusFilter::CHOICES
                .into_iter()
                .find(|s| s.as_str().eq_ignore_ascii_case(value))
            {
                Some(status) => filter.status = status,
                None => problem(
                    "status",
                    value,
                    Expected::OneOf(
                        StatusFilter::CHOICES
                            .iter()
                            .map(|s| s.as_str().to_string())
                            .collect(),
                    ),
                ),
            },
            "priority" => match value.parse::<Priority>() {
                Ok(priority) => filter.priority = Some(priority),
                Err(_) if value.eq_ignore_ascii_case("all") => filter.priority = None,
                Err(_) => problem(
                    "priority",
                    value,
                    Expected::OneOf(Priority::ALL.iter().map(|p| p.as_str().into()).collect()),
                ),
            },
            "sla" => match value.parse::<SlaState>() {
                Ok(sla) => filter.sla = Some(sla),
                Err(_) if value.eq_ignore_ascii_case("all") => filter.sla = None,
                Err(_) => problem(
                    "sla",
                    value,
                    Expected::OneOf(SlaState::ALL.iter().map(|s| s.as_str().into()).collect()),
                ),
            },
            "assignee" => match parse_assignee(value) {
                Some(assignee) => filter.assignee = assignee,
                None => problem("assignee", value, Expected::Assignee),
            },
            "review" => match value {
                "1" | "true" | "on" => filter.needs_review = true,
                "0" | "false" | "off" => filter.needs_review = false,
                _ => problem("review", value, Expected::Flag),
            },
            "q" => match parse_search(value) {
                Ok(search) => filter.search = search,
                Err(expected) => problem("q", value, expected),
            },
            "after" => match Cursor::parse(value) {
                Some(cursor) => filter.after = Some(cursor),
                None => problem("after", value, Expected::Cursor),
            },
            _ => {}
        }
    }
    (filter, problems)
}

fn parse_assignee(value: &str) -> Option<AssigneeFilter> {
    let lower = value.to_lowercase();
    match lower.as_str() {
        "any" | "all" => Some(AssigneeFilter::Anyone),
        "mine" | "me" => Some(AssigneeFilter::Mine),
        "unassigned" | "none" => Some(AssigneeFilter::Unassigned),
        address if is_plausible_address(address) => {
            Some(AssigneeFilter::Person(address.to_string()))
        }
        _ => None,
    }
}

/// `local@domain` with no spaces: enough to tell an address from a typo'd keyword.
pub fn is_plausible_address(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// The search box: a ticket number or tag goes straight to that ticket; anything else becomes
/// a full-text query. Ok(None) when there is nothing to search for.
pub fn parse_search(text: &str) -> Result<Option<Search>, Expected> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > MAX_SEARCH_CHARS {
        return Err(Expected::TooLong(MAX_SEARCH_CHARS));
    }
    if let Some(number) = ticket_number(text) {
        return Ok(Some(Search::Number(number)));
    }
    // The index keeps tokens, not positions (detail=none): every word of the search is split
    // into its runs of letters and digits as the tokenizer splits text (`mario.rossi@acme.it`
    // → mario rossi acme it), and each run must appear. A run is quoted, so no FTS5 operator or
    // column filter can hide in it.
    let mut tokens: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        // `stampant*` asks for a prefix; only with a few letters before the `*`: a short prefix
        // makes the index merge the lists of every word it starts.
        let (word, prefix) = match word.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (word, false),
        };
        let runs: Vec<&str> = word
            .split(|c: char| !c.is_alphanumeric())
            .filter(|run| !run.is_empty())
            .collect();
        let last = runs.len().saturating_sub(1);
        for (i, run) in runs.iter().enumerate() {
            let quoted = format!("\"{run}\"");
            if prefix && i == last && run.chars().count() >= 3 {
                tokens.push(quoted + "*");
            } else {
                tokens.push(quoted);
            }
        }
    }
    tokens.truncate(MAX_SEARCH_WORDS);
    if tokens.is_empty() {
        return Err(Expected::Words);
    }
    let fts = tokens.join(" ");
    Ok(Some(Search::Text {
        text: text.to_string(),
        fts,
    }))
}

/// `12345`, `#12345`, `#[12345]` or a full tag: the number it names.
fn ticket_number(text: &str) -> Option<u64> {
    if let Some(found) = tag::parse_tag(text) {
        return Some(found.number);
    }
    let digits = text.trim_start_matches('#').trim_start_matches('[');
    let digits = digits.trim_end_matches(']');
    (!digits.is_empty() && digits.len() <= 18 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
        .filter(|n| *n > 0)
}

impl QueueFilter {
    /// The query string that asks for this filter (without `?`), cursor included.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(sector) = &self.sector {
            pairs.push(("sector", sector.clone()));
        }
        if self.status != StatusFilter::Open {
            pairs.push(("status", self.status.as_str().to_string()));
        }
        if let Some(priority) = self.priority {
            pairs.push(("priority", priority.as_str().to_string()));
        }
        if let Some(sla) = self.sla {
            pairs.push(("sla", sla.as_str().to_string()));
        }
        if self.assignee != AssigneeFilter::Anyone {
            pairs.push(("assignee", self.assignee.as_str().to_string()));
        }
        if self.needs_review {
            pairs.push(("review", "1".to_string()));
        }
        if let Some(search) = &self.search {
            pairs.push(("q", search.typed()));
        }
        if let Some(after) = self.after {
            pairs.push(("after", after.to_param()));
        }
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode_component(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The same filter on its first page.
    pub fn first_page(&self) -> Self {
        Self {
            after: None,
            ..self.clone()
        }
    }

    /// The same filter (first page) in another sector (None: every sector).
    pub fn in_sector(&self, sector: Option<&str>) -> Self {
        Self {
            sector: sector.map(str::to_string),
            after: None,
            ..self.clone()
        }
    }

    /// The same filter continuing after `cursor`.
    pub fn continuing(&self, cursor: Cursor) -> Self {
        Self {
            after: Some(cursor),
            ..self.clone()
        }
    }
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters stay as they are).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sectors() -> Vec<String> {
        vec!["Helpdesk".into(), "Mago".into(), "Web".into()]
    }

    fn query(pairs: &[(&str, &str)]) -> (QueueFilter, Vec<FilterProblem>) {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(&owned, &sectors())
    }

    #[test]
    fn an_empty_query_is_the_open_queue_of_every_sector() {
        let (filter, problems) = query(&[]);
        assert!(problems.is_empty());
        assert_eq!(filter, QueueFilter::default());
        assert_eq!(filter.status, StatusFilter::Open);
        assert_eq!(filter.to_query(), "");
    }

    #[test]
    fn every_filter_is_read_and_written_back() {
        let (filter, problems) = query(&[
            ("sector", "mago"),
            ("status", "WAITING_ON_CUSTOMER"),
            ("priority", "alta"),
            ("sla", "breached"),
            ("assignee", "Mine"),
            ("review", "1"),
            ("q", "stampante ufficio"),
            ("after", "1732612345000_10234"),
            ("utm_source", "ignored"),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(filter.sector.as_deref(), Some("Mago"));
        assert_eq!(
            filter.status,
            StatusFilter::Only(TicketStatus::WaitingOnCustomer)
        );
        assert_eq!(filter.priority, Some(Priority::High));
        assert_eq!(filter.sla, Some(SlaState::Breached));
        assert_eq!(filter.assignee, AssigneeFilter::Mine);
        assert!(filter.needs_review);
        assert_eq!(
            filter.after,
            Some(Cursor {
                updated_at: 1_732_612_345_000,
                number: 10234
            })
        );
        let again: Vec<(String, String)> = filter
            .to_query()
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                (k.to_string(), v.replace("%20", " "))
            })
            .collect();
        assert_eq!(parse(&again, &sectors()).0, filter);
    }

    #[test]
    fn bad_values_are_named_and_leave_the_default() {
        let (filter, problems) = query(&[
            ("sector", "Contabilità"),
            ("status", "closed"),
            ("priority", "asap"),
            ("sla", "late"),
            ("assignee", "bob"),
            ("review", "maybe"),
            ("after", "yesterday"),
        ]);
        assert_eq!(filter, QueueFilter::default());
        let names: Vec<&str> = problems.iter().map(|p| p.parameter).collect();
        assert_eq!(
            names,
            [
                "sector", "status", "priority", "sla", "assignee", "review", "after"
            ]
        );
        assert_eq!(problems[0].value, "Contabilità");
        assert_eq!(problems[0].expected, Expected::OneOf(sectors()));
        assert!(
            matches!(&problems[1].expected, Expected::OneOf(v) if v.contains(&"open".to_string()))
        );
        assert_eq!(problems[4].expected, Expected::Assignee);
        assert_eq!(problems[6].expected, Expected::Cursor);
    }

    #[test]
    fn assignee_choices() {
        assert_eq!(
            query(&[("assignee", "unassigned")]).0.assignee,
            AssigneeFilter::Unassigned
        );
        assert_eq!(
            query(&[("assignee", "Anna@ProjectPP.it")]).0.assignee,
            AssigneeFilter::Person("anna@projectpp.it".into())
        );
        assert_eq!(
            AssigneeFilter::Mine.resolve("Tech@PP.it"),
            AssigneeFilter::Person("tech@pp.it".into())
        );
        assert_eq!(
            AssigneeFilter::Unassigned.resolve("tech@pp.it"),
            AssigneeFilter::Unassigned
        );
    }

    #[test]
    fn a_number_or_a_tag_finds_that_ticket() {
        for typed in ["12345", "#12345", "#[12345]", "#Standard# Ticket #[12345]"] {
            assert_eq!(
                parse_search(typed),
                Ok(Some(Search::Number(12345))),
                "{typed}"
            );
        }
        assert!(matches!(parse_search("0"), Ok(Some(Search::Text { .. }))));
    }

    #[test]
    fn words_become_quoted_tokens_and_a_star_asks_for_a_prefix() {
        assert_eq!(
            parse_search("  stampante   uff* "),
            Ok(Some(Search::Text {
                text: "stampante   uff*".into(),
                fts: "\"stampante\" \"uff\"*".into()
            }))
        );
        let fts = |typed: &str| match parse_search(typed) {
            Ok(Some(Search::Text { fts, .. })) => fts,
            other => panic!("{typed:?}: {other:?}"),
        };
        // Split as the tokenizer splits text; too short a prefix is taken as a word.
        assert_eq!(
            fts("mario.rossi@acme.it"),
            "\"mario\" \"rossi\" \"acme\" \"it\""
        );
        assert_eq!(fts("l'utente città"), "\"l\" \"utente\" \"città\"");
        assert_eq!(fts("ab*"), "\"ab\"");
        assert_eq!(fts("ddt-vend*"), "\"ddt\" \"vend\"*");
        // Operators, quotes and column filters are just text: nothing reaches FTS5 unquoted.
        assert_eq!(
            fts("a\" OR subject:x NEAR("),
            "\"a\" \"OR\" \"subject\" \"x\" \"NEAR\""
        );
        assert_eq!(parse_search("   "), Ok(None));
        assert_eq!(parse_search("?? !!"), Err(Expected::Words));
        assert_eq!(
            parse_search(&"x".repeat(MAX_SEARCH_CHARS + 1)),
            Err(Expected::TooLong(MAX_SEARCH_CHARS))
        );
        let many = fts("a b c d e f g h i j k");
        assert_eq!(many.matches('"').count(), 2 * MAX_SEARCH_WORDS);
    }

    #[test]
    fn links_keep_the_other_filters() {
        let (filter, _) = query(&[("status", "all"), ("q", "fattura elettronica")]);
        let next = filter.continuing(Cursor {
            updated_at: 5,
            number: 10001,
        });
        assert_eq!(
            next.to_query(),
            "status=all&q=fattura%20elettronica&after=5_10001"
        );
        assert_eq!(
            next.in_sector(Some("Web")).to_query(),
            "sector=Web&status=all&q=fattura%20elettronica"
        );
        assert_eq!(next.first_page().after, None);
    }
}
