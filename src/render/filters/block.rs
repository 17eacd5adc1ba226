//! `response_block`: a partial template rendered once per distinct response
//! and written again, as text, wherever another path shares that response.
//!
//! Every path of a REST API answers its preflight, and every MOCK method its
//! response, with the same few blocks of YAML or HCL: a CORS setting's
//! headers, mappings and origin-echo template. Rendering the partial again
//! per path was most of the template engine's work on a large API (issue
//! 20). The plan gives every path that shares a response the same Tera value
//! (`render/context.rs`), so the value's address names the response: a
//! kept entry holds a clone of the value, and no other value can be at that
//! address while the entry lives (the same argument as [`super::memo`]).
//!
//! The partial sees only `response` and the filter's other arguments, never
//! the including template's variables: a partial that reads one fails to
//! render (the goldens render every partial).

use std::cell::RefCell;
use tera::{Context, Kwargs, Map, TeraResult, Value};

/// Blocks a thread keeps: an API has a handful of distinct responses; past
/// that, the oldest is dropped (and rendered again if it comes back).
const ENTRIES: usize = 32;

struct Entry {
    template: String,
    /// The filter's arguments other than `template`.
    args: Vec<(String, Value)>,
    /// The response, kept alive so that its address stays its own.
    response: Value,
    text: Value,
}

thread_local! {
    static KEPT: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
    /// Blocks this thread has rendered (not taken from `KEPT`), for tests.
    #[cfg(test)]
    static RENDERED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// `template` rendered with `response` as `response` and every other
/// argument as a variable of its name; without the final newline, so that the
/// filter on a line of its own writes the block's lines as an `include` would.
pub fn render(response: &Value, kwargs: Kwargs) -> TeraResult<Value> {
    let template: String = kwargs.must_get("template")?;
    let args: Vec<(String, Value)> = kwargs
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone())))
        .filter(|(k, _)| k != "template")
        .collect();
    let address = response.as_map().map(|m| m as *const Map);
    let holds = |e: &Entry| {
        e.response.as_map().map(|m| m as *const Map) == address
            && e.template == template
            && e.args == args
    };
    if address.is_some()
        && let Some(text) =
            KEPT.with(|k| k.borrow().iter().find(|e| holds(e)).map(|e| e.text.clone()))
    {
        return Ok(text);
    }
    let mut context = Context::new();
    context.insert_value("response", response.clone());
    for (k, v) in &args {
        context.insert_value(k.clone(), v.clone());
    }
    #[cfg(test)]
    RENDERED.with(|n| n.set(n.get() + 1));
    let mut text = crate::render::tera().render(&template, &context)?;
    if text.ends_with('\n') {
        text.pop();
    }
    let text = Value::from(text);
    if address.is_some() {
        KEPT.with(|k| {
            let mut kept = k.borrow_mut();
            if kept.len() == ENTRIES {
                kept.remove(0);
            }
            kept.push(Entry {
                template,
                args,
                response: response.clone(),
                text: text.clone(),
            });
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "terraform/rest/method_response_body.tf";

    fn response(status: u16, header: &str) -> Value {
        let mut h = Map::new();
        h.insert("name".into(), Value::from(header));
        let mut m = Map::new();
        m.insert("status".into(), Value::from(status));
        m.insert("headers".into(), Value::from(vec![Value::from(h)]));
        Value::from(m)
    }

    fn block(v: &Value, args: &[(&str, Value)]) -> String {
        let mut kwargs = Map::new();
        kwargs.insert("template".into(), Value::from(TEMPLATE));
        for (k, a) in args {
            kwargs.insert(k.to_string().into(), a.clone());
        }
        let text = render(v, Kwargs::new(std::sync::Arc::new(kwargs))).unwrap();
        text.as_str().unwrap().to_string()
    }

    fn rendered() -> usize {
        RENDERED.with(|n| n.get())
    }

    /// The same response value is rendered once; an equal response in
    /// another value, or the same one with other arguments, is rendered
    /// again; each text is its own response's, without the last newline.
    #[test]
    fn one_render_per_response_value_and_arguments() {
        let a = response(204, "Access-Control-Allow-Origin");
        let b = response(200, "Vary");
        let before = rendered();
        let text_a = block(&a, &[]);
        assert!(text_a.starts_with("  status_code = \"204\"\n"), "{text_a}");
        assert!(text_a.contains("Access-Control-Allow-Origin"), "{text_a}");
        assert!(!text_a.ends_with('\n'));
        for _ in 0..5 {
            assert_eq!(block(&a, &[]), text_a);
        }
        assert_eq!(rendered() - before, 1);
        let text_b = block(&b, &[]);
        assert!(
            text_b.contains("\"200\"") && text_b.contains("Vary"),
            "{text_b}"
        );
        assert_eq!(rendered() - before, 2);
        let a_again = response(204, "Access-Control-Allow-Origin");
        assert_eq!(block(&a_again, &[]), text_a);
        assert_eq!(block(&a, &[("standalone", Value::from(true))]), text_a);
        assert_eq!(rendered() - before, 4);
    }

    /// More responses than are kept: each still gets its own text.
    #[test]
    fn more_responses_than_entries() {
        let values: Vec<Value> = (0..ENTRIES + 5)
            .map(|i| response(200 + i as u16, "X"))
            .collect();
        for _ in 0..2 {
            for (i, v) in values.iter().enumerate() {
                assert!(block(v, &[]).contains(&format!("\"{}\"", 200 + i)));
            }
        }
    }

    /// A partial sees only what the filter passes: an including template's
    /// variable is not there, so a partial that reads one fails.
    #[test]
    fn a_partial_does_not_see_the_including_template() {
        let mut kwargs = Map::new();
        kwargs.insert(
            "template".into(),
            Value::from("terraform/rest/cors_response.tf"),
        );
        let err = render(
            &response(204, "X"),
            Kwargs::new(std::sync::Arc::new(kwargs)),
        );
        assert!(err.is_err());
    }
}
