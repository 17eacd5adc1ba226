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
