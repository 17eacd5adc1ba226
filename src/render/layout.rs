//! Final layout of rendered text, so templates can stay readable (tags on their
//! own lines) while the output is what the languages' formatters would write:
//! no trailing spaces, no runs of blank lines, no blank line just inside
//! braces, and for HCL the `=` of consecutive attributes aligned the way
//! `terraform fmt` aligns them.
//!
//! One pass, line by line, as the template engine writes: [`Layout`] is an
//! `io::Write` that lays out each line as soon as it is complete and passes it
//! on, holding back only a pending blank line and the current run of HCL
//! attributes. A large API's file is never held twice, nor scanned twice.

use std::io::{self, Write};

/// Whitespace tidy for any output.
pub fn tidy(text: &str) -> String {
    lay_out(text, false)
}

/// Whitespace tidy, then `=` aligned in runs of single-line attributes at the
/// same indentation.
pub fn tidy_hcl(text: &str) -> String {
    lay_out(text, true)
}

fn lay_out(text: &str, hcl: bool) -> String {
    let mut l = Layout::new(Vec::with_capacity(text.len()), hcl);
    l.write_all(text.as_bytes()).expect("writing to memory");
    let bytes = l.finish().expect("writing to memory");
    String::from_utf8(bytes).expect("lines are copied whole, so UTF-8 stays UTF-8")
}

/// The layout pass as a writer: text in, laid-out text out to `out`.
pub struct Layout<W: Write> {
    out: W,
    /// Bytes of the line not yet ended by `\n`.
    partial: Vec<u8>,
    /// Any line written yet (a leading blank line is dropped).
    started: bool,
    /// A blank line seen and not yet written: dropped if a `}` line or the
    /// end follows, written before any other line.
    blank: bool,
    /// The last line written ends with `{` or `:` (a blank line after it is dropped).
    opens: bool,
    hcl: bool,
    /// Inside a heredoc: lines are text, not attributes.
    heredoc: bool,
    /// The current run of aligned attributes: indent, key and value of each,
    /// one after the other in `run_text` (no allocation per line), their
    /// byte lengths in `run`.
    run: Vec<(usize, usize, usize)>,
    run_text: String,
    /// Scratch for formatting the run's lines.
    line: Vec<u8>,
}

impl<W: Write> Layout<W> {
    pub fn new(out: W, hcl: bool) -> Self {
        Layout {
            out,
            partial: Vec::new(),
            started: false,
            blank: false,
            opens: false,
            hcl,
            heredoc: false,
            run: Vec::new(),
            run_text: String::new(),
            line: Vec::new(),
        }
    }

    /// Lays out what is left and returns the writer (not flushed).
    pub fn finish(mut self) -> io::Result<W> {
        if !self.partial.is_empty() {
            let rest = std::mem::take(&mut self.partial);
            self.tidy_line(&rest)?;
        }
        self.flush_run()?;
        if !self.started {
            // An empty file is one newline, as every file ends with one.
            self.out.write_all(b"\n")?;
        }
        Ok(self.out)
    }

    /// Stage 1: trailing spaces, blank lines.
    fn tidy_line(&mut self, raw: &[u8]) -> io::Result<()> {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line = std::str::from_utf8(raw)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?
            .trim_end();
        if line.is_empty() {
            if self.started && !self.opens {
                self.blank = true;
            }
            return Ok(());
        }
        if std::mem::take(&mut self.blank) && !line.trim_start().starts_with('}') {
            self.align_line("")?;
        }
        self.started = true;
        self.opens = line.ends_with('{') || line.ends_with(':');
        self.align_line(line)
    }

    /// Stage 2 (HCL only): `=` aligned within runs of attributes.
    fn align_line(&mut self, line: &str) -> io::Result<()> {
        if !self.hcl {
            return self.emit(line);
        }
        if self.heredoc {
            self.heredoc = line.trim() != "EOT";
            return self.emit(line);
        }
        // Heredoc bodies are text, not attributes: copy them as they are.
        if line.ends_with("<<-EOT") || line.ends_with("<<EOT") {
            self.flush_run()?;
            self.heredoc = true;
            return self.emit(line);
        }
        match attribute(line) {
            Some((indent, key, value)) => {
                let continues = self.run.first().is_some_and(|&(i, _, _)| {
                    &self.run_text[..i] == indent && !value.starts_with("<<")
                });
                if !continues {
                    self.flush_run()?;
                }
                self.run_text.push_str(indent);
                self.run_text.push_str(key);
                self.run_text.push_str(value);
                self.run.push((indent.len(), key.len(), value.len()));
                Ok(())
            }
            None => {
                self.flush_run()?;
                self.emit(line)
            }
        }
    }

    /// Writes the run: each key padded to the longest key's byte length (in
    /// characters of padding, as `{key:width$}` would), then ` = value`.
    fn flush_run(&mut self) -> io::Result<()> {
        if self.run.is_empty() {
            return Ok(());
        }
        let width = self.run.iter().map(|&(_, k, _)| k).max().unwrap_or(0);
        let line = &mut self.line;
        line.clear();
        let mut at = 0;
        for &(i, k, v) in &self.run {
            let key = &self.run_text[at + i..at + i + k];
            line.extend_from_slice(&self.run_text.as_bytes()[at..at + i + k]);
            let pad = width.saturating_sub(key.chars().count());
            line.resize(line.len() + pad, b' ');
            line.extend_from_slice(b" = ");
            line.extend_from_slice(&self.run_text.as_bytes()[at + i + k..at + i + k + v]);
            line.push(b'\n');
            at += i + k + v;
        }
        self.run.clear();
        self.run_text.clear();
        self.out.write_all(line)
    }

    fn emit(&mut self, line: &str) -> io::Result<()> {
        self.out.write_all(line.as_bytes())?;
        self.out.write_all(b"\n")
    }
}

impl<W: Write> Write for Layout<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut rest = bytes;
        // memchr: a byte-at-a-time search was a tenth of a large build.
        while let Some(end) = memchr::memchr(b'\n', rest) {
            if self.partial.is_empty() {
                self.tidy_line(&rest[..end])?;
            } else {
                self.partial.extend_from_slice(&rest[..end]);
                let line = std::mem::take(&mut self.partial);
                self.tidy_line(&line)?;
                self.partial = line;
                self.partial.clear();
            }
            rest = &rest[end + 1..];
        }
        self.partial.extend_from_slice(rest);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// `(indent, key, value)` of a one-line attribute `key = value`, where key is an
/// identifier or a quoted string and the value does not open a multi-line block.
fn attribute(line: &str) -> Option<(&str, &str, &str)> {
    // Bytes, not chars: every line of a large module passes here. Indentation
    // is spaces; anything else before the key goes the general way.
    let spaces = line.bytes().take_while(|&b| b == b' ').count();
    let trimmed = match line.as_bytes().get(spaces) {
        Some(b) if b.is_ascii_whitespace() || !b.is_ascii() => line.trim_start(),
        _ => &line[spaces..],
    };
    let indent = &line[..line.len() - trimmed.len()];
    let key_end = if let Some(quoted) = trimmed.strip_prefix('"') {
        memchr::memchr(b'"', quoted.as_bytes())? + 2
    } else {
        // The first byte outside [A-Za-z0-9_-] starts a character (a UTF-8
        // continuation byte is never ASCII), so this is a char boundary.
        trimmed
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))?
    };
    if key_end == 0 {
        return None;
    }
    let (key, rest) = trimmed.split_at(key_end);
    let value = rest.trim_start().strip_prefix('=')?.trim_start();
    if value.is_empty()
        || value.starts_with('=')
        || value.ends_with('{')
        || value.ends_with('[')
        || value.ends_with('(')
    {
        return None;
    }
    Some((indent, key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_and_breaks_on_blocks_and_blank_lines() {
        let src = "resource \"a\" \"b\" {\n  name = \"x\"\n  protocol_type = \"HTTP\"\n\n  cors_configuration {\n    allow_origins = [\"a\"]\n    max_age = 1\n  }\n  x = { a = 1 }\n}\n";
        let want = "resource \"a\" \"b\" {\n  name          = \"x\"\n  protocol_type = \"HTTP\"\n\n  cors_configuration {\n    allow_origins = [\"a\"]\n    max_age       = 1\n  }\n  x = { a = 1 }\n}\n";
        assert_eq!(tidy_hcl(src), want);
    }

    #[test]
    fn tidy_removes_blank_runs_and_blank_lines_inside_braces() {
        assert_eq!(
            tidy("a {\n\n  b = 1   \n\n\n\n}\n\n\nc\n\n"),
            "a {\n  b = 1\n}\n\nc\n"
        );
        assert_eq!(tidy("\n\nk:\n\n  v\n"), "k:\n  v\n");
        assert_eq!(tidy(""), "\n");
    }

    /// The byte scan agrees with a char-by-char reading: tab or Unicode
    /// space before the key, a non-ASCII character ending it, a quoted key.
    #[test]
    fn attribute_reads_keys_as_chars_would() {
        assert_eq!(attribute("  ab-c_1 = 2"), Some(("  ", "ab-c_1", "2")));
        assert_eq!(attribute("\tk = v"), Some(("\t", "k", "v")));
        assert_eq!(attribute("\u{2003}k = v"), Some(("\u{2003}", "k", "v")));
        assert_eq!(attribute("  ké = v"), None);
        assert_eq!(attribute("  \"a b\" = 1"), Some(("  ", "\"a b\"", "1")));
        assert_eq!(attribute("  \"open = 1"), None);
        assert_eq!(attribute("  x = {"), None);
    }

    #[test]
    fn heredoc_bodies_are_not_aligned() {
        let src = "  a = 1\n  body = <<-EOT\n    x = 1\n    long_key = 2\n  EOT\n  bb = 2\n";
        let want = "  a = 1\n  body = <<-EOT\n    x = 1\n    long_key = 2\n  EOT\n  bb = 2\n";
        assert_eq!(tidy_hcl(src), want);
    }

    /// Written in pieces that split lines (and a UTF-8 character) anywhere,
    /// the result is the same as written at once.
    #[test]
    fn any_split_of_the_input_gives_the_same_output() {
        let src = "# é\nr {\n\n  a = 1\n  bbb = \"ü\"\n\n\n}\n\nx = 2\n";
        let whole = tidy_hcl(src);
        for step in 1..src.len() {
            let mut l = Layout::new(Vec::new(), true);
            for chunk in src.as_bytes().chunks(step) {
                l.write_all(chunk).unwrap();
            }
            assert_eq!(String::from_utf8(l.finish().unwrap()).unwrap(), whole);
        }
    }
}
