//! The escaped form of a large string, made once per thread and reused.
//!
//! A REST API's origin-echo template (about 2 KB with 50 origins) reaches the
//! same filter once per path and MOCK route: at 1,000 routes, escaping those
//! copies was a fifth of `build`'s instructions (issue 20). Only strings of
//! [`MIN_LEN`] bytes or more are kept, the last [`ENTRIES`] of them, compared
//! by content (a byte comparison, far cheaper than escaping again); small
//! strings are escaped as they come. The result is a Tera value, so each reuse
//! is a reference count, not a copy.

use std::cell::RefCell;
use tera::Value;

/// Strings shorter than this are escaped every time.
const MIN_LEN: usize = 256;
/// How many escaped strings a thread keeps (an API has a handful of distinct
/// templates: one per CORS setting, preflight and actual response).
const ENTRIES: usize = 16;

/// Which escaping a kept string went through.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Hcl,
    HclHeredoc,
    Yaml,
}

struct Entry {
    filter: Filter,
    input: String,
    output: Value,
}

thread_local! {
    static KEPT: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// `escape(s)`, from the thread's kept results when `s` is large and was seen.
pub fn escaped(filter: Filter, s: &str, escape: fn(&str) -> String) -> Value {
    if s.len() < MIN_LEN {
        return Value::from(escape(s));
    }
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        if let Some(e) = kept.iter().find(|e| e.filter == filter && e.input == s) {
            return e.output.clone();
        }
        let output = Value::from(escape(s));
        if kept.len() == ENTRIES {
            kept.remove(0);
        }
        kept.push(Entry {
            filter,
            input: s.to_string(),
            output: output.clone(),
        });
        output
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept result is the escaping of that input, for that filter: the same
    /// large text through two filters, and two large texts through one, never
    /// get each other's result.
    #[test]
    fn a_kept_result_belongs_to_its_input_and_filter() {
        let a = "a\"${x}\n".repeat(64);
        let b = "b\"${x}\n".repeat(64);
        for _ in 0..2 {
            assert_eq!(
                escaped(Filter::Hcl, &a, super::super::hcl_string),
                Value::from(super::super::hcl_string(&a))
            );
            assert_eq!(
                escaped(Filter::Yaml, &a, super::super::yaml_string),
                Value::from(super::super::yaml_string(&a))
            );
            assert_eq!(
                escaped(Filter::Hcl, &b, super::super::hcl_string),
                Value::from(super::super::hcl_string(&b))
            );
        }
        let small = "x\"y";
        assert_eq!(
            escaped(Filter::Hcl, small, super::super::hcl_string),
            Value::from(super::super::hcl_string(small))
        );
    }

    /// More distinct large strings than are kept: the oldest is dropped and
    /// made again, still right.
    #[test]
    fn more_strings_than_entries() {
        let texts: Vec<String> = (0..ENTRIES + 3)
            .map(|i| format!("{i}-").repeat(200))
            .collect();
        for _ in 0..2 {
            for t in &texts {
                assert_eq!(
                    escaped(Filter::Yaml, t, super::super::yaml_string),
                    Value::from(super::super::yaml_string(t))
                );
            }
        }
    }
}
