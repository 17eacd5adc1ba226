//! Identifiers for generated resources, injective by construction in every
//! output language. A name is allocated once, in snake_case (Terraform resource
//! names), and its PascalCase form ([`pascal`]) becomes the CloudFormation
//! logical ID; the allocator refuses a candidate when *either* form is taken,
//! so `/x1` and `/x/1` (both `X1` in PascalCase) or `/a-b` and `/a_b` (both
//! `a_b`) still get distinct names in both languages. Later names get `_2`,
//! `_3`, ... in policy order, so output stays deterministic.
//!
//! Validity, also by construction:
//! - Terraform: "The first character of an identifier must not be a digit";
//!   identifiers are letters, digits, `_` and `-` (Terraform docs, "Syntax:
//!   Identifiers"). Names are `[a-z0-9_]` and start with a letter.
//! - CloudFormation: "The logical ID must be alphanumeric (A-Za-z0-9) and
//!   unique within the template", at most 255 characters (CloudFormation
//!   user guide, "Resources" and "quotas"). The PascalCase form is
//!   alphanumeric; names are cut to [`MAX_LEN`] so a templates' suffix
//!   (`OptionsMethod`, `GatewayResponse`) still fits.

use heck::ToUpperCamelCase;
use std::collections::HashSet;

/// Longest base name kept (before a `_N` suffix): 255 minus the longest
/// suffix a template appends, with room for the counter.
pub const MAX_LEN: usize = 200;

#[derive(Default)]
pub struct IdAllocator {
    snake: HashSet<String>,
    pascal: HashSet<String>,
}

impl IdAllocator {
    /// A name for `base`, unique among this allocator's names in snake_case
    /// and in PascalCase, valid in Terraform and CloudFormation.
    pub fn take(&mut self, base: &str) -> String {
        let base = sanitize(base);
        let mut candidate = base.clone();
        let mut candidate_pascal = pascal(&candidate);
        let mut n = 2;
        while self.snake.contains(&candidate) || self.pascal.contains(&candidate_pascal) {
            candidate = format!("{base}_{n}");
            candidate_pascal = pascal(&candidate);
            n += 1;
        }
        self.pascal.insert(candidate_pascal);
        self.snake.insert(candidate.clone());
        candidate
    }
}

/// The CloudFormation form of a name: `items_id_get` -> `ItemsIdGet`.
pub fn pascal(s: &str) -> String {
    // Ids are `[a-z0-9_]`: words split at `_`, each capitalised, which is
    // what heck does with such text (tested below against heck on every
    // short string of that alphabet), at a tenth of heck's cost (its general
    // word splitting was 5 % of a 1,000-route build).
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return s.to_upper_camel_case();
    }
    // Byte by byte: a letter or digit after `_` (or first) is capitalised,
    // the `_`s dropped; no string per word.
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for b in s.bytes() {
        if b == b'_' {
            start = true;
        } else {
            out.push(if start { b.to_ascii_uppercase() } else { b } as char);
            start = false;
        }
    }
    out
}

/// `[a-z0-9_]`, starting with a letter, at most [`MAX_LEN`] bytes. Names
/// built from valid paths already are; this keeps the promise for any input.
fn sanitize(base: &str) -> String {
    let mut out: String = if base
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        // Names built from valid paths: nothing to change.
        base.to_string()
    } else {
        base.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect()
    };
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert_str(0, "n_");
    }
    out.truncate(MAX_LEN);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collisions_get_numbered_in_order() {
        let mut ids = IdAllocator::default();
        assert_eq!(ids.take("get_a_b"), "get_a_b");
        assert_eq!(ids.take("get_a_b"), "get_a_b_2");
        assert_eq!(ids.take("get_a_b"), "get_a_b_3");
        assert_eq!(ids.take("post_a_b"), "post_a_b");
    }

    #[test]
    fn pascal_of_an_id_is_hecks() {
        // Every string of 1 to 5 characters over letters, digits and `_`.
        let alphabet = ['a', 'z', '0', '9', '_'];
        let mut words: Vec<String> = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..5 {
            words = words
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            all.extend(words.iter().cloned());
        }
        let words = all;
        assert!(words.len() > 3000, "{}", words.len());
        for w in &words {
            assert_eq!(pascal(w), w.to_upper_camel_case(), "{w:?}");
        }
        assert_eq!(pascal("Items-ID"), "Items-ID".to_upper_camel_case());
    }

    #[test]
    fn pascal_collisions_are_refused_too() {
        // `/x1` and `/x/1`: distinct in snake_case, both `X1` in PascalCase.
        let mut ids = IdAllocator::default();
        let a = ids.take("x1");
        let b = ids.take("x_1");
        assert_ne!(pascal(&a), pascal(&b), "{a} {b}");
        // A suffixed name cannot steal a later plain one either.
        let c = ids.take("x_1_2");
        let all = [&a, &b, &c];
        let p: HashSet<String> = all.iter().map(|s| pascal(s)).collect();
        assert_eq!(p.len(), 3, "{all:?}");
    }

    #[test]
    fn names_are_valid_in_terraform_and_cloudformation() {
        let mut ids = IdAllocator::default();
        for base in ["2fa", "_x", "", "a-b.c", &"x".repeat(400)] {
            let id = ids.take(base);
            assert!(id.starts_with(|c: char| c.is_ascii_lowercase()), "{id}");
            assert!(id.len() <= MAX_LEN + 4, "{id}");
            let p = pascal(&id);
            assert!(p.chars().all(|c| c.is_ascii_alphanumeric()), "{p}");
            assert!(p.starts_with(|c: char| c.is_ascii_uppercase()), "{p}");
        }
    }
}
