//! Rules about articles: who may read one, what address a title gets, what a valid draft is.

use crate::config::Locale;
use crate::store::knowledge::{ArticleDraft, Visibility};

use super::analysis;

/// Who is reading: decides whether internal articles exist for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anonymous readers, customers and organisation admins: public articles only.
    Public,
    /// Technicians and admins: every article.
    Staff,
}

impl Audience {
    /// The audience of a reader who is (or is not) staff.
    pub fn of_staff(is_staff: bool) -> Self {
        if is_staff {
            Audience::Staff
        } else {
            Audience::Public
        }
    }

    /// May this audience read an article with this visibility?
    pub fn may_read(self, visibility: Visibility) -> bool {
        match (self, visibility) {
            (Audience::Staff, _) => true,
            (Audience::Public, Visibility::Public) => true,
            (Audience::Public, Visibility::Internal) => false,
        }
    }

    /// Does this audience see internal articles in lists and searches?
    pub fn includes_internal(self) -> bool {
        self == Audience::Staff
    }
}

/// Longest address part made of a title, in bytes (ASCII).
const LONGEST_SLUG: usize = 80;
/// The address part of a title with no letters or digits.
const FALLBACK_SLUG: &str = "articolo";

/// The address part (`/kb/articles/<slug>`) for a title, or for a category's page: lower-case
/// ASCII words joined by `-`, accents folded ("Perché la VPN non si connette?" →
/// `perche-la-vpn-non-si-connette`), cut at a word boundary.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for word in analysis::terms(&mut analysis::plain(), text) {
        let word: String = word.chars().filter(char::is_ascii_alphanumeric).collect();
        if word.is_empty() {
            continue;
        }
        if !slug.is_empty() && slug.len() + 1 + word.len() > LONGEST_SLUG {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    slug.truncate(LONGEST_SLUG);
    if slug.is_empty() {
        FALLBACK_SLUG.to_string()
    } else {
        slug
    }
}

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest category name, in characters.
pub const MAX_CATEGORY_CHARS: usize = 80;
/// Longest body, in bytes of Markdown.
pub const MAX_BODY_BYTES: usize = 200_000;

/// What is wrong with a draft, field by field (the editor shows each next to its field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftProblem {
    TitleMissing,
    TitleTooLong,
    TitleNotOneLine,
    BodyMissing,
    BodyTooLong,
    CategoryMissing,
    CategoryTooLong,
    CategoryNotOneLine,
    UnknownVisibility,
    UnknownLanguage,
}

impl DraftProblem {
    /// The form field the problem is about (`title`, `body`, `category`, `visibility`,
    /// `language`).
    pub fn field(&self) -> &'static str {
        match self {
            DraftProblem::TitleMissing
            | DraftProblem::TitleTooLong
            | DraftProblem::TitleNotOneLine => "title",
            DraftProblem::BodyMissing | DraftProblem::BodyTooLong => "body",
            DraftProblem::CategoryMissing
            | DraftProblem::CategoryTooLong
            | DraftProblem::CategoryNotOneLine => "category",
            DraftProblem::UnknownVisibility => "visibility",
            DraftProblem::UnknownLanguage => "language",
        }
    }
}

/// The editor's form as posted, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct DraftInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub language: String,
}

fn one_line(text: &str) -> bool {
    !text.contains(['\n', '\r'])
}

/// Checks a posted draft: trimmed title and category on one line within their limits, a
/// non-empty body within its limit, a known visibility and language. Every problem is
/// returned, not just the first.
pub fn check_draft(
    input: &DraftInput,
    author: Option<String>,
) -> Result<ArticleDraft, Vec<DraftProblem>> {
    let mut problems = Vec::new();
    let title = input.title.trim();
    if title.is_empty() {
        problems.push(DraftProblem::TitleMissing);
    } else if title.chars().count() > MAX_TITLE_CHARS {
        problems.push(DraftProblem::TitleTooLong);
    } else if !one_line(title) {
        problems.push(DraftProblem::TitleNotOneLine);
    }
    // Browsers post textarea lines as CRLF; the stored Markdown uses LF.
    let body = input.body.replace("\r\n", "\n");
    let body = body.trim_end();
    if body.trim().is_empty() {
        problems.push(DraftProblem::BodyMissing);
    } else if body.len() > MAX_BODY_BYTES {
        problems.push(DraftProblem::BodyTooLong);
    }
    let category = input.category.trim();
    if category.is_empty() {
        problems.push(DraftProblem::CategoryMissing);
    } else if category.chars().count() > MAX_CATEGORY_CHARS {
        problems.push(DraftProblem::CategoryTooLong);
    } else if !one_line(category) {
        problems.push(DraftProblem::CategoryNotOneLine);
    }
    let visibility = input.visibility.parse::<Visibility>();
    if visibility.is_err() {
        problems.push(DraftProblem::UnknownVisibility);
    }
    let language = input.language.parse::<Locale>();
    if language.is_err() {
        problems.push(DraftProblem::UnknownLanguage);
    }
    match (visibility, language) {
        (Ok(visibility), Ok(language)) if problems.is_empty() => Ok(ArticleDraft {
            title: title.to_string(),
            body: body.to_string(),
            category: category.to_string(),
            visibility,
            language,
            author,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DraftInput {
        DraftInput {
            title: "  La stampante è offline  ".into(),
            body: "Riavviare lo *spooler*.\r\nPoi riprovare.\r\n\r\n".into(),
            category: " Stampanti ".into(),
            visibility: "public".into(),
            language: "it".into(),
        }
    }

    #[test]
    fn only_staff_read_internal_articles() {
        assert!(Audience::Public.may_read(Visibility::Public));
        assert!(!Audience::Public.may_read(Visibility::Internal));
        assert!(Audience::Staff.may_read(Visibility::Internal));
        assert_eq!(Audience::of_staff(false), Audience::Public);
        assert!(Audience::of_staff(true).includes_internal());
    }

    #[test]
    fn slugs_are_ascii_words_joined_by_dashes() {
        assert_eq!(
            slugify("Perché la VPN non si connette?"),
            "perche-la-vpn-non-si-connette"
        );
        assert_eq!(
            slugify("Mago4: errore 0x80004005"),
            "mago4-errore-0x80004005"
        );
        assert_eq!(slugify("  ¿¡!  "), "articolo");
        assert_eq!(slugify("Posta elettronica"), "posta-elettronica");
        let long = slugify(&"parola ".repeat(40));
        assert!(long.len() <= LONGEST_SLUG && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn a_good_draft_is_trimmed_and_normalised() {
        let draft = check_draft(&input(), Some("tecnico@example.it".into())).expect("valid");
        assert_eq!(draft.title, "La stampante è offline");
        assert_eq!(draft.body, "Riavviare lo *spooler*.\nPoi riprovare.");
        assert_eq!(draft.category, "Stampanti");
        assert_eq!(draft.visibility, Visibility::Public);
        assert_eq!(draft.language, Locale::It);
    }

    #[test]
    fn every_problem_of_a_bad_draft_is_named() {
        let bad = DraftInput {
            title: "x".repeat(MAX_TITLE_CHARS + 1),
            body: " \n ".into(),
            category: String::new(),
            visibility: "secret".into(),
            language: "fr".into(),
        };
        assert_eq!(
            check_draft(&bad, None),
            Err(vec![
                DraftProblem::TitleTooLong,
                DraftProblem::BodyMissing,
                DraftProblem::CategoryMissing,
                DraftProblem::UnknownVisibility,
                DraftProblem::UnknownLanguage,
            ])
        );
        let mut two_lines = input();
        two_lines.category = "Rete\nVPN".into();
        assert_eq!(
            check_draft(&two_lines, None),
            Err(vec![DraftProblem::CategoryNotOneLine])
        );
        assert_eq!(DraftProblem::CategoryNotOneLine.field(), "category");
    }
}
