//! Where a byte offset lies in a text, as people count: used by both config loaders (server
//! and agent) to turn a TOML parser's span into `file:line:column`.

/// 1-based line and column (in characters) of byte `offset` in `text`. Offsets past the end
/// count as the end; an offset inside a multi-byte character counts as that character's start.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    // Back off to a char boundary so slicing cannot panic on a span inside a multi-byte char.
    let offset = (0..=offset)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let text = "a = 1\nb = 'è'\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 10), (2, 5));
        assert_eq!(line_col(text, 11), (2, 6));
        assert_eq!(line_col(text, 12), (2, 6), "inside 'è': its start");
        assert_eq!(line_col(text, 999), (3, 1));
    }
}
