//! The web pages' message catalog: every text a page shows, in Italian (the default) and
//! English. Each area has its own struct with one field per text and one constant per language,
//! so a text missing in one language is a compile error, not a blank on a page.
//!
//! Texts with values use `{name}` placeholders filled by [`fill`].

pub mod admin;
pub mod common;
pub mod console;
pub mod kb;
pub mod portal;

use crate::config::Locale;

/// Every text of the web pages in one language.
#[derive(Clone, Copy)]
pub struct Texts {
    /// The language these texts are in.
    pub locale: Locale,
    /// Frame, sign-in, errors: shared by every page.
    pub common: &'static common::CommonTexts,
    /// The customer portal.
    pub portal: &'static portal::PortalTexts,
    /// The technician console.
    pub console: &'static console::ConsoleTexts,
    /// The knowledge base.
    pub kb: &'static kb::KbTexts,
    /// The admin pages.
    pub admin: &'static admin::AdminTexts,
}

/// The texts of a language.
pub fn texts(locale: Locale) -> Texts {
    match locale {
        Locale::It => Texts {
            locale,
            common: &common::IT,
            portal: &portal::IT,
            console: &console::IT,
            kb: &kb::IT,
            admin: &admin::IT,
        },
        Locale::En => Texts {
            locale,
            common: &common::EN,
            portal: &portal::EN,
            console: &console::EN,
            kb: &kb::EN,
            admin: &admin::EN,
        },
    }
}

/// Replaces each `{name}` in `text` by its value; unknown placeholders stay as written.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_named_placeholder() {
        assert_eq!(
            fill(
                "Riapribile fino al {date} ({n})",
                &[("date", "3 dic"), ("n", "1")]
            ),
            "Riapribile fino al 3 dic (1)"
        );
        assert_eq!(fill("{missing} ok", &[]), "{missing} ok");
    }
}
