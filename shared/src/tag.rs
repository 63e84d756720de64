//! The subject tag codec (feature T2).
//!
//! Every outbound mail subject carries the tag `#<Class># Ticket #[<n>]`, for example
//! `#Standard# Ticket #[12345]`. [`TicketTag`]'s `Display` is the one formatter; [`parse_tag`] and
//! [`parse_tags`] find tags again in whatever comes back. Replies go through mail clients and
//! humans, so the parser is deliberately tolerant:
//!
//! - the tag may sit anywhere, glued to other text (`R:#Gold# Ticket #[00042]foo`);
//! - `ticket` in any case, any amount of whitespace (tabs, non-breaking and zero-width spaces)
//!   between the parts (`# Standard #  Ticket # [ 12345 ]`), leading zeros in the number;
//! - the class part may be gone (`Ticket #[123]`): the tag is still found, with `class: None`.
//!
//! What is *not* a tag: a number that is 0 or does not fit in a `u64`, no digits (`Ticket #[]`,
//! `Ticket #[abc]`), no `Ticket` keyword (`#[12345]`), no `#[...]` (`Ticket 12345`), or `ticket`
//! glued to a preceding letter or digit (`eTicket #[1]` is somebody else's number).
//!
//! The parser is a small hand-written scanner; it never panics and never slices inside a UTF-8
//! character (the keyword and all delimiters are ASCII, everything else is walked by `char`).

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// The longest class name accepted, in characters.
pub const MAX_CLASS_CHARS: usize = 32;

/// Reply and forward prefixes removed by [`clean_subject`], compared ASCII-case-insensitively.
///
/// A prefix only counts as a whole token followed (after optional spaces and an optional
/// `[n]`/`(n)` counter) by `:`, so `Info: x` and `Ire: x` are left alone while `I: x` is stripped.
pub const REPLY_PREFIXES: &[&str] = &[
    "Re", "R", "RIF", "I", "Fwd", "Fw", "Inoltro", "AW", "WG", "TR", "SV", "Antw", "Antwort",
    "Risposta",
];

/// Security and spam banners that gateways put at the start of subjects (`[EXT]`, `*EXTERNAL*`,
/// `(SPAM)`), compared case-insensitively after collapsing whitespace. Only these are removed: a
/// human's own `[Urgent]` stays.
pub const SUBJECT_BANNERS: &[&str] = &[
    "ext",
    "extern",
    "external",
    "externe",
    "externo",
    "esterno",
    "esterna",
    "external email",
    "external e-mail",
    "external mail",
    "external message",
    "external sender",
    "email esterna",
    "e-mail esterna",
    "mail esterna",
    "posta esterna",
    "spam",
    "possible spam",
    "probable spam",
    "suspected spam",
];

/// The keyword every tag contains; ASCII, so any byte offset where it matches is a char boundary.
const KEYWORD: &[u8] = b"ticket";

/// A ticket's subject tag: the customer's contract class and the ticket number.
///
/// Construct it with [`TicketTag::new`] so the class is validated; `Display` gives the canonical
/// form `#Standard# Ticket #[12345]` (numbers zero-padded to at least five digits).
/// Deserialisation validates too.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawTicketTag")]
pub struct TicketTag {
    /// The contract class, e.g. `Standard` or `Gold` (see [`validate_class`]).
    pub class: String,
    /// The ticket number, never 0 for a tag built by [`TicketTag::new`].
    pub number: u64,
}

impl TicketTag {
    /// Builds a tag, checking the class with [`validate_class`] and rejecting number 0 (which the
    /// parser does not accept as a tag, so it could never round-trip).
    pub fn new(class: impl Into<String>, number: u64) -> Result<Self, TagError> {
        let class = class.into();
        validate_class(&class)?;
        if number == 0 {
            return Err(TagError::InvalidNumber);
        }
        Ok(Self { class, number })
    }
}

impl fmt::Display for TicketTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Five digits keep subjects of young installations looking uniform; larger numbers grow.
        write!(f, "#{}# Ticket #[{:05}]", self.class, self.number)
    }
}

/// The unvalidated shape of [`TicketTag`], so deserialisation goes through [`TicketTag::new`].
#[derive(Deserialize)]
struct RawTicketTag {
    class: String,
    number: u64,
}

impl TryFrom<RawTicketTag> for TicketTag {
    type Error = TagError;

    fn try_from(raw: RawTicketTag) -> Result<Self, Self::Error> {
        Self::new(raw.class, raw.number)
    }
}

/// Why a [`TicketTag`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    /// The class cannot appear in a tag.
    #[error("invalid ticket class {class:?}: {reason}")]
    InvalidClass {
        /// The rejected class, as given.
        class: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Ticket numbers start at 1.
    #[error("invalid ticket number 0: ticket numbers start at 1")]
    InvalidNumber,
}

/// Checks a contract class: 1 to [`MAX_CLASS_CHARS`] characters, no `#`, `[` or `]`, no
/// whitespace (including non-breaking and zero-width spaces) and no control characters.
pub fn validate_class(class: &str) -> Result<(), TagError> {
    let invalid = |reason| {
        Err(TagError::InvalidClass {
            class: class.to_owned(),
            reason,
        })
    };
    if class.is_empty() {
        return invalid("it is empty");
    }
    if class.chars().count() > MAX_CLASS_CHARS {
        return invalid("it is longer than 32 characters");
    }
    for c in class.chars() {
        if matches!(c, '#' | '[' | ']') {
            return invalid("it contains '#', '[' or ']'");
        }
        if is_space(c) {
            return invalid("it contains whitespace");
        }
        if c.is_control() {
            return invalid("it contains a control character");
        }
    }
    Ok(())
}

/// A tag found in a subject. `class` is None when the user deleted the class part but kept
/// `Ticket #[12345]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FoundTag {
    /// The class between the `#`s, exactly as written (case is not normalised).
    pub class: Option<String>,
    /// The ticket number (never 0).
    pub number: u64,
    /// Byte range of the whole tag in the subject, class part included when present.
    pub span: Range<usize>,
}

/// Finds the first tag anywhere in the subject.
pub fn parse_tag(subject: &str) -> Option<FoundTag> {
    Tags::new(subject).next()
}

/// Finds all tags in the subject, in order of appearance; their spans do not overlap.
pub fn parse_tags(subject: &str) -> Vec<FoundTag> {
    Tags::new(subject).collect()
}

/// The subject a human wrote: reply/forward prefixes, `[EXT]`-style banners and our tags removed,
/// whitespace collapsed.
///
/// Tags are removed wherever they are; prefixes ([`REPLY_PREFIXES`]) and banners
/// ([`SUBJECT_BANNERS`]) only at the start, in any number and order. Cleaning a clean subject
/// changes nothing.
pub fn clean_subject(subject: &str) -> String {
    let without_tags = remove_tags(subject);
    collapse_spaces(strip_leading_noise(&without_tags))
}

/// Outbound subject: `#Class# Ticket #[N] <clean subject>` (no duplicated tag, no Re:/R: prefixes;
/// just the tag if the clean subject is empty).
///
/// Any tag already in the subject (ours or another ticket's) is replaced, so tagging a tagged
/// subject again gives the same string.
pub fn tagged_subject(tag: &TicketTag, original_subject: &str) -> String {
    let clean = clean_subject(original_subject);
    if clean.is_empty() {
        tag.to_string()
    } else {
        format!("{tag} {clean}")
    }
}

/// Whitespace as mail clients produce it: Unicode whitespace (tabs, NBSP, ...) plus the zero-width
/// characters that copy-paste leaves behind.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Characters allowed in a class (see [`validate_class`]).
fn is_class_char(c: char) -> bool {
    !matches!(c, '#' | '[' | ']') && !is_space(c) && !c.is_control()
}

/// Iterator over the tags of a subject.
struct Tags<'a> {
    subject: &'a str,
    /// Where the search for the next keyword starts (always a char boundary).
    from: usize,
}

impl<'a> Tags<'a> {
    fn new(subject: &'a str) -> Self {
        Self { subject, from: 0 }
    }
}

impl Iterator for Tags<'_> {
    type Item = FoundTag;

    fn next(&mut self) -> Option<FoundTag> {
        while let Some(at) = find_keyword(self.subject, self.from) {
            if let Some(tag) = tag_at(self.subject, at) {
                self.from = tag.span.end;
                return Some(tag);
            }
            // "t" is ASCII, so one byte further is still a char boundary.
            self.from = at + 1;
        }
        self.from = self.subject.len();
        None
    }
}

/// Byte offset of the next case-insensitive `ticket` at or after `from`.
fn find_keyword(subject: &str, from: usize) -> Option<usize> {
    let haystack = subject.as_bytes().get(from..)?;
    haystack
        .windows(KEYWORD.len())
        .position(|w| w.eq_ignore_ascii_case(KEYWORD))
        .map(|offset| from + offset)
}

/// Parses a tag whose keyword starts at byte `at`: `Ticket # [ digits ]`, then looks backwards
/// for the optional `#Class#` part.
fn tag_at(subject: &str, at: usize) -> Option<FoundTag> {
    let before = subject.get(..at)?;
    if before
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    let mut cur = Cursor::new(subject, at + KEYWORD.len());
    cur.skip_spaces();
    if !cur.eat('#') {
        return None;
    }
    cur.skip_spaces();
    if !cur.eat('[') {
        return None;
    }
    cur.skip_spaces();
    let number = parse_number(cur.digits())?;
    cur.skip_spaces();
    if !cur.eat(']') {
        return None;
    }
    let (class, start) = match class_before(before) {
        Some((class, start)) => (Some(class.to_owned()), start),
        None => (None, at),
    };
    Some(FoundTag {
        class,
        number,
        span: start..cur.pos,
    })
}

/// Looks for `# Class #` (spaces optional) at the end of `before`; returns the class and the byte
/// offset of the opening `#`.
fn class_before(before: &str) -> Option<(&str, usize)> {
    let inner = before
        .trim_end_matches(is_space)
        .strip_suffix('#')?
        .trim_end_matches(is_space);
    // Stop one past the limit: a longer run is invalid anyway, and this bounds the work.
    let class_start = inner
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_class_char(c))
        .take(MAX_CLASS_CHARS + 1)
        .last()?
        .0;
    let class = inner.get(class_start..)?;
    let open = inner
        .get(..class_start)?
        .trim_end_matches(is_space)
        .strip_suffix('#')?;
    validate_class(class).ok()?;
    Some((class, open.len()))
}

/// A ticket number: ASCII digits, leading zeros allowed; 0 and overflow are not numbers.
fn parse_number(digits: &str) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits
        .bytes()
        .try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
        .filter(|&n| n != 0)
}

/// A forward-only scanner over a `&str`; `pos` only ever moves by whole characters.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str, pos: usize) -> Self {
        Self { text, pos }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, expected: char) -> bool {
        if self.peek() == Some(expected) {
            self.pos += expected.len_utf8();
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches(is_space).len();
    }

    /// Consumes and returns a (possibly empty) run of ASCII digits.
    fn digits(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        self.pos += len;
        rest.get(..len).unwrap_or_default()
    }
}

/// Replaces every tag with a space (so the neighbours do not glue together).
fn remove_tags(subject: &str) -> String {
    let mut text = subject.to_owned();
    // Removing a tag can join a "Ticket" and a "#[n]" that it used to separate
    // ("Ticket Ticket #[1] #[2]"), so repeat until none is left. Every pass shrinks the text.
    loop {
        let tags = parse_tags(&text);
        if tags.is_empty() {
            return text;
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for tag in tags {
            out.push_str(text.get(copied..tag.span.start).unwrap_or_default());
            out.push(' ');
            copied = tag.span.end;
        }
        out.push_str(text.get(copied..).unwrap_or_default());
        text = out;
    }
}

/// Strips reply/forward prefixes and banners from the start, in any number and order.
fn strip_leading_noise(subject: &str) -> &str {
    let mut rest = subject;
    loop {
        rest = rest.trim_start_matches(is_space);
        match strip_reply_prefix(rest).or_else(|| strip_banner(rest)) {
            Some(after) => rest = after,
            None => return rest,
        }
    }
}

/// `Re:`, `RE :`, `Re[2]:`, `Re (2):` ... at the very start of `text`; returns what follows.
fn strip_reply_prefix(text: &str) -> Option<&str> {
    REPLY_PREFIXES.iter().find_map(|word| {
        let head = text.get(..word.len())?;
        if !head.eq_ignore_ascii_case(word) {
            return None;
        }
        let mut cur = Cursor::new(text, word.len());
        cur.skip_spaces();
        // Some clients count the replies instead of stacking prefixes.
        let close = match cur.peek() {
            Some('[') => Some(']'),
            Some('(') => Some(')'),
            _ => None,
        };
        if let Some(close) = close {
            cur.pos += 1;
            cur.skip_spaces();
            if cur.digits().is_empty() {
                return None;
            }
            cur.skip_spaces();
            if !cur.eat(close) {
                return None;
            }
            cur.skip_spaces();
        }
        // The full-width colon comes from East Asian input methods.
        (cur.eat(':') || cur.eat('：')).then(|| cur.rest())
    })
}

/// A known banner (`[EXT]`, `(EXTERNAL)`, `*EXT*`, `***SPAM***`) at the very start of `text`;
/// returns what follows.
fn strip_banner(text: &str) -> Option<&str> {
    let (inner_and_rest, close) = match text.chars().next()? {
        '[' => (text.get(1..)?, ']'),
        '(' => (text.get(1..)?, ')'),
        '*' => (text.trim_start_matches('*'), '*'),
        _ => return None,
    };
    let end = inner_and_rest.find(close)?;
    let inner = inner_and_rest.get(..end)?;
    let after = inner_and_rest.get(end..)?;
    let after = if close == '*' {
        after.trim_start_matches('*')
    } else {
        after.get(1..)?
    };
    let inner = collapse_spaces(inner).to_lowercase();
    SUBJECT_BANNERS.contains(&inner.as_str()).then_some(after)
}

/// Trims and turns every run of whitespace into a single ASCII space.
fn collapse_spaces(text: &str) -> String {
    text.split(is_space)
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (subject, expected first tag as (number, class), expected clean subject)
    type Row = (
        &'static str,
        Option<(u64, Option<&'static str>)>,
        &'static str,
    );

    const TABLE: &[Row] = &[
        // The canonical forms.
        (
            "#Standard# Ticket #[12345]",
            Some((12345, Some("Standard"))),
            "",
        ),
        (
            "#Standard# Ticket #[12345] Stampante non funziona",
            Some((12345, Some("Standard"))),
            "Stampante non funziona",
        ),
        (
            "#Gold# Ticket #[123456] Big",
            Some((123456, Some("Gold"))),
            "Big",
        ),
        // Italian Outlook.
        (
            "R: #Standard# Ticket #[12345] Stampante non funziona",
            Some((12345, Some("Standard"))),
            "Stampante non funziona",
        ),
        (
            "I: #Gold# Ticket #[00042] Fattura marzo",
            Some((42, Some("Gold"))),
            "Fattura marzo",
        ),
        (
            "RIF: #Gold# Ticket #[00042] Fattura marzo",
            Some((42, Some("Gold"))),
            "Fattura marzo",
        ),
        (
            "R: R: I: #Gold# Ticket #[00042] Fattura marzo",
            Some((42, Some("Gold"))),
            "Fattura marzo",
        ),
        (
            "Risposta: Inoltro: #Gold# Ticket #[00042] Fattura",
            Some((42, Some("Gold"))),
            "Fattura",
        ),
        // Counters and odd spacing in prefixes.
        (
            "Re[2]: #Standard# Ticket #[00007] VPN lenta",
            Some((7, Some("Standard"))),
            "VPN lenta",
        ),
        (
            "Re(3): #Standard# Ticket #[00007] VPN lenta",
            Some((7, Some("Standard"))),
            "VPN lenta",
        ),
        (
            "RE : #Standard# Ticket #[12345] Password scaduta",
            Some((12345, Some("Standard"))),
            "Password scaduta",
        ),
        ("re:fwd:FW:  oggetto", None, "oggetto"),
        // German.
        (
            "AW: #Standard# Ticket #[12345] Drucker defekt",
            Some((12345, Some("Standard"))),
            "Drucker defekt",
        ),
        (
            "WG: AW: Antw: Antwort: #Standard# Ticket #[12345] Drucker defekt",
            Some((12345, Some("Standard"))),
            "Drucker defekt",
        ),
        // French / Scandinavian.
        ("TR: SV: Fwd: catena", None, "catena"),
        // Security banners before and between prefixes.
        (
            "[EXT] RE: #Gold# Ticket #[00100] Backup fallito",
            Some((100, Some("Gold"))),
            "Backup fallito",
        ),
        (
            "[EXTERNAL] R: [External] I: #Gold# Ticket #[00100] Backup fallito",
            Some((100, Some("Gold"))),
            "Backup fallito",
        ),
        (
            "*EXT* Fwd: #Gold# Ticket #[00100] Backup",
            Some((100, Some("Gold"))),
            "Backup",
        ),
        ("***SPAM*** (EXTERNAL) Re: vinci", None, "vinci"),
        ("[EXT]Re:test", None, "test"),
        // Tag in the middle, at the end, glued to text.
        (
            "Problema urgente #Standard# Ticket #[12345] server giù",
            Some((12345, Some("Standard"))),
            "Problema urgente server giù",
        ),
        (
            "Re: server giù #Standard# Ticket #[12345]",
            Some((12345, Some("Standard"))),
            "server giù",
        ),
        (
            "R:#Gold# Ticket #[00042]foo",
            Some((42, Some("Gold"))),
            "foo",
        ),
        (
            "Re: [EXT] #Standard# Ticket #[12345] R: AW: server down",
            Some((12345, Some("Standard"))),
            "server down",
        ),
        // Two tags: the first wins.
        (
            "R: Problema #Standard# Ticket #[00001] e #Gold# Ticket #[00002]",
            Some((1, Some("Standard"))),
            "Problema e",
        ),
        // Case, whitespace, zeros.
        (
            "re: #standard# ticket #[12345] minuscolo",
            Some((12345, Some("standard"))),
            "minuscolo",
        ),
        (
            "# Standard #  Ticket # [ 12345 ] spazi",
            Some((12345, Some("Standard"))),
            "spazi",
        ),
        (
            "#Standard#\tTicket\t#[\t12345\t]\ttab",
            Some((12345, Some("Standard"))),
            "tab",
        ),
        (
            "#Standard#\u{a0}Ticket\u{a0}#[12345]\u{a0}nbsp\u{200b}zwsp",
            Some((12345, Some("Standard"))),
            "nbsp zwsp",
        ),
        (
            "TICKET #[0000000000000000000099] zeri",
            Some((99, None)),
            "zeri",
        ),
        (
            "Ticket #[18446744073709551615] max",
            Some((u64::MAX, None)),
            "max",
        ),
        // Class part deleted by the user.
        (
            "Ticket #[123] senza classe",
            Some((123, None)),
            "senza classe",
        ),
        ("Re: Ticket #[123]", Some((123, None)), ""),
        ("Fwd: Ticket #[ 77 ] e Ticket #[78]", Some((77, None)), "e"),
        // Unicode around the tag.
        (
            "🎫 #Standard# Ticket #[12345] 🎉 perché",
            Some((12345, Some("Standard"))),
            "🎫 🎉 perché",
        ),
        ("#Güld€# Ticket #[9] x", Some((9, Some("Güld€"))), "x"),
        // Lookalikes that are not tags.
        ("Ticket #[abc] lookalike", None, "Ticket #[abc] lookalike"),
        ("#[12345] solo numero", None, "#[12345] solo numero"),
        ("Ticket 12345", None, "Ticket 12345"),
        (
            "#Standard# Ticket #[] vuoto",
            None,
            "#Standard# Ticket #[] vuoto",
        ),
        ("Re: Ticket #[12a45]", None, "Ticket #[12a45]"),
        ("Ticket #[00000] zero", None, "Ticket #[00000] zero"),
        (
            "Ticket #[18446744073709551616] overflow",
            None,
            "Ticket #[18446744073709551616] overflow",
        ),
        (
            "eTicket #[123] prenotazione",
            None,
            "eTicket #[123] prenotazione",
        ),
        // No tag, and prefixes that only look like ours.
        ("Nessun tag qui", None, "Nessun tag qui"),
        ("Info: aggiornamento", None, "Info: aggiornamento"),
        ("I: aggiornamento", None, "aggiornamento"),
        ("Ire: test", None, "Ire: test"),
        ("Reminder: call", None, "Reminder: call"),
        ("Réunion: planning", None, "Réunion: planning"),
        ("Re[]: vuoto", None, "Re[]: vuoto"),
        ("[Urgent] stampante", None, "[Urgent] stampante"),
        ("", None, ""),
        ("  \t ", None, ""),
    ];

    #[test]
    fn real_world_subjects() {
        assert!(TABLE.len() >= 30);
        for &(subject, expected, clean) in TABLE {
            let found = parse_tag(subject);
            let got = found.as_ref().map(|t| (t.number, t.class.as_deref()));
            assert_eq!(got, expected, "parse_tag({subject:?})");
            assert_eq!(clean_subject(subject), clean, "clean_subject({subject:?})");
            if let Some(tag) = found {
                // The span covers the tag text itself.
                let text = &subject[tag.span.clone()];
                assert!(text.starts_with('#') || text[..6].eq_ignore_ascii_case("ticket"));
                assert!(text.ends_with(']'), "span {text:?} of {subject:?}");
            }
        }
    }

    #[test]
    fn two_tags_are_both_found_in_order() {
        let subject = "R: Problema #Standard# Ticket #[00001] e #Gold# Ticket #[00002]";
        let tags = parse_tags(subject);
        assert_eq!(
            tags,
            vec![
                FoundTag {
                    class: Some("Standard".into()),
                    number: 1,
                    span: 12..38,
                },
                FoundTag {
                    class: Some("Gold".into()),
                    number: 2,
                    span: 41..63,
                },
            ]
        );
        assert_eq!(&subject[tags[1].span.clone()], "#Gold# Ticket #[00002]");
        assert_eq!(parse_tag(subject), Some(tags[0].clone()));
    }

    #[test]
    fn class_less_and_classed_tags_mix() {
        let tags = parse_tags("Ticket #[1]#A# Ticket #[2] ticket#[3]");
        let got: Vec<_> = tags
            .iter()
            .map(|t| (t.number, t.class.as_deref()))
            .collect();
        assert_eq!(got, vec![(1, None), (2, Some("A")), (3, None)]);
    }

    #[test]
    fn display_pads_to_five_digits() {
        let tag = |n| TicketTag::new("Standard", n).map(|t| t.to_string());
        assert_eq!(tag(12345), Ok("#Standard# Ticket #[12345]".into()));
        assert_eq!(tag(42), Ok("#Standard# Ticket #[00042]".into()));
        assert_eq!(tag(123456), Ok("#Standard# Ticket #[123456]".into()));
        assert_eq!(
            tag(u64::MAX),
            Ok("#Standard# Ticket #[18446744073709551615]".into())
        );
    }

    #[test]
    fn new_validates() {
        assert!(TicketTag::new("Gold", 1).is_ok());
        assert!(TicketTag::new("x".repeat(32), 1).is_ok());
        for bad in [
            "",
            "Gold Plus",
            "Go#ld",
            "[Gold]",
            "Gold\u{a0}",
            "Go\u{7}ld",
            "Gold\n",
        ] {
            assert!(
                matches!(TicketTag::new(bad, 1), Err(TagError::InvalidClass { .. })),
                "{bad:?} accepted"
            );
        }
        assert!(TicketTag::new("x".repeat(33), 1).is_err());
        assert_eq!(TicketTag::new("Gold", 0), Err(TagError::InvalidNumber));
        let err = TicketTag::new("Go#ld", 1).map(|_| ()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid ticket class \"Go#ld\": it contains '#', '[' or ']'"
        );
    }

    #[test]
    fn deserialisation_validates() {
        // `#[serde(try_from)]` routes every deserialised tag through this conversion.
        let raw = |class: &str, number| RawTicketTag {
            class: class.to_owned(),
            number,
        };
        assert_eq!(
            TicketTag::try_from(raw("Gold", 7)),
            TicketTag::new("Gold", 7)
        );
        assert!(TicketTag::try_from(raw("Go ld", 7)).is_err());
        assert_eq!(
            TicketTag::try_from(raw("Gold", 0)),
            Err(TagError::InvalidNumber)
        );
    }

    #[test]
    fn tagged_subject_examples() {
        let tag = TicketTag::new("Standard", 12345).unwrap();
        assert_eq!(
            tagged_subject(&tag, "R: RE: [EXT] Stampante   rotta"),
            "#Standard# Ticket #[12345] Stampante rotta"
        );
        assert_eq!(tagged_subject(&tag, "Re: "), "#Standard# Ticket #[12345]");
        assert_eq!(
            tagged_subject(&tag, "R: #Standard# Ticket #[12345] Stampante"),
            "#Standard# Ticket #[12345] Stampante"
        );
        // Another ticket's tag is replaced, not kept next to ours.
        assert_eq!(
            tagged_subject(&tag, "AW: #Gold# Ticket #[00007] Stampante"),
            "#Standard# Ticket #[12345] Stampante"
        );
    }

    #[test]
    fn removing_a_tag_can_reveal_another() {
        assert_eq!(clean_subject("x Ticket Ticket #[1] #[2] y"), "x y");
    }

    fn valid_class() -> impl Strategy<Value = String> {
        prop_oneof![
            "[A-Za-z][A-Za-z0-9_.:-]{0,31}",
            "[^#\\[\\]\\s\\p{Cc}]{1,32}",
        ]
        .prop_filter("valid class", |c| validate_class(c).is_ok())
    }

    fn valid_tag() -> impl Strategy<Value = TicketTag> {
        (valid_class(), 1..=u64::MAX).prop_map(|(class, number)| TicketTag { class, number })
    }

    fn reply_prefixes() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "Re: ",
                "R: ",
                "RE[2]: ",
                "re (3) : ",
                "I: ",
                "RIF:",
                "AW: ",
                "WG:",
                "Fwd: ",
                "[EXT] ",
                "*EXTERNAL* ",
                "  ",
            ]),
            0..5,
        )
        .prop_map(|parts| parts.concat())
    }

    /// Strings made of tag fragments, so the scanner's corner cases get exercised far more often
    /// than random Unicode would.
    fn tagish() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(vec![
                    "#",
                    "[",
                    "]",
                    "(",
                    ")",
                    "*",
                    ":",
                    "：",
                    "Ticket",
                    "tIcKeT",
                    " ",
                    "\t",
                    "\u{a0}",
                    "\u{200b}",
                    "0",
                    "7",
                    "12345",
                    "99999999999999999999",
                    "Gold",
                    "é",
                    "🎫",
                    "Re",
                    "R:",
                    "I",
                    "[EXT]",
                    "EXT",
                    "\u{0}",
                ])
                .prop_map(str::to_owned),
                any::<char>().prop_map(String::from),
            ],
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    fn any_subject() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), tagish()]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn display_round_trips(tag in valid_tag()) {
            let text = tag.to_string();
            let found = parse_tag(&text);
            prop_assert_eq!(
                found,
                Some(FoundTag { class: Some(tag.class.clone()), number: tag.number, span: 0..text.len() })
            );
        }

        #[test]
        fn round_trips_through_tagged_subject(
            tag in valid_tag(),
            prefixes in reply_prefixes(),
            text in any_subject(),
        ) {
            let subject = tagged_subject(&tag, &format!("{prefixes}{text}"));
            let tag_text = tag.to_string();
            prop_assert!(subject.starts_with(&tag_text));
            let found = parse_tag(&subject);
            prop_assert_eq!(found.as_ref().and_then(|t| t.class.clone()), Some(tag.class.clone()));
            prop_assert_eq!(found.map(|t| t.number), Some(tag.number));
            // Only our tag is left: any tag in the original was replaced.
            prop_assert_eq!(parse_tags(&subject).len(), 1);
        }

        #[test]
        fn found_inside_any_text(tag in valid_tag(), before in any_subject(), after in any_subject()) {
            let subject = format!("{before}{tag}{after}");
            let start = before.len();
            let expected = FoundTag {
                class: Some(tag.class.clone()),
                number: tag.number,
                span: start..start + tag.to_string().len(),
            };
            prop_assert!(parse_tags(&subject).contains(&expected));
        }

        #[test]
        fn tagging_is_idempotent(tag in valid_tag(), subject in any_subject()) {
            let once = tagged_subject(&tag, &subject);
            prop_assert_eq!(tagged_subject(&tag, &once), once);
        }

        #[test]
        fn cleaning_is_idempotent(subject in any_subject()) {
            let once = clean_subject(&subject);
            prop_assert_eq!(clean_subject(&once), once.clone());
            prop_assert!(parse_tag(&once).is_none());
        }

        #[test]
        fn never_panics_and_spans_are_sane(subject in any_subject()) {
            let first = parse_tag(&subject);
            let all = parse_tags(&subject);
            prop_assert_eq!(first.as_ref(), all.first());
            let mut end = 0;
            for tag in &all {
                prop_assert!(tag.number != 0);
                prop_assert!(tag.span.start >= end && tag.span.start < tag.span.end);
                prop_assert!(subject.get(tag.span.clone()).is_some());
                if let Some(class) = &tag.class {
                    prop_assert!(validate_class(class).is_ok());
                }
                end = tag.span.end;
            }
            let _ = clean_subject(&subject);
        }
    }
}
