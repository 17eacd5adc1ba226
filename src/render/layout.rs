//! Final layout of rendered text, so templates can stay readable (tags on their
//! own lines) while the output is what the languages' formatters would write:
//! no trailing spaces, no runs of blank lines, no blank line just inside
//! braces, and for HCL the `=` of consecutive attributes aligned the way
//! `terraform fmt` aligns them.
//!
//! One pass, line by line: [`Layout`] is an `io::Write` that gathers what the
//! template engine writes in a block of [`BLOCK`] bytes, lays out the block's
//! complete lines and passes them on in blocks of the same size, holding back
//! only the unfinished line, a pending blank line and the current run of HCL
//! attributes. A large API's file is never held whole, nor scanned twice.
//!
//! Lines are handled as bytes (issue 20: validating each line as UTF-8 and
//! writing lines one by one was a fifth of a large build). The text is UTF-8
//! (Tera writes whole strings, and lines end at `\n`, an ASCII byte); where a
//! line's edge is not ASCII, the character there is decoded so that trimming
//! removes exactly the whitespace `str::trim` would.

use std::io::{self, Write};

/// Input gathered, and output passed on, in blocks of this many bytes: few
/// calls into the writer, little memory.
const BLOCK: usize = 1 << 16;

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
    /// Bytes written and not yet laid out: whole lines, then the start of
    /// the next one.
    input: Vec<u8>,
    /// Laid-out lines not yet passed to `out`.
    output: Vec<u8>,
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
    /// The current run of aligned attributes: their lines one after the
    /// other in `run_text` (no allocation per line), where each part is in
    /// `run`.
    run: Vec<RunLine>,
    run_text: Vec<u8>,
}

/// One attribute line of a run: where it is in `run_text`, and the byte
/// lengths of its indent and key and where its value starts, in the line.
struct RunLine {
    start: usize,
    indent: usize,
    key: usize,
    value: usize,
    end: usize,
}

/// Padding a key needs beyond this is written space by space.
const MAX_PAD: usize = 64;

/// [`MAX_PAD`] spaces and ` = `: a key's padding and separator are its tail.
const PAD_EQUALS: [u8; MAX_PAD + 3] = {
    let mut t = [b' '; MAX_PAD + 3];
    t[MAX_PAD + 1] = b'=';
    t
};

impl<W: Write> Layout<W> {
    pub fn new(out: W, hcl: bool) -> Self {
        Layout {
            out,
            input: Vec::new(),
            output: Vec::new(),
            started: false,
            blank: false,
            opens: false,
            hcl,
            heredoc: false,
            run: Vec::new(),
            run_text: Vec::new(),
        }
    }

    /// Lays out what is left and returns the writer (not flushed).
    pub fn finish(mut self) -> io::Result<W> {
        self.lay_out_lines();
        if !self.input.is_empty() {
            let rest = std::mem::take(&mut self.input);
            self.tidy_line(&rest);
        }
        self.flush_run();
        if !self.started {
            // An empty file is one newline, as every file ends with one.
            self.output.push(b'\n');
        }
        self.out.write_all(&self.output)?;
        Ok(self.out)
    }

    /// Lays out every complete line of `input`, keeping the unfinished one.
    fn lay_out_lines(&mut self) {
        let input = std::mem::take(&mut self.input);
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', &input) {
            self.tidy_line(&input[start..end]);
            start = end + 1;
        }
        self.input = input;
        self.input.drain(..start);
    }

    /// Stage 1: trailing spaces, blank lines.
    fn tidy_line(&mut self, raw: &[u8]) {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        // Most lines end in a visible ASCII character: nothing to trim.
        let line = match raw.last() {
            Some(&b) if b > b' ' && b < 0x80 => raw,
            _ => &raw[..raw.len() - trailing_space(raw)],
        };
        if line.is_empty() {
            if self.started && !self.opens {
                self.blank = true;
            }
            return;
        }
        if std::mem::take(&mut self.blank) && line.get(leading_space(line)) != Some(&b'}') {
            self.align_line(b"");
        }
        self.started = true;
        self.opens = matches!(line.last(), Some(b'{' | b':'));
        self.align_line(line)
    }

    /// Stage 2 (HCL only): `=` aligned within runs of attributes.
    fn align_line(&mut self, line: &[u8]) {
        if !self.hcl {
            return self.emit(line);
        }
        if self.heredoc {
            self.heredoc = trim(line) != b"EOT";
            return self.emit(line);
        }
        // Heredoc bodies are text, not attributes: copy them as they are.
        if line.ends_with(b"<<-EOT") || line.ends_with(b"<<EOT") {
            self.flush_run();
            self.heredoc = true;
            return self.emit(line);
        }
        match attribute(line) {
            Some((indent, key, value)) => {
                let continues = self.run.first().is_some_and(|r| {
                    &self.run_text[r.start..r.start + r.indent] == indent
                        && !value.starts_with(b"<<")
                });
                if !continues {
                    self.flush_run();
                }
                // The line is kept whole; its parts are offsets into it.
                let start = self.run_text.len();
                self.run_text.extend_from_slice(line);
                self.run.push(RunLine {
                    start,
                    indent: indent.len(),
                    key: key.len(),
                    value: line.len() - value.len(),
                    end: line.len(),
                });
            }
            None => {
                self.flush_run();
                self.emit(line)
            }
        }
    }

    /// Writes the run: each key padded to the longest key's byte length (in
    /// characters of padding, as `{key:width$}` would), then ` = value`.
    fn flush_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let width = self.run.iter().map(|r| r.key).max().unwrap_or(0);
        for r in &self.run {
            let line = &self.run_text[r.start..r.start + r.end];
            let head = &line[..r.indent + r.key];
            let key = &head[r.indent..];
            let chars = if key.is_ascii() {
                r.key
            } else {
                key.iter().filter(|&&b| b & 0xC0 != 0x80).count()
            };
            let pad = width.saturating_sub(chars);
            self.output.extend_from_slice(head);
            // The padding and ` = ` in one copy, from a run of spaces.
            match PAD_EQUALS.get(PAD_EQUALS.len() - 3 - pad.min(MAX_PAD)..) {
                Some(sep) if pad <= MAX_PAD => self.output.extend_from_slice(sep),
                _ => {
                    self.output.resize(self.output.len() + pad, b' ');
                    self.output.extend_from_slice(b" = ");
                }
            }
            self.output.extend_from_slice(&line[r.value..]);
            self.output.push(b'\n');
        }
        self.run.clear();
        self.run_text.clear();
    }

    fn emit(&mut self, line: &[u8]) {
        self.output.extend_from_slice(line);
        self.output.push(b'\n');
    }

    /// Passes laid-out lines on once a block's worth is ready.
    fn pass_on(&mut self) -> io::Result<()> {
        if self.output.len() >= BLOCK {
            self.out.write_all(&self.output)?;
            self.output.clear();
        }
        Ok(())
    }
}

impl<W: Write> Write for Layout<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.input.extend_from_slice(bytes);
        if self.input.len() >= BLOCK {
            self.lay_out_lines();
            self.pass_on()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Whether `b` is ASCII whitespace as `char::is_whitespace` has it (which,
/// unlike `u8::is_ascii_whitespace`, counts the vertical tab).
fn ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// The byte length of the character starting at `b[0]`, or 1 if `b[0]` does
/// not start one.
fn char_len(b: &[u8]) -> usize {
    match b[0] {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// Whether `b` is one whole whitespace character.
fn space_char(b: &[u8]) -> bool {
    std::str::from_utf8(b).is_ok_and(|s| s.chars().all(char::is_whitespace))
}

/// Bytes of whitespace `str::trim_start` would remove from `line`.
fn leading_space(line: &[u8]) -> usize {
    // Indentation is spaces: counted without looking for wider characters.
    let mut i = line.iter().position(|&b| b != b' ').unwrap_or(line.len());
    while let Some(&b) = line.get(i) {
        if ascii_space(b) {
            i += 1;
        } else if b >= 0x80 {
            let n = char_len(&line[i..]).min(line.len() - i);
            if !space_char(&line[i..i + n]) {
                break;
            }
            i += n;
        } else {
            break;
        }
    }
    i
}

/// Bytes of whitespace `str::trim_end` would remove from `line`.
fn trailing_space(line: &[u8]) -> usize {
    let mut end = line.len();
    while end > 0 {
        let b = line[end - 1];
        if ascii_space(b) {
            end -= 1;
        } else if b >= 0x80 {
            // The character ends here; it starts at the first byte back that
            // is not a continuation byte (10xxxxxx), at most 4 back.
            let start = (end.saturating_sub(4)..end)
                .rev()
                .find(|&i| line[i] & 0xC0 != 0x80)
                .unwrap_or(end - 1);
            if !space_char(&line[start..end]) {
                break;
            }
            end = start;
        } else {
            break;
        }
    }
    line.len() - end
}

fn trim(line: &[u8]) -> &[u8] {
    let line = &line[leading_space(line)..];
    &line[..line.len() - trailing_space(line)]
}

/// `(indent, key, value)` of a one-line attribute `key = value`, where key is an
/// identifier or a quoted string and the value does not open a multi-line block.
fn attribute(line: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (indent, trimmed) = line.split_at(leading_space(line));
    let key_end = if let Some(quoted) = trimmed.strip_prefix(b"\"") {
        memchr::memchr(b'"', quoted)? + 2
    } else {
        // The first byte outside [A-Za-z0-9_-] starts a character (a UTF-8
        // continuation byte is never ASCII), so the key is whole characters.
        trimmed.iter().position(|&b| !KEY_BYTE[b as usize])?
    };
    if key_end == 0 {
        return None;
    }
    let (key, rest) = trimmed.split_at(key_end);
    let value = rest[leading_space(rest)..].strip_prefix(b"=")?;
    let value = &value[leading_space(value)..];
    if value.is_empty()
        || matches!(value[0], b'=')
        || matches!(value.last(), Some(b'{' | b'[' | b'('))
    {
        return None;
    }
    Some((indent, key, value))
}

/// The bytes of an unquoted key, [A-Za-z0-9_-], as a table: one load per
/// byte of every attribute line of a large module.
const KEY_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_and_breaks_on_blocks_and_blank_lines() {
        let src = "resource \"a\" \"b\" {\n  name = \"x\"\n  protocol_type = \"HTTP\"\n\n  cors_configuration {\n    allow_origins = [\"a\"]\n    max_age = 1\n  }\n  x = { a = 1 }\n}\n";
        let want = "resource \"a\" \"b\" {\n  name          = \"x\"\n  protocol_type = \"HTTP\"\n\n  cors_configuration {\n    allow_origins = [\"a\"]\n    max_age       = 1\n  }\n  x = { a = 1 }\n}\n";
        assert_eq!(tidy_hcl(src), want);
    }

    /// Padding past the copied run of spaces, and a key with a multi-byte
    /// character (padded by characters, as terraform fmt does).
    #[test]
    fn long_and_non_ascii_keys_are_padded() {
        let long = "k".repeat(MAX_PAD + 6);
        let src = format!("  a = 1\n  {long} = 2\n  \"é\" = 3\n");
        let want = format!(
            "  a{} = 1\n  {long} = 2\n  \"é\"{} = 3\n",
            " ".repeat(MAX_PAD + 5),
            " ".repeat(MAX_PAD + 3)
        );
        assert_eq!(tidy_hcl(&src), want);
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

    /// `attribute` on text, for the assertions below.
    fn attr(line: &str) -> Option<(&str, &str, &str)> {
        let s = |b: &[u8]| std::str::from_utf8(b).unwrap().to_string().leak() as &str;
        attribute(line.as_bytes()).map(|(i, k, v)| (s(i), s(k), s(v)))
    }

    /// The byte scan agrees with a char-by-char reading: tab or Unicode
    /// space before the key, a non-ASCII character ending it, a quoted key.
    #[test]
    fn attribute_reads_keys_as_chars_would() {
        assert_eq!(attr("  ab-c_1 = 2"), Some(("  ", "ab-c_1", "2")));
        assert_eq!(attr("\tk = v"), Some(("\t", "k", "v")));
        assert_eq!(attr("\u{2003}k = v"), Some(("\u{2003}", "k", "v")));
        assert_eq!(attr("  k =\u{3000}v"), Some(("  ", "k", "v")));
        assert_eq!(attr("  ké = v"), None);
        assert_eq!(attr("  \"a b\" = 1"), Some(("  ", "\"a b\"", "1")));
        assert_eq!(attr("  \"open = 1"), None);
        assert_eq!(attr("  x = {"), None);
    }

    /// The byte trims remove exactly what `str::trim_start`/`trim_end` do:
    /// ASCII spaces and the vertical tab, two- and three-byte Unicode spaces
    /// (NEL, NBSP, ideographic space), and never a non-space character of
    /// any length.
    #[test]
    fn byte_trims_agree_with_str_trims() {
        let parts = [
            "", " ", "\t", "\u{b}", "\u{c}", "\r", "\u{85}", "\u{a0}", "\u{3000}", "é", "€", "𝄞",
            "x", "}", "=",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let s = format!("{a}{b}{c}");
                    let bytes = s.as_bytes();
                    assert_eq!(
                        leading_space(bytes),
                        s.len() - s.trim_start().len(),
                        "{s:?}"
                    );
                    assert_eq!(trailing_space(bytes), s.len() - s.trim_end().len(), "{s:?}");
                    assert_eq!(trim(bytes), s.trim().as_bytes(), "{s:?}");
                }
            }
        }
    }

    /// A file of many blocks, written in pieces of any size: lines that
    /// straddle a block's end are laid out as if written at once.
    #[test]
    fn lines_across_blocks_are_laid_out_whole() {
        let unit = "resource \"r\" \"x\" {\n  a = 1\n  bbbb = \"é\"   \n\n\n  c = <<-EOT\n    k = 1\n  EOT\n}\n\n";
        let src = unit.repeat(3 * BLOCK / unit.len() + 7);
        let whole = tidy_hcl(&src);
        assert_eq!(
            whole.matches("  a    = 1\n").count(),
            3 * BLOCK / unit.len() + 7
        );
        for step in [1, 7, 4099, BLOCK - 1, BLOCK + 1] {
            let mut l = Layout::new(Vec::new(), true);
            for chunk in src.as_bytes().chunks(step) {
                l.write_all(chunk).unwrap();
            }
            assert_eq!(
                String::from_utf8(l.finish().unwrap()).unwrap(),
                whole,
                "{step}"
            );
        }
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
