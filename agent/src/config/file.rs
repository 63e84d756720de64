//! Reading one config file: bytes → text → [`AgentConfigFile`], with the line of every key.
//!
//! serde only says *what* is wrong; the person fixing it needs *where*. The same text is also
//! parsed into toml's spanned document ([`toml::de::DeTable`]), which keeps the byte span of
//! every key, so every key — and every error span — maps to a line.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use ppdesk_shared::agent_config::AgentConfigFile;
use toml::de::{DeTable, DeValue};

use super::ConfigError;

/// One config file, read and checked for syntax and known keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedFile {
    /// The keys as written.
    pub file: AgentConfigFile,
    /// 1-based line of every key written, by dotted path (`server_url`, `smtp.host`).
    pub lines: BTreeMap<String, usize>,
}

/// Turns the file's bytes into text: UTF-8 (with or without the BOM Notepad writes) or UTF-16
/// with a BOM (what Windows PowerShell 5's `Out-File` writes by default).
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, ConfigError> {
    let not_text = |reason: &str| ConfigError::Unreadable {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|_| not_text("not UTF-8 text"));
    }
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        if !rest.len().is_multiple_of(2) {
            return Err(not_text("not UTF-16 text (odd length)"));
        }
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|pair| unit([pair[0], pair[1]]))
            .collect();
        String::from_utf16(&units).map_err(|_| not_text("not UTF-16 text"))
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| not_text("not UTF-8 text"))
}

/// Parses a config file's text. Syntax errors, unknown keys and values of the wrong type or
/// out of range are errors that name the file, the line and (when known) the key.
pub fn parse(path: &Path, text: &str) -> Result<ParsedFile, ConfigError> {
    let document = DeTable::parse(text).map_err(|error| {
        let (line, column) = error.span().map_or((None, None), |span| {
            let (line, column) = line_col(text, span.start);
            (Some(line), Some(column))
        });
        ConfigError::Syntax {
            path: path.to_owned(),
            line,
            column,
            message: error.message().to_owned(),
        }
    })?;
    let mut index = KeyIndex::default();
    index.walk(&mut Vec::new(), document.get_ref());
    let file = toml::from_str::<AgentConfigFile>(text).map_err(|error| {
        let span = error.span();
        ConfigError::Invalid {
            path: path.to_owned(),
            line: span.as_ref().map(|span| line_col(text, span.start).0),
            key: span.and_then(|span| index.path_at(span.start)),
            message: error.message().to_owned(),
        }
    })?;
    let lines = index
        .keys
        .iter()
        .map(|(path, span)| (path.clone(), line_col(text, span.start).0))
        .collect();
    Ok(ParsedFile { file, lines })
}

pub use ppdesk_shared::text_position::line_col;

/// Every key of a document with the spans of the key and of its whole entry.
#[derive(Debug, Default)]
struct KeyIndex {
    /// Dotted path → span of the key as written (first occurrence; TOML forbids repeats).
    keys: BTreeMap<String, Range<usize>>,
    /// Dotted path → span covering the key and its value, for locating errors inside values.
    entries: Vec<(String, Range<usize>)>,
}

impl KeyIndex {
    fn walk(&mut self, prefix: &mut Vec<String>, table: &DeTable<'_>) {
        for (key, value) in table.iter() {
            prefix.push(key.get_ref().to_string());
            let path = prefix.join(".");
            let key_span = key.span();
            let value_span = value.span();
            self.keys.entry(path.clone()).or_insert(key_span.clone());
            self.entries.push((path.clone(), key_span.clone()));
            let start = key_span.start.min(value_span.start);
            let end = key_span.end.max(value_span.end);
            self.entries.push((path, start..end));
            if let DeValue::Table(inner) = value.get_ref() {
                self.walk(prefix, inner);
            }
            prefix.pop();
        }
    }

    /// The innermost key whose key or entry span contains `offset`.
    fn path_at(&self, offset: usize) -> Option<String> {
        self.entries
            .iter()
            .filter(|(_, span)| span.start <= offset && offset < span.end.max(span.start + 1))
            .min_by_key(|(path, span)| (span.end - span.start, usize::MAX - path.len()))
            .map(|(path, _)| path.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ppdesk_shared::agent_config::{Mode, SmtpSecurity};

    fn at() -> &'static Path {
        Path::new("/etc/ppdesk/agent.toml")
    }

    #[test]
    fn keys_get_their_lines_including_sections_and_dotted_keys() {
        let text = "# installer\nserver_url = \"https://h.example.it\"\n\nmode = \"smtp\"\n[smtp]\nhost = \"mail.example.it\"\nsecurity = \"tls\"\n[contact]\nemail = \"a@b.it\"\n";
        let parsed = parse(at(), text).expect("valid");
        assert_eq!(parsed.file.mode, Some(Mode::Smtp));
        assert_eq!(parsed.file.smtp.security, Some(SmtpSecurity::Tls));
        assert_eq!(parsed.lines.get("server_url"), Some(&2));
        assert_eq!(parsed.lines.get("mode"), Some(&4));
        assert_eq!(parsed.lines.get("smtp"), Some(&5));
        assert_eq!(parsed.lines.get("smtp.host"), Some(&6));
        assert_eq!(parsed.lines.get("smtp.security"), Some(&7));
        assert_eq!(parsed.lines.get("contact.email"), Some(&9));

        let dotted = parse(at(), "a_comment = 1\n").expect_err("unknown key");
        assert!(dotted.to_string().contains("a_comment"), "{dotted}");
        let dotted = parse(at(), "\nsmtp.port = 25\n").expect("dotted keys are TOML");
        assert_eq!(dotted.file.smtp.port, Some(25));
        assert_eq!(dotted.lines.get("smtp.port"), Some(&2));
    }

    #[test]
    fn a_syntax_error_names_file_line_and_column() {
        let error = parse(at(), "mode = \"api\"\nserver_url = \"https://x\n").expect_err("broken");
        let ConfigError::Syntax { line, column, .. } = &error else {
            panic!("expected a syntax error, got {error:?}");
        };
        assert_eq!(*line, Some(2));
        assert!(column.is_some());
        let shown = error.to_string();
        assert!(shown.starts_with("/etc/ppdesk/agent.toml:2:"), "{shown}");
    }

    #[test]
    fn an_unknown_key_names_its_line_and_itself() {
        let text = "mode = \"api\"\n\n[smtp]\nhots = \"mail.example.it\"\n";
        let error = parse(at(), text).expect_err("unknown key");
        let shown = error.to_string();
        assert!(
            shown.starts_with("/etc/ppdesk/agent.toml:4: smtp.hots: "),
            "{shown}"
        );
        assert!(shown.contains("unknown field"), "{shown}");

        let top = parse(at(), "server_ulr = \"https://x\"\n").expect_err("unknown key");
        assert!(
            top.to_string()
                .starts_with("/etc/ppdesk/agent.toml:1: server_ulr: "),
            "{top}"
        );
    }

    #[test]
    fn a_value_of_the_wrong_kind_names_its_line_and_key() {
        let error =
            parse(at(), "server_url = \"https://x\"\nmode = \"fax\"\n").expect_err("bad mode");
        let shown = error.to_string();
        assert!(
            shown.starts_with("/etc/ppdesk/agent.toml:2: mode: "),
            "{shown}"
        );
        assert!(shown.contains("fax"), "{shown}");

        let error = parse(at(), "[smtp]\nport = 70000\n").expect_err("port out of range");
        assert!(
            error
                .to_string()
                .starts_with("/etc/ppdesk/agent.toml:2: smtp.port: "),
            "{error}"
        );
    }

    #[test]
    fn text_in_the_encodings_windows_editors_write_is_read() {
        let text = "mode = \"mailclient\"\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(at(), &bom).expect("utf-8 bom"), text);

        let mut le = b"\xFF\xFE".to_vec();
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(at(), &le).expect("utf-16le"), text);

        let mut be = b"\xFE\xFF".to_vec();
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(at(), &be).expect("utf-16be"), text);

        let error = decode(at(), b"mode = \"\xFF\"").expect_err("not text");
        assert!(error.to_string().contains("not UTF-8"), "{error}");
    }
}
