//! How text becomes search terms.
//!
//! Three analyzers, all splitting on anything that is not a letter or digit, lower-casing and
//! folding accents (`città` and `citta` are one word; customers type both):
//! - `kb_it`: Italian stop words removed (before folding, as the list is accented), then the
//!   Snowball Italian stemmer ("stampanti", "stampante" → "stampant").
//! - `kb_en`: the same with English ("printers", "printer" → "printer").
//! - `kb_plain`: no stemming, no stop words: the words as typed, for prefixes and typos.
//!
//! Each article is indexed through the analyzer of its own language (an Italian article's text
//! never goes through the English stemmer); the query, whose language nobody declares, goes
//! through both, each against its own fields. See `index.rs`.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};

use crate::config::Locale;

/// Name of the Italian analyzer in the index's tokenizer manager.
pub const ITALIAN: &str = "kb_it";
/// Name of the English analyzer.
pub const ENGLISH: &str = "kb_en";
/// Name of the unstemmed analyzer.
pub const PLAIN: &str = "kb_plain";

/// Longer "words" (base64, hashes, URLs without separators) are not worth indexing.
const LONGEST_WORD: usize = 40;

fn tantivy_language(locale: Locale) -> Language {
    match locale {
        Locale::It => Language::Italian,
        Locale::En => Language::English,
    }
}

/// The stemming analyzer of a language.
pub fn stemmed(locale: Locale) -> TextAnalyzer {
    let language = tantivy_language(locale);
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser);
    match StopWordFilter::new(language) {
        Some(stop_words) => builder
            .filter(stop_words)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(language))
            .build(),
        // Every language we offer has a list; without one, stemming alone still works.
        None => builder
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(language))
            .build(),
    }
}

/// The analyzer that keeps words as typed (lower-case, no accents).
pub fn plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The name under which a language's analyzer is registered.
pub fn analyzer_name(locale: Locale) -> &'static str {
    match locale {
        Locale::It => ITALIAN,
        Locale::En => ENGLISH,
    }
}

/// Every term `analyzer` makes of `text`, in order.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(locale: Locale, text: &str) -> Vec<String> {
        terms(&mut stemmed(locale), text)
    }

    #[test]
    fn italian_plural_and_singular_share_a_stem() {
        assert_eq!(
            stems(Locale::It, "stampanti"),
            stems(Locale::It, "stampante")
        );
        assert_eq!(stems(Locale::It, "stampanti").len(), 1);
        assert_eq!(
            stems(Locale::It, "configurazione"),
            stems(Locale::It, "configurazioni")
        );
    }

    #[test]
    fn english_plural_and_singular_share_a_stem() {
        assert_eq!(stems(Locale::En, "printers"), stems(Locale::En, "printer"));
        assert_eq!(
            stems(Locale::En, "passwords"),
            stems(Locale::En, "password")
        );
    }

    #[test]
    fn stop_words_of_each_language_are_dropped_by_its_own_analyzer_only() {
        assert_eq!(
            stems(Locale::It, "la stampante non stampa"),
            vec!["stampant".to_string(), "stamp".to_string()]
        );
        assert!(stems(Locale::En, "the printer is").len() == 1);
        // "the" is no Italian stop word: the Italian analyzer keeps it.
        assert!(stems(Locale::It, "the").len() == 1);
    }

    #[test]
    fn accents_are_folded_so_typed_and_written_forms_meet() {
        assert_eq!(stems(Locale::It, "Città"), stems(Locale::It, "citta"));
        assert_eq!(
            terms(&mut plain(), "Perché NON è così"),
            vec!["perche", "non", "e", "cosi"]
        );
    }
}
