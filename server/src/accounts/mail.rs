//! The mails about accounts, in Italian and English: the password-reset link.

use crate::config::Locale;

/// What the password-reset mail says.
#[derive(Debug, Clone)]
pub struct ResetMail<'a> {
    /// The user's display name, if any.
    pub name: Option<&'a str>,
    /// Their sign-in address.
    pub email: &'a str,
    /// The one-time link.
    pub link: &'a str,
    /// How many hours the link works.
    pub hours: u32,
    /// Signature.
    pub helpdesk_name: &'a str,
}

/// Subject and body of the password-reset mail.
pub fn password_reset(locale: Locale, facts: &ResetMail<'_>) -> (String, String) {
    match locale {
        Locale::It => (
            "Nuova password per l'helpdesk".to_string(),
            format!(
                "Gentile {name},\n\n\
                 abbiamo ricevuto la richiesta di una nuova password per l'account {email} \
                 dell'helpdesk online.\n\n\
                 Per sceglierla apra questo link entro {hours} ore (si può usare una volta sola):\n\n\
                 {link}\n\n\
                 Se non è stato lei a chiederla, ignori questa email: la password attuale resta \
                 valida.\n\n\
                 {signature}\n",
                name = facts.name.unwrap_or("Cliente"),
                email = facts.email,
                hours = facts.hours,
                link = facts.link,
                signature = facts.helpdesk_name,
            ),
        ),
        Locale::En => (
            "New password for the helpdesk".to_string(),
            format!(
                "Dear {name},\n\n\
                 we received a request for a new password for the account {email} of the online \
                 helpdesk.\n\n\
                 To choose it, open this link within {hours} hours (it works once):\n\n\
                 {link}\n\n\
                 If you did not ask for it, ignore this email: your current password stays \
                 valid.\n\n\
                 {signature}\n",
                name = facts.name.unwrap_or("customer"),
                email = facts.email,
                hours = facts.hours,
                link = facts.link,
                signature = facts.helpdesk_name,
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_carry_the_link_and_its_lifetime() {
        let facts = ResetMail {
            name: Some("Mario Rossi"),
            email: "mario.rossi@demo.example",
            link: "http://127.0.0.1:8080/password/reset/abc",
            hours: 2,
            helpdesk_name: "ppdesk Helpdesk",
        };
        for locale in [Locale::It, Locale::En] {
            let (subject, body) = password_reset(locale, &facts);
            assert!(!subject.is_empty());
            assert!(body.contains(facts.link), "{body}");
            assert!(body.contains("2 ore") || body.contains("2 hours"), "{body}");
            assert!(body.contains("Mario Rossi"));
        }
        let (_, italian) = password_reset(Locale::It, &facts);
        assert!(italian.starts_with("Gentile Mario Rossi"));
        let (_, english) = password_reset(Locale::En, &facts);
        assert!(english.starts_with("Dear Mario Rossi"));
    }
}
