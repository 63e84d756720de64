//! Who may sign in to the web pages and as what: roles, and the rules a new or changed user
//! must satisfy. Plain functions over plain data; storage is [`crate::store::accounts`].
//!
//! Four roles:
//! - **customer**: sees the tickets they requested or were copied on;
//! - **org_admin** (an organisation's referent): sees every ticket of their organisation;
//! - **technician**: the console, every ticket;
//! - **admin**: the console and the admin pages.

pub mod mail;
pub mod password;
pub mod service;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::config::is_valid_email;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A customer's employee: their own tickets (requested or copied on).
    Customer,
    /// A customer's referent: every ticket of their organisation.
    OrgAdmin,
    /// Support staff: the console, every ticket.
    Technician,
    /// Support staff who also manage users, organisations and tokens.
    Admin,
}

impl Role {
    /// Every role, customers first.
    pub const ALL: [Role; 4] = [
        Role::Customer,
        Role::OrgAdmin,
        Role::Technician,
        Role::Admin,
    ];

    /// `customer`, `org_admin`, `technician`, `admin` (as stored and typed on the CLI).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::OrgAdmin => "org_admin",
            Role::Technician => "technician",
            Role::Admin => "admin",
        }
    }

    /// Technicians and admins: the console and every ticket.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Technician | Role::Admin)
    }

    /// Admins only.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// Customers and organisation admins: the portal.
    pub fn is_customer_side(self) -> bool {
        !self.is_staff()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    /// The stored names, any case; `org-admin` is accepted for `org_admin`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "customer" => Ok(Role::Customer),
            "org_admin" => Ok(Role::OrgAdmin),
            "technician" => Ok(Role::Technician),
            "admin" => Ok(Role::Admin),
            _ => Err(format!(
                "unknown role {text:?} (customer, org_admin, technician or admin)"
            )),
        }
    }
}

/// Longest display name of a user.
pub const MAX_NAME_CHARS: usize = 200;

/// A sign-in address as stored and compared: trimmed, lower-case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Why a user cannot be made or changed as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserProblem {
    /// The sign-in address is not an address.
    #[error("{0:?} is not a valid mail address")]
    BadEmail(String),
    /// The display name is unusable.
    #[error("name {name:?} {reason}")]
    BadName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Customers' referents need an organisation to administer.
    #[error("an org_admin needs an organisation (--org NAME)")]
    OrganisationRequired,
    /// Staff belong to the support company, not to a customer.
    #[error("a {0} belongs to no customer organisation; leave the organisation empty")]
    StaffWithOrganisation(Role),
    /// The organisation named is neither in the config nor in the database.
    #[error("there is no organisation {0:?} (see `ppdesk-server org list`)")]
    UnknownOrganisation(String),
    /// Another user already signs in with this address.
    #[error("a user with address {0:?} already exists")]
    EmailTaken(String),
}

/// What is asked of a user (new or changed), before the organisation's name is checked
/// against the known ones (the caller does that: it needs the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDraft {
    /// Sign-in address (normalised by [`check_draft`]).
    pub email: String,
    /// Display name; empty means none.
    pub name: Option<String>,
    /// Role.
    pub role: Role,
    /// Organisation name; empty means none.
    pub organisation: Option<String>,
}

/// Checks a draft and returns it in canonical form: address lower-case, name and organisation
/// trimmed (empty → none). Organisation admins need an organisation; staff have none.
pub fn check_draft(draft: UserDraft) -> Result<UserDraft, UserProblem> {
    let email = normalise_email(&draft.email);
    if !is_valid_email(&email) {
        return Err(UserProblem::BadEmail(draft.email));
    }
    let name = draft
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    if let Some(name) = &name
        && let Some(reason) = crate::config::name_problem(name, MAX_NAME_CHARS)
    {
        return Err(UserProblem::BadName {
            name: name.clone(),
            reason,
        });
    }
    let organisation = draft
        .organisation
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty());
    match (draft.role, &organisation) {
        (Role::OrgAdmin, None) => return Err(UserProblem::OrganisationRequired),
        (role, Some(_)) if role.is_staff() => return Err(UserProblem::StaffWithOrganisation(role)),
        _ => {}
    }
    Ok(UserDraft {
        email,
        name,
        role: draft.role,
        organisation,
    })
}

/// Whether another password-reset mail may go to an address that was sent `sent_last_hour`
/// of them in the past hour, under a limit of `per_hour`: the "forgot password" form takes any
/// address, so without a limit anyone could flood a user's mailbox from it.
pub fn may_send_reset_mail(sent_last_hour: u32, per_hour: u32) -> bool {
    sent_last_hour < per_hour
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(email: &str, role: Role, organisation: Option<&str>) -> UserDraft {
        UserDraft {
            email: email.into(),
            name: Some("  Mario Rossi ".into()),
            role,
            organisation: organisation.map(String::from),
        }
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!("Org-Admin".parse::<Role>(), Ok(Role::OrgAdmin));
        assert!(
            "boss"
                .parse::<Role>()
                .unwrap_err()
                .contains("customer, org_admin")
        );
    }

    #[test]
    fn staff_and_customer_sides_split_the_roles() {
        assert!(Role::Technician.is_staff() && Role::Admin.is_staff());
        assert!(Role::Customer.is_customer_side() && Role::OrgAdmin.is_customer_side());
        assert!(Role::Admin.is_admin() && !Role::Technician.is_admin());
    }

    #[test]
    fn drafts_are_normalised() {
        let ok = check_draft(draft(
            " Mario.Rossi@Demo.Example ",
            Role::Customer,
            Some(" Demo "),
        ))
        .unwrap();
        assert_eq!(ok.email, "mario.rossi@demo.example");
        assert_eq!(ok.name.as_deref(), Some("Mario Rossi"));
        assert_eq!(ok.organisation.as_deref(), Some("Demo"));
        let no_org = check_draft(draft("a@b.it", Role::Customer, Some("  "))).unwrap();
        assert_eq!(no_org.organisation, None);
    }

    #[test]
    fn bad_drafts_say_what_is_wrong() {
        assert_eq!(
            check_draft(draft("not an address", Role::Customer, None)),
            Err(UserProblem::BadEmail("not an address".into()))
        );
        assert_eq!(
            check_draft(draft("a@b.it", Role::OrgAdmin, None)),
            Err(UserProblem::OrganisationRequired)
        );
        assert_eq!(
            check_draft(draft("a@b.it", Role::Technician, Some("Acme"))),
            Err(UserProblem::StaffWithOrganisation(Role::Technician))
        );
        let mut long = draft("a@b.it", Role::Admin, None);
        long.name = Some("x".repeat(MAX_NAME_CHARS + 1));
        assert!(matches!(
            check_draft(long),
            Err(UserProblem::BadName { .. })
        ));
    }

    #[test]
    fn reset_mails_stop_at_the_hourly_limit() {
        assert!(may_send_reset_mail(0, 3));
        assert!(may_send_reset_mail(2, 3));
        assert!(!may_send_reset_mail(3, 3));
        assert!(!may_send_reset_mail(9, 3));
        assert!(may_send_reset_mail(0, 1));
        assert!(!may_send_reset_mail(1, 1));
    }
}
