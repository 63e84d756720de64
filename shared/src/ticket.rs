//! Small enums shared by every part of ppdesk: ticket priority and intake channel.
//!
//! Each has a stable snake_case wire form (serde, [`Priority::as_str`], [`Channel::as_str`]) that
//! is also what the database stores; `FromStr` is lenient about case and surrounding whitespace.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A string that names none of an enum's variants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct ParseEnumError {
    /// What was being parsed, e.g. `"priority"`.
    pub kind: &'static str,
    /// The rejected input, as given.
    pub value: String,
}

impl ParseEnumError {
    pub(crate) fn new(kind: &'static str, value: &str) -> Self {
        Self {
            kind,
            value: value.to_owned(),
        }
    }
}

/// How urgent a ticket is. Ordered from [`Priority::Low`] to [`Priority::Urgent`].
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default for new tickets.
    #[default]
    Normal,
    /// Should be handled before normal tickets.
    High,
    /// Someone cannot work.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Self; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    /// The wire form: `low`, `normal`, `high`, `urgent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = ParseEnumError;

    /// Accepts the English wire form and the Italian names (`bassa`, `normale`, `alta`,
    /// `urgente`), in any case, ignoring surrounding whitespace: Italian customers and
    /// technicians type them into forms and mail commands.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "low" | "bassa" => Ok(Self::Low),
            "normal" | "normale" => Ok(Self::Normal),
            "high" | "alta" => Ok(Self::High),
            "urgent" | "urgente" => Ok(Self::Urgent),
            _ => Err(ParseEnumError::new("priority", s)),
        }
    }
}

/// Where a ticket or message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An inbound email.
    Email,
    /// The ppdesk agent on the customer's machine.
    Agent,
    /// The customer web portal.
    Portal,
    /// Entered by a technician from a phone call.
    Phone,
    /// Entered by a technician from a fax.
    Fax,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Self; 5] = [
        Self::Email,
        Self::Agent,
        Self::Portal,
        Self::Phone,
        Self::Fax,
    ];

    /// The wire form: `email`, `agent`, `portal`, `phone`, `fax`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Agent => "agent",
            Self::Portal => "portal",
            Self::Phone => "phone",
            Self::Fax => "fax",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = ParseEnumError;

    /// Accepts the wire form in any case, ignoring surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| ParseEnumError::new("channel", s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn from_wire<'de, T: Deserialize<'de>>(s: &'de str) -> Result<T, DeError> {
        let de: StrDeserializer<'de, DeError> = s.into_deserializer();
        T::deserialize(de)
    }

    #[test]
    fn priority_default_and_order() {
        assert_eq!(Priority::default(), Priority::Normal);
        assert!(Priority::Low < Priority::Normal);
        assert!(Priority::High < Priority::Urgent);
    }

    #[test]
    fn priority_round_trips() {
        for p in Priority::ALL {
            assert_eq!(p.as_str().parse(), Ok(p));
            assert_eq!(p.to_string(), p.as_str());
            assert_eq!(from_wire::<Priority>(p.as_str()).ok(), Some(p));
        }
    }

    #[test]
    fn priority_accepts_italian_and_any_case() {
        let cases = [
            ("bassa", Priority::Low),
            ("Normale", Priority::Normal),
            ("ALTA", Priority::High),
            (" urgente\t", Priority::Urgent),
            ("URGENT", Priority::Urgent),
            ("Low", Priority::Low),
        ];
        for (input, expected) in cases {
            assert_eq!(input.parse::<Priority>(), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn priority_rejects_unknown() {
        let err = "critica".parse::<Priority>().unwrap_err();
        assert_eq!(err, ParseEnumError::new("priority", "critica"));
        assert_eq!(err.to_string(), "unknown priority \"critica\"");
        assert!("".parse::<Priority>().is_err());
        // The wire form is English only.
        assert!(from_wire::<Priority>("alta").is_err());
    }

    #[test]
    fn channel_round_trips() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse(), Ok(c));
            assert_eq!(c.as_str().to_uppercase().parse(), Ok(c));
            assert_eq!(c.to_string(), c.as_str());
            assert_eq!(from_wire::<Channel>(c.as_str()).ok(), Some(c));
        }
    }

    #[test]
    fn channel_rejects_unknown() {
        let err = "pigeon".parse::<Channel>().unwrap_err();
        assert_eq!(err.kind, "channel");
        assert_eq!(err.value, "pigeon");
        assert!("e-mail".parse::<Channel>().is_err());
    }
}
