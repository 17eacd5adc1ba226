//! `probe --format junit` (issue 32): every check as a JUnit test case, so a
//! CI system lists each one: one `<testsuite>` per route (one more for its
//! shared-cache check, and one for the no-such-route request), a `<failure>` for a check that differs (its text
//! is the human report's lines for it), an `<error>` for a check the API
//! never answered, and `<skipped>` cases for what probe does not send (the
//! unsafe methods of a route, a skipped no-such-route request), so the
//! report says what went untested rather than hiding it.

use super::Verdict;
use super::plan::{Check, Kind};
use super::report::{Report, check_lines, summary_line};
use crate::markup::xml as esc;
use std::fmt::Write as _;

/// A suite being filled: its name and test cases (already XML).
struct Suite {
    name: String,
    cases: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Suite {
    fn new(name: String) -> Suite {
        Suite {
            name,
            cases: String::new(),
            tests: 0,
            failures: 0,
            errors: 0,
            skipped: 0,
        }
    }
}

/// The JUnit XML of `r`.
pub fn render(r: &Report) -> String {
    let width = r
        .results
        .iter()
        .map(|(c, _)| c.origin.value.len())
        .max()
        .unwrap_or(0);
    let mut suites: Vec<Suite> = Vec::new();
    for (c, v) in &r.results {
        let name = match (&c.route, &c.cache) {
            (Some(route), Some(_)) => format!("{route} cache check"),
            (Some(route), None) => route.clone(),
            (None, _) => format!("no such route ({})", c.path),
        };
        if suites.last().is_none_or(|s| s.name != name) {
            suites.push(Suite::new(name));
        }
        let Some(suite) = suites.last_mut() else {
            continue;
        };
        case(suite, c, v, width);
    }
    for s in &mut suites {
        if let Some((_, methods)) = r.not_sent.iter().find(|(route, _)| *route == s.name) {
            s.tests += 1;
            s.skipped += 1;
            let _ = writeln!(
                s.cases,
                "<testcase classname=\"{}\" name=\"{} not sent\"><skipped message=\"probe sends only OPTIONS, GET and HEAD to a deployed API\"/></testcase>",
                esc(&class_name(&s.name)),
                esc(&methods.join(", "))
            );
        }
    }
    if let Some(why) = &r.no_route_skipped {
        let mut s = Suite::new("no such route".into());
        s.tests = 1;
        s.skipped = 1;
        let _ = writeln!(
            s.cases,
            "<testcase classname=\"probe.no-such-route\" name=\"no such route\"><skipped message=\"{}\"/></testcase>",
            esc(why)
        );
        suites.push(s);
    }
    let sum = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        esc(&format!("corsform probe {}", r.url)),
        sum(|s| s.tests),
        sum(|s| s.failures),
        sum(|s| s.errors),
        sum(|s| s.skipped)
    );
    for s in &suites {
        let _ = writeln!(
            out,
            "<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n{}</testsuite>",
            esc(&s.name),
            s.tests,
            s.failures,
            s.errors,
            s.skipped,
            s.cases
        );
    }
    let _ = writeln!(
        out,
        "<!-- {} -->\n</testsuites>",
        summary_line(&r.summary()).trim_end().replace("--", "- -")
    );
    out
}

fn class_name(route: &str) -> String {
    format!("probe.{route}")
}

fn case(s: &mut Suite, c: &Check, v: &Verdict, width: usize) {
    s.tests += 1;
    let request = match (c.kind, &c.request_method) {
        (Kind::Preflight, Some(m)) => format!("OPTIONS preflight for {m}"),
        (Kind::NoRoute, _) => format!("{} no such route", c.method.as_str()),
        _ => c.method.as_str().to_string(),
    };
    let cache = c
        .cache
        .as_ref()
        .map(|s| format!(", {}", s.describe()))
        .unwrap_or_default();
    let name = format!(
        "{request} from {} ({}{cache})",
        c.origin.value,
        c.origin.role.describe()
    );
    let _ = write!(
        s.cases,
        "<testcase classname=\"{}\" name=\"{}\"",
        esc(&class_name(&s.name)),
        esc(&name)
    );
    let body = check_lines(c, v, width);
    if let Some(why) = &v.unreachable {
        s.errors += 1;
        let _ = writeln!(
            s.cases,
            "><error message=\"{}\">{}</error></testcase>",
            esc(&format!("no answer: {why}")),
            esc(&body)
        );
    } else if !v.ok() {
        s.failures += 1;
        let _ = writeln!(
            s.cases,
            "><failure message=\"{}\">{}</failure></testcase>",
            esc(&failure_message(c, v)),
            esc(&body)
        );
    } else {
        s.cases.push_str("/>\n");
    }
}

/// One line on why the check failed: its first finding.
fn failure_message(c: &Check, v: &Verdict) -> String {
    if let Some(loc) = &v.redirect {
        return format!("redirected ({}) to {loc}", v.status);
    }
    if let Some(p) = &v.response_problem {
        return format!("response: {p}");
    }
    if v.status_differs {
        return format!("status {}: a browser needs a 2xx preflight", v.status);
    }
    if let Some(d) = v.differences.first() {
        return format!("{}: {}", d.header, d.reason);
    }
    if let Some(m) = &v.misconfiguration {
        return format!("misconfiguration: {}", m.message(&c.origin.value));
    }
    "differs from the policy".into()
}
