//! The VTL response template that picks Access-Control-Allow-Origin per request
//! on REST integration responses. API Gateway runs it after the static header
//! mappings; setting `$context.responseOverride.header.<name>` replaces the
//! static value (once per response). The request's Origin is read in both
//! spellings. Exact origins are compared as single-quoted VTL literals (no
//! interpolation inside); patterns become an anchored regex for Java's
//! `String.matches`, with every metacharacter of the fixed part escaped and the
//! wildcard standing for exactly one DNS label. Origins reaching here were
//! validated, so they hold no quote; [`quote`] still refuses one.

use crate::model::Origin;

/// One DNS label, as browsers serialize hosts (lower case).
pub const LABEL_REGEX: &str = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";

pub fn origin_override(origins: &[Origin]) -> String {
    let mut tests: Vec<String> = Vec::new();
    for o in origins {
        match o {
            Origin::Exact(s) => tests.push(format!("$origin == {}", quote(s))),
            Origin::Pattern { scheme, suffix, .. } => {
                tests.push(format!(
                    "$origin.matches({})",
                    quote(&pattern_regex(scheme, suffix))
                ));
            }
            Origin::Any => {}
        }
    }
    let mut t = String::new();
    t.push_str("#set($origin = $input.params().header.get('Origin'))\n");
    t.push_str(
        "#if(\"$!origin\" == \"\")#set($origin = $input.params().header.get('origin'))#end\n",
    );
    t.push_str("#if(\"$!origin\" != \"\")\n");
    t.push_str(&format!("#if({})\n", tests.join(" || ")));
    t.push_str("#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n");
    t.push_str("#end\n#end\n");
    t
}

/// `https` + `.preview.example.com` -> `^https://[a-z0-9](...)?\.preview\.example\.com$`.
pub fn pattern_regex(scheme: &str, suffix: &str) -> String {
    format!(
        "^{}://{LABEL_REGEX}{}$",
        escape_regex(scheme),
        escape_regex(suffix)
    )
}

/// Escape every Java regex metacharacter.
pub fn escape_regex(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A single-quoted VTL string literal. Single quotes are not interpolated.
fn quote(s: &str) -> String {
    assert!(!s.contains('\''), "validated origins never contain a quote");
    format!("'{s}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal regex check for the generated pattern: Rust's `regex` is not a
    /// dependency, so the test uses the model's own matcher as the reference and
    /// checks the text of the regex structurally.
    #[test]
    fn pattern_regex_is_anchored_and_escaped() {
        let r = pattern_regex("https", ".shop.example.com");
        assert_eq!(
            r,
            "^https://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.shop\\.example\\.com$"
        );
        let r = pattern_regex("coap+tcp", ".a-b.example.com:8443");
        assert!(r.starts_with("^coap\\+tcp://"), "{r}");
        assert!(r.ends_with("\\.a-b\\.example\\.com:8443$"), "{r}");
    }

    #[test]
    fn hostile_text_cannot_leave_the_regex_or_literal() {
        let e = escape_regex("a.b$c#set(${x})'|\"");
        // Every metacharacter is preceded by a backslash.
        for (i, c) in e.char_indices() {
            if "^$.|?*+()[]{}".contains(c) {
                assert_eq!(&e[i - 1..i], "\\", "{e}");
            }
        }
    }

    #[test]
    fn template_checks_every_origin_and_overrides_once() {
        let origins = vec![
            Origin::Exact("https://shop.example.com".into()),
            Origin::Exact("http://localhost:4200".into()),
            Origin::Pattern {
                text: "https://*.preview.example.com".into(),
                scheme: "https".into(),
                suffix: ".preview.example.com".into(),
            },
        ];
        let t = origin_override(&origins);
        assert!(t.contains("$origin == 'https://shop.example.com'"));
        assert!(t.contains("$origin == 'http://localhost:4200'"));
        assert!(t.contains("$origin.matches('^https://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.preview\\.example\\.com$')"));
        assert_eq!(t.matches("responseOverride").count(), 1);
        assert!(t.contains("get('Origin')") && t.contains("get('origin')"));
        assert!(!t.contains("${"), "no HCL/CFN interpolation syntax in VTL");
    }
}
