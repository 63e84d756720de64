//! The agent API (`ppdesk_shared::api`), minus HTTP: what a request means and why one is
//! refused, as plain data and plain functions. The axum handlers in `http` only read the wire
//! and call these and the [`crate::desk::Desk`].
//!
//! - [`token`]: the organisation tokens (format, hash, the `Authorization` header).
//! - [`submission`]: what a `POST /api/v1/tickets` form means.
//! - [`queries`]: what the query parameters of the `GET` routes mean.

pub mod queries;
pub mod submission;
pub mod token;

use ppdesk_shared::api::{ApiError, form};

use crate::catalog;
use crate::config::Locale;

/// Why an API request is refused. Each becomes an [`ApiError`]: a stable [`ApiProblem::code`],
/// the field at fault, and a message from the [`catalog`] in the caller's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiProblem {
    /// No bearer token, or one that is malformed, unknown or revoked.
    Unauthorized,
    /// The body is not a readable `multipart/form-data` form.
    BadForm { detail: String },
    /// A required field or parameter is absent or empty.
    Missing { field: String },
    /// A field that may appear once appeared again.
    Repeated { field: String },
    /// A field's value breaks a rule.
    Invalid { field: String, reason: Invalid },
    /// The screenshot's bytes are not a PNG image.
    NotPng,
    /// The request (field `None`) or one of its parts exceeds its limit, in bytes.
    TooLarge { field: Option<String>, limit: u64 },
    /// The server could not take the request now; the same request may be sent again.
    Unavailable,
}

/// What is wrong with a field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// Not UTF-8 text.
    NotText,
    /// A line break where one line is expected.
    MultipleLines,
    /// Control characters (tabs, escapes…) in a one-line value.
    ControlCharacters,
    /// Longer than `max_chars` characters.
    TooLong { max_chars: usize },
    /// Not a plain `name@domain` address.
    NotAnEmail,
    /// Not one of `low`, `normal`, `high`, `urgent` (or the Italian names).
    UnknownPriority { value: String },
    /// Not the JSON expected; `detail` is the parser's own words.
    Json { detail: String },
    /// A submission id must be 1-128 printable ASCII characters without spaces.
    BadSubmissionId,
}

impl ApiProblem {
    /// The stable machine-readable code of [`ApiError::error`].
    pub fn code(&self) -> &'static str {
        match self {
            ApiProblem::Unauthorized => "unauthorized",
            ApiProblem::BadForm { .. } => "invalid_form",
            ApiProblem::Missing { .. } => "missing_field",
            ApiProblem::Repeated { .. } => "duplicate_field",
            ApiProblem::Invalid { .. } => "invalid_field",
            ApiProblem::NotPng => "unsupported_media_type",
            ApiProblem::TooLarge { .. } => "too_large",
            ApiProblem::Unavailable => "unavailable",
        }
    }

    /// The field or parameter at fault, if there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiProblem::Missing { field }
            | ApiProblem::Repeated { field }
            | ApiProblem::Invalid { field, .. } => Some(field),
            ApiProblem::NotPng => Some(form::SCREENSHOT),
            ApiProblem::TooLarge { field, .. } => field.as_deref(),
            ApiProblem::Unauthorized | ApiProblem::BadForm { .. } | ApiProblem::Unavailable => None,
        }
    }

    /// The wire form, its message in `locale`.
    pub fn to_api_error(&self, locale: Locale) -> ApiError {
        ApiError {
            error: self.code().to_string(),
            message: catalog::api_problem(locale, self),
            field: self.field().map(str::to_string),
        }
    }

    pub(crate) fn missing(field: &str) -> Self {
        ApiProblem::Missing {
            field: field.to_string(),
        }
    }

    pub(crate) fn invalid(field: &str, reason: Invalid) -> Self {
        ApiProblem::Invalid {
            field: field.to_string(),
            reason,
        }
    }
}

/// Why a one-line text (subject, name, category) is not acceptable, if it is not.
pub(crate) fn one_line_problem(text: &str, max_chars: usize) -> Option<Invalid> {
    if text.contains(['\n', '\r']) {
        Some(Invalid::MultipleLines)
    } else if text.chars().any(char::is_control) {
        Some(Invalid::ControlCharacters)
    } else if text.chars().count() > max_chars {
        Some(Invalid::TooLong { max_chars })
    } else {
        None
    }
}
