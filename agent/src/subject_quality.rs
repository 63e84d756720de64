//! Is a subject good enough for a technician to know what the ticket is about?
//!
//! The customer's procedure asks for subjects like "Problema emissione fatture" or "Fido
//! calcolato male", "e non cose come «Siamo bloccati»". The compose window shows a warning while
//! the subject is vague; it never blocks sending (a vague ticket is still better than none).
//!
//! A subject is vague when it is empty, when every word in it is a filler word (the vague
//! phrases "Siamo bloccati", "Problema", "Urgente", "Aiuto", "Non funziona", "Help", … in any
//! case, order and punctuation: "Problema!!!", "URGENTE aiuto"), when it has fewer than
//! [`MIN_WORDS`] words, or when it is just the title of the window the user was looking at
//! (prefilled by the compose window, which names the program but not the problem).

/// Fewest words a subject needs to say what is wrong.
pub const MIN_WORDS: usize = 3;

/// Words that, on their own, say only that something is wrong, separated by blanks. Both
/// languages are always checked (users of the Italian window write "Help" too). Lower case;
/// accented words also without the accent, as people often type them.
const FILLER_WORDS_IT: &str = "\
    siamo sono sei e è c ce c'è ho abbiamo ci mi non più piu niente nulla funziona funzionano \
    funge va vanno bloccati bloccato bloccata bloccate blocco bloccante fermi fermo problema \
    problemi problematica urgente urgenti urgentissimo urgenza aiuto aiutatemi help errore \
    errori guasto assistenza richiesta supporto segnalazione ticket ciao buongiorno buonasera \
    salve per favore cortesia grazie subito il lo la i gli le un uno una di del della con \
    tutto tutti qualcosa ancora sos importante grave";

/// English filler words; see [`FILLER_WORDS_IT`].
const FILLER_WORDS_EN: &str = "\
    we are is it i am have has a an the not doesn't doesnt does don't dont work works working \
    broken down stuck blocked problem problems issue issues error errors urgent asap please \
    pls support request hi hello nothing everything something again still important critical";

/// Why a subject is vague; the compose window turns it into a sentence
/// ([`crate::catalog::compose::vague_subject`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VagueReason {
    /// Nothing written yet.
    Empty,
    /// Only words like "problema", "urgente", "aiuto", "non funziona".
    OnlyFillerWords,
    /// Fewer than [`MIN_WORDS`] words.
    TooFewWords { words: usize },
    /// Just the title of the window the user was looking at: names the program, not the
    /// problem.
    OnlyWindowTitle,
}

/// The verdict on a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectVerdict {
    /// Says what is wrong, as far as simple rules can tell.
    Clear,
    /// Too vague for a technician; the reason says why.
    Vague(VagueReason),
}

impl SubjectVerdict {
    /// True for [`SubjectVerdict::Vague`].
    pub fn is_vague(&self) -> bool {
        matches!(self, Self::Vague(_))
    }
}

/// Judges a subject on its own.
pub fn assess(subject: &str) -> SubjectVerdict {
    let words = words(subject);
    if words.is_empty() {
        return SubjectVerdict::Vague(VagueReason::Empty);
    }
    if words.iter().all(|w| is_filler(w)) {
        return SubjectVerdict::Vague(VagueReason::OnlyFillerWords);
    }
    if words.len() < MIN_WORDS {
        return SubjectVerdict::Vague(VagueReason::TooFewWords { words: words.len() });
    }
    SubjectVerdict::Clear
}

/// Judges a subject that was prefilled from `window_title`: as [`assess`], and also vague
/// while it still says nothing beyond the title (the user has not written the problem yet).
pub fn assess_prefilled(subject: &str, window_title: Option<&str>) -> SubjectVerdict {
    let verdict = assess(subject);
    if verdict.is_vague() {
        return verdict;
    }
    if let Some(title) = window_title {
        let title_words = words(title);
        let own_words: Vec<String> = words(subject)
            .into_iter()
            .filter(|w| !title_words.contains(w) && !is_filler(w))
            .collect();
        if !title_words.is_empty() && own_words.is_empty() {
            return SubjectVerdict::Vague(VagueReason::OnlyWindowTitle);
        }
    }
    verdict
}

/// The subject's words: lower case, split at anything that is neither a letter, a digit nor
/// an apostrophe inside a word ("c'è" stays one word, "Problema!!!" is "problema").
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’').to_lowercase())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

fn is_filler(word: &str) -> bool {
    let word = word.replace('’', "'");
    FILLER_WORDS_IT
        .split_whitespace()
        .chain(FILLER_WORDS_EN.split_whitespace())
        .any(|filler| filler == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_that_say_what_is_wrong_are_clear() {
        for subject in [
            "Stampante ufficio 2 non stampa",
            "Errore 1603 installando il gestionale",
            "Problema emissione fatture",
            "Fido calcolato male",
            "Mago4: DDT 12345 bloccato sul registro VENIMM",
            "Outlook non scarica la posta da ieri",
            "VPN disconnects every 10 minutes",
            "Printer on floor 2 not working",
        ] {
            assert_eq!(assess(subject), SubjectVerdict::Clear, "{subject:?}");
        }
    }

    #[test]
    fn vague_subjects_say_why() {
        use VagueReason::*;
        let table: &[(&str, VagueReason)] = &[
            ("", Empty),
            ("   \n ", Empty),
            ("!!!", Empty),
            ("Siamo bloccati", OnlyFillerWords),
            ("SIAMO BLOCCATI!!!", OnlyFillerWords),
            ("Problema", OnlyFillerWords),
            ("Problema!!!", OnlyFillerWords),
            ("Urgente", OnlyFillerWords),
            ("URGENTE aiuto", OnlyFillerWords),
            ("Aiuto!", OnlyFillerWords),
            ("Non funziona", OnlyFillerWords),
            ("non funziona niente, urgente!!", OnlyFillerWords),
            ("Help", OnlyFillerWords),
            ("Urgent", OnlyFillerWords),
            ("Problem", OnlyFillerWords),
            ("Not working", OnlyFillerWords),
            ("it doesn't work, please help", OnlyFillerWords),
            ("Richiesta assistenza urgente", OnlyFillerWords),
            ("Stampante", TooFewWords { words: 1 }),
            ("Stampante rotta", TooFewWords { words: 2 }),
            ("Problema stampante", TooFewWords { words: 2 }),
        ];
        for (subject, reason) in table {
            assert_eq!(
                assess(subject),
                SubjectVerdict::Vague(reason.clone()),
                "{subject:?}"
            );
        }
    }

    #[test]
    fn a_prefilled_window_title_alone_is_vague_until_the_problem_is_written() {
        let title = Some("Fatture emesse - Mago4 - Project++ Srl");
        assert_eq!(
            assess_prefilled("Fatture emesse - Mago4 - Project++ Srl", title),
            SubjectVerdict::Vague(VagueReason::OnlyWindowTitle)
        );
        assert_eq!(
            assess_prefilled("Problema con Fatture emesse - Mago4 - Project++ Srl", title),
            SubjectVerdict::Vague(VagueReason::OnlyWindowTitle),
            "filler words added to the title still say nothing"
        );
        assert_eq!(
            assess_prefilled("Fatture emesse - Mago4: errore 1603 al salvataggio", title),
            SubjectVerdict::Clear
        );
        assert_eq!(
            assess_prefilled("Mago4", title),
            SubjectVerdict::Vague(VagueReason::TooFewWords { words: 1 })
        );
        assert_eq!(
            assess_prefilled("Stampante ufficio 2 non stampa", None),
            SubjectVerdict::Clear
        );
    }

    #[test]
    fn apostrophes_stay_inside_words() {
        assert_eq!(words("C'è un problema!"), ["c'è", "un", "problema"]);
        assert_eq!(
            assess("C’è un problema!"),
            SubjectVerdict::Vague(VagueReason::OnlyFillerWords)
        );
    }
}
