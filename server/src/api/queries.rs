//! What the query parameters of the `GET` routes mean.

use super::{ApiProblem, one_line_problem};
use crate::api::submission::contact_email;

/// Query parameter of `GET /api/v1/tickets`: the requester.
pub const CONTACT: &str = "contact";
/// Query parameter of `GET /api/v1/kb/suggest`: the words to look for.
pub const QUERY: &str = "q";
/// At most this many tickets are listed.
pub const MAX_LISTED: u32 = 100;
/// Longest knowledge-base query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// The requester whose tickets are listed: required, a valid address, lower-cased.
pub fn contact(value: Option<&str>) -> Result<String, ApiProblem> {
    contact_email(value, CONTACT)
}

/// The knowledge-base query: required, one line, trimmed.
pub fn kb_query(value: Option<&str>) -> Result<String, ApiProblem> {
    let query = value
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| ApiProblem::missing(QUERY))?;
    match one_line_problem(query, MAX_QUERY_CHARS) {
        Some(reason) => Err(ApiProblem::invalid(QUERY, reason)),
        None => Ok(query.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Invalid;

    #[test]
    fn the_contact_is_required_and_an_address() {
        assert_eq!(contact(Some(" Mario@ACME.it")), Ok("mario@acme.it".into()));
        assert_eq!(contact(None), Err(ApiProblem::missing(CONTACT)));
        assert_eq!(contact(Some("")), Err(ApiProblem::missing(CONTACT)));
        assert_eq!(
            contact(Some("mario")),
            Err(ApiProblem::invalid(CONTACT, Invalid::NotAnEmail))
        );
    }

    #[test]
    fn the_kb_query_is_required() {
        assert_eq!(kb_query(Some(" stampante ")), Ok("stampante".into()));
        assert_eq!(kb_query(Some("  ")), Err(ApiProblem::missing(QUERY)));
        assert_eq!(kb_query(None), Err(ApiProblem::missing(QUERY)));
        assert!(kb_query(Some(&"x".repeat(MAX_QUERY_CHARS + 1))).is_err());
    }
}
