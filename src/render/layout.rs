//! Final layout passes over rendered text, so templates can stay readable (tags
//! on their own lines) while the output is what the languages' formatters would
//! write: no trailing spaces, no runs of blank lines, no blank line just inside
//! braces, and for HCL the `=` of consecutive attributes aligned the way
//! `terraform fmt` aligns them.

/// Whitespace tidy for any output.
pub fn tidy(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        let blank = line.is_empty();
        let prev_blank = out.last().is_none_or(|l| l.is_empty());
        let prev_opens = out
            .last()
            .is_some_and(|l| l.ends_with('{') || l.ends_with(':'));
        if blank && (prev_blank || prev_opens) {
            continue;
        }
        if (line.trim_start().starts_with('}')) && out.last().is_some_and(|l| l.is_empty()) {
            out.pop();
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// Align `=` in runs of single-line attributes at the same indentation.
pub fn align_hcl(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        // Heredoc bodies are text, not attributes: copy them as they are.
        if lines[i].trim_end().ends_with("<<-EOT") || lines[i].trim_end().ends_with("<<EOT") {
            out.push(lines[i].to_string());
            i += 1;
            while i < lines.len() {
                out.push(lines[i].to_string());
                i += 1;
                if lines[i - 1].trim() == "EOT" {
                    break;
                }
            }
            continue;
        }
        let Some((indent, _, _)) = attribute(lines[i]) else {
            out.push(lines[i].to_string());
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < lines.len()
            && attribute(lines[j]).is_some_and(|(ind, _, v)| ind == indent && !v.starts_with("<<"))
        {
            j += 1;
        }
        let width = lines[i..j]
            .iter()
            .map(|l| attribute(l).expect("in run").1.len())
            .max()
            .unwrap_or(0);
        for l in &lines[i..j] {
            let (ind, key, value) = attribute(l).expect("in run");
            out.push(format!("{ind}{key:width$} = {value}"));
        }
        i = j;
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// `(indent, key, value)` of a one-line attribute `key = value`, where key is an
/// identifier or a quoted string and the value does not open a multi-line block.
fn attribute(line: &str) -> Option<(&str, &str, &str)> {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    let key_end = if let Some(quoted) = trimmed.strip_prefix('"') {
        quoted.find('"')? + 2
    } else {
        trimmed.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?
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
        assert_eq!(align_hcl(src), want);
    }

    #[test]
    fn tidy_removes_blank_runs_and_blank_lines_inside_braces() {
        assert_eq!(
            tidy("a {\n\n  b = 1   \n\n\n\n}\n\n\nc\n\n"),
            "a {\n  b = 1\n}\n\nc\n"
        );
    }
}
