//! Maps between key paths (`routing.rules[1].sector`) and places in the TOML text.
//!
//! serde only tells us *what* is wrong; an admin needs *where*. `toml` gives a byte span for
//! syntax/type errors, and semantic checks give a key path. Both are resolved here against a
//! `toml_edit::Document` parsed from the same text, which keeps the span of every key and value.

use std::fmt::Write as _;
use std::ops::Range;

use toml_edit::{Document, Item, Table, Value};

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A key inside a table.
    Key(String),
    /// A position inside an array or array of tables.
    Index(usize),
}

/// Formats a path the way problems show it: `routing.rules[1].sector`.
///
/// Keys that are not TOML bare keys are quoted, so an unknown key such as `"a.b"` stays
/// unambiguous.
pub fn format_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                let bare = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if bare {
                    out.push_str(key);
                } else {
                    let _ = write!(out, "{key:?}");
                }
            }
            Segment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// Parses a path produced by [`format_path`] for keys made of bare-key characters (all of the
/// config's own keys are). Unparseable pieces are kept as keys so lookup degrades to a prefix.
pub fn parse_path(text: &str) -> Vec<Segment> {
    let mut path = Vec::new();
    for piece in text.split('.') {
        let (name, mut rest) = match piece.find('[') {
            Some(i) => piece.split_at(i),
            None => (piece, ""),
        };
        if !name.is_empty() {
            path.push(Segment::Key(name.to_string()));
        }
        while let Some(stripped) = rest.strip_prefix('[') {
            let Some((index, after)) = stripped.split_once(']') else {
                break;
            };
            match index.parse() {
                Ok(i) => path.push(Segment::Index(i)),
                Err(_) => path.push(Segment::Key(index.to_string())),
            }
            rest = after;
        }
    }
    path
}

/// `text` without the key or array element at `path`, re-serialised; None when the path does
/// not lead anywhere. Used to look past one bad value for the next problem: the default takes
/// the removed value's place.
pub fn without(text: &str, path: &[Segment]) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
    let (last, parents) = path.split_last()?;
    let mut item: &mut Item = doc.as_item_mut();
    for segment in parents {
        item = match segment {
            Segment::Key(key) => item.get_mut(key.as_str())?,
            Segment::Index(i) => item.get_mut(*i)?,
        };
    }
    match (last, item) {
        (Segment::Key(key), Item::Table(table)) => table.remove(key).map(|_| ()),
        (Segment::Key(key), Item::Value(Value::InlineTable(table))) => {
            table.remove(key).map(|_| ())
        }
        (Segment::Index(i), Item::ArrayOfTables(tables)) if *i < tables.len() => {
            tables.remove(*i);
            Some(())
        }
        (Segment::Index(i), Item::Value(Value::Array(array))) if *i < array.len() => {
            array.remove(*i);
            Some(())
        }
        _ => None,
    }?;
    Some(doc.to_string())
}

pub use ppdesk_shared::text_position::line_col;

/// Every key and value of a document with its path and span.
pub struct SpanIndex {
    /// In document order; for each key the key's own span comes before its value's span, so the
    /// first entry for a path points at the line where the key is written.
    entries: Vec<(Vec<Segment>, Range<usize>)>,
}

impl SpanIndex {
    /// Indexes `text`; `None` if it is not valid TOML (then only the `toml` error span is known).
    pub fn new(text: &str) -> Option<Self> {
        let document = Document::parse(text).ok()?;
        let mut index = SpanIndex {
            entries: Vec::new(),
        };
        index.walk_table(&mut Vec::new(), document.as_table());
        Some(index)
    }

    /// The span that best represents `path`: the key itself if written, else the closest
    /// ancestor that is (e.g. the `[tickets]` header when `tickets.default_class` was left out).
    pub fn span_of(&self, path: &[Segment]) -> Option<Range<usize>> {
        (1..=path.len()).rev().find_map(|len| {
            self.entries
                .iter()
                .find(|(p, _)| p.as_slice() == &path[..len])
                .map(|(_, span)| span.clone())
        })
    }

    /// The path of the innermost key or value whose span contains `offset`.
    pub fn path_at(&self, offset: usize) -> Option<&[Segment]> {
        self.entries
            .iter()
            .filter(|(_, span)| span.start <= offset && offset < span.end.max(span.start + 1))
            // Innermost = shortest span; on a tie the deeper path (a value inside its key's line).
            .min_by_key(|(path, span)| (span.end - span.start, usize::MAX - path.len()))
            .map(|(path, _)| path.as_slice())
    }

    fn push(&mut self, path: &[Segment], span: Option<Range<usize>>) {
        if let Some(span) = span {
            self.entries.push((path.to_vec(), span));
        }
    }

    fn walk_table(&mut self, path: &mut Vec<Segment>, table: &Table) {
        for (key, item) in table.iter() {
            path.push(Segment::Key(key.to_string()));
            self.push(path, table.key(key).and_then(|k| k.span()));
            self.walk_item(path, item);
            path.pop();
        }
    }

    fn walk_item(&mut self, path: &mut Vec<Segment>, item: &Item) {
        match item {
            Item::None => {}
            Item::Value(value) => self.walk_value(path, value),
            Item::Table(table) => {
                self.push(path, table.span());
                self.walk_table(path, table);
            }
            Item::ArrayOfTables(array) => {
                for (i, table) in array.iter().enumerate() {
                    path.push(Segment::Index(i));
                    self.push(path, table.span());
                    self.walk_table(path, table);
                    path.pop();
                }
            }
        }
    }

    fn walk_value(&mut self, path: &mut Vec<Segment>, value: &Value) {
        self.push(path, value.span());
        match value {
            Value::Array(array) => {
                for (i, element) in array.iter().enumerate() {
                    path.push(Segment::Index(i));
                    self.walk_value(path, element);
                    path.pop();
                }
            }
            Value::InlineTable(table) => {
                for (key, element) in table.iter() {
                    path.push(Segment::Key(key.to_string()));
                    self.push(path, table.key(key).and_then(|k| k.span()));
                    self.walk_value(path, element);
                    path.pop();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_string())
    }

    #[test]
    fn paths_round_trip() {
        let path = vec![
            key("routing"),
            key("rules"),
            Segment::Index(1),
            key("sector"),
        ];
        assert_eq!(format_path(&path), "routing.rules[1].sector");
        assert_eq!(parse_path("routing.rules[1].sector"), path);
        assert_eq!(
            parse_path("organisations[0].domains[2]"),
            vec![
                key("organisations"),
                Segment::Index(0),
                key("domains"),
                Segment::Index(2)
            ]
        );
        assert_eq!(format_path(&[key("a.b"), key("c")]), "\"a.b\".c");
    }

    #[test]
    fn finds_keys_in_every_kind_of_table() {
        let text = "\
[tickets]
classes = [\"Standard\",
  \"Gold\"]

[[routing.rules]]
sector = \"A\"

[[routing.rules]]
sector = \"B\"
inline = { x = 1 }
helpdesk.name = \"x\"
";
        let index = SpanIndex::new(text).unwrap();
        let line = |p: &str| {
            let span = index.span_of(&parse_path(p)).unwrap();
            line_col(text, span.start).0
        };
        assert_eq!(line("tickets"), 1);
        assert_eq!(line("tickets.classes"), 2);
        assert_eq!(line("tickets.classes[1]"), 3);
        assert_eq!(line("tickets.default_class"), 1);
        assert_eq!(line("routing.rules[1].sector"), 9);
        assert_eq!(line("routing.rules[0].sector"), 6);
        assert_eq!(line("routing.rules[1].inline.x"), 10);
        assert_eq!(line("routing.rules[1].helpdesk.name"), 11);

        let at = |needle: &str| {
            let offset = text.find(needle).unwrap();
            format_path(index.path_at(offset).unwrap())
        };
        assert_eq!(at("\"Gold\""), "tickets.classes[1]");
        assert_eq!(at("sector = \"B\""), "routing.rules[1].sector");
        assert_eq!(at("\"B\""), "routing.rules[1].sector");
        assert_eq!(at("x = 1"), "routing.rules[1].inline.x");
    }

    #[test]
    fn invalid_toml_has_no_index() {
        assert!(SpanIndex::new("a = ").is_none());
    }
}
