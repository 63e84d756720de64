//! What a search box's text means: words, the last of which may still be being typed.

use super::analysis;

/// One word of a query, lower-case and without accents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    pub text: String,
    /// The reader may still be typing it: it matches any word it begins ("stamp" →
    /// "stampante").
    pub prefix: bool,
}

/// Longest query looked at, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words are looked up.
pub const MAX_WORDS: usize = 12;

/// The words of a query. The last word is a prefix unless the text ends with a space or
/// punctuation: "stamp" is being typed, "stamp " is finished.
pub fn words(text: &str) -> Vec<QueryWord> {
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let mut analyzer = analysis::plain();
    let mut stream = analyzer.token_stream(&text);
    let mut out: Vec<QueryWord> = Vec::new();
    let mut last_end = 0;
    while stream.advance() {
        let token = stream.token();
        last_end = token.offset_to;
        if out.len() < MAX_WORDS {
            out.push(QueryWord {
                text: token.text.clone(),
                prefix: false,
            });
        }
    }
    if last_end == text.len()
        && let Some(last) = out.last_mut()
    {
        last.prefix = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, prefix: bool) -> QueryWord {
        QueryWord {
            text: text.into(),
            prefix,
        }
    }

    #[test]
    fn the_last_word_is_a_prefix_while_it_is_being_typed() {
        assert_eq!(
            words("Stampante uff"),
            vec![word("stampante", false), word("uff", true)]
        );
        assert_eq!(words("stampante "), vec![word("stampante", false)]);
        assert_eq!(words("VPN?"), vec![word("vpn", false)]);
        assert_eq!(words("perché"), vec![word("perche", true)]);
        assert!(words("  ¿!  ").is_empty());
    }

    #[test]
    fn long_queries_are_cut() {
        let many = "parola ".repeat(50);
        assert_eq!(words(&many).len(), MAX_WORDS);
        assert!(
            words(&"a".repeat(1000)).is_empty(),
            "one overlong word is not indexed"
        );
    }
}
