//! A policy file's name and text, and the byte-offset -> line:column mapping
//! every output format uses (so human, JSON and SARIF agree on positions).

use std::ops::Range;

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user named it, used in messages and in the generated marker.
    pub name: String,
    pub text: String,
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = clamp_to_char_boundary(&self.text, offset);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = self.text[line_start..offset].chars().count() + 1;
        LineCol { line, column }
    }

    /// Start and end positions of a span (the end is exclusive, as in SARIF's
    /// `endColumn`).
    pub fn range(&self, span: &Range<usize>) -> (LineCol, LineCol) {
        (self.line_col(span.start), self.line_col(span.end))
    }
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = SourceFile::new("p.toml", "a = 1\nné = \"x\"\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 1 });
        // 'é' is two bytes: the '=' after "né " is the 4th character.
        assert_eq!(f.line_col(10), LineCol { line: 2, column: 4 });
        assert_eq!(f.line_col(999), LineCol { line: 3, column: 1 });
    }
}
