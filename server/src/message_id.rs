//! Our outbound Message-IDs, signed with the server secret.
//!
//! `ppdesk.<ticket>.<nonce>.<mac>@<domain>`: a reply whose In-Reply-To or References carries one
//! of these finds its ticket even if the row that recorded it is gone (a restored backup, a
//! migrated server), and nobody can forge one that points at a ticket of their choosing.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const PREFIX: &str = "ppdesk.";
/// 12 hex chars = 48 bits of MAC: ample against guessing, short enough for a header.
const MAC_HEX_LEN: usize = 12;

/// Mints and recognises our Message-IDs.
#[derive(Clone)]
pub struct MessageIdSigner {
    secret: Vec<u8>,
    domain: String,
}

impl std::fmt::Debug for MessageIdSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageIdSigner")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

impl MessageIdSigner {
    /// `domain` is the right-hand side of our IDs (the helpdesk address's domain).
    pub fn new(secret: &[u8], domain: &str) -> Self {
        Self {
            secret: secret.to_vec(),
            domain: domain.to_ascii_lowercase(),
        }
    }

    /// A fresh Message-ID (without angle brackets) for a mail about `ticket`.
    pub fn mint(&self, ticket: u64) -> String {
        let nonce: u64 = rand::random();
        let nonce = format!("{nonce:016x}");
        let mac = self.mac(ticket, &nonce);
        format!("{PREFIX}{ticket}.{nonce}.{mac}@{}", self.domain)
    }

    /// The ticket a Message-ID of ours was minted for; None for anyone else's or a forgery.
    pub fn recognise(&self, message_id: &str) -> Option<u64> {
        let id = message_id.trim().trim_matches(['<', '>']);
        let (local, _domain) = id.rsplit_once('@')?;
        let rest = local.strip_prefix(PREFIX)?;
        let mut parts = rest.split('.');
        let (ticket, nonce, mac) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || mac.len() != MAC_HEX_LEN {
            return None;
        }
        let ticket: u64 = ticket.parse().ok()?;
        let expected = self.mac(ticket, nonce);
        // Both are hex strings we control the length of; compare all bytes regardless.
        let same = expected
            .bytes()
            .zip(mac.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b.to_ascii_lowercase()));
        (same == 0).then_some(ticket)
    }

    fn mac(&self, ticket: u64, nonce: &str) -> String {
        // HMAC accepts keys of any length, so new_from_slice cannot fail; map it anyway.
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.secret) else {
            return String::new();
        };
        mac.update(format!("{ticket}.{nonce}").as_bytes());
        let digest = mac.finalize().into_bytes();
        hex::encode(digest)[..MAC_HEX_LEN].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_ids_are_recognised_with_their_ticket() {
        let signer = MessageIdSigner::new(b"a server secret of some length", "ProjectPP.it");
        let id = signer.mint(12345);
        assert!(id.ends_with("@projectpp.it"), "{id}");
        assert_eq!(signer.recognise(&id), Some(12345));
        assert_eq!(signer.recognise(&format!("<{id}>")), Some(12345));
    }

    #[test]
    fn forged_or_foreign_ids_are_not() {
        let signer = MessageIdSigner::new(b"secret one", "projectpp.it");
        let other = MessageIdSigner::new(b"secret two", "projectpp.it");
        let id = signer.mint(10001);
        assert_eq!(other.recognise(&id), None);
        let forged = id.replacen("10001", "10002", 1);
        assert_eq!(signer.recognise(&forged), None);
        for foreign in [
            "CAF123@mail.gmail.com",
            "ppdesk.1.2@x",
            "ppdesk.x.y.z@x",
            "",
            "@",
        ] {
            assert_eq!(signer.recognise(foreign), None, "{foreign}");
        }
    }
}
