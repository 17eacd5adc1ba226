//! The escaped form of a large string, made once per thread and reused.
//!
//! A REST API's origin-echo template (about 2 KB with 50 origins) reaches the
//! same filter once per path and MOCK route: at 1,000 routes, escaping those
//! copies was a fifth of `build`'s instructions (issue 20). Only strings of
//! [`MIN_LEN`] bytes or more are kept, the last [`ENTRIES`] of them; small
//! strings are escaped as they come. The result is a Tera value, so each reuse
//! is a reference count, not a copy.
//!
//! A kept input is found by its address first: every path's response shares
//! one Tera string (an `Arc<str>`), and the entry holds a clone of it, so no
//! other string can be at that address while the entry lives. A string at
//! another address is compared by content (the same text in another
//! response); comparing 2 KB per path was 3 % of a large build.

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
    /// The input, kept alive so that its address stays its own.
    input: Value,
    output: Value,
}

impl Entry {
    fn holds(&self, filter: Filter, s: &str) -> bool {
        let Some(kept) = self.input.as_str() else {
            return false;
        };
        self.filter == filter
            && (std::ptr::eq(kept.as_ptr(), s.as_ptr()) && kept.len() == s.len() || kept == s)
    }
}

thread_local! {
    static KEPT: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// `escape(v)`, from the thread's kept results when `v` is large and was
/// seen; `None` when `v` is not a string.
pub fn escaped(filter: Filter, v: &Value, escape: fn(&str) -> String) -> Option<Value> {
    let s = v.as_str()?;
    if s.len() < MIN_LEN {
        return Some(Value::from(escape(s)));
    }
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        if let Some(e) = kept.iter().find(|e| e.holds(filter, s)) {
            return Some(e.output.clone());
        }
        let output = Value::from(escape(s));
        if kept.len() == ENTRIES {
            kept.remove(0);
        }
        kept.push(Entry {
            filter,
            input: v.clone(),
            output: output.clone(),
        });
        Some(output)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(filter: Filter, s: &str, escape: fn(&str) -> String) -> Value {
        super::escaped(filter, &Value::from(s), escape).unwrap()
    }

    /// The same large string value, met again, is found by address; an equal
    /// text in another value by content; a value that is not a string is
    /// refused.
    #[test]
    fn found_by_address_then_by_content() {
        let text = "é\"${x}\n".repeat(64);
        let v = Value::from(text.as_str());
        let want = Value::from(super::super::yaml_string(&text));
        for _ in 0..3 {
            assert_eq!(
                super::escaped(Filter::Yaml, &v, super::super::yaml_string),
                Some(want.clone())
            );
            assert_eq!(
                escaped(Filter::Yaml, &text, super::super::yaml_string),
                want
            );
        }
        assert_eq!(
            super::escaped(Filter::Yaml, &Value::from(3), super::super::yaml_string),
            None
        );
    }

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
