//! `probe`'s output: every check with its verdict, grouped by route, in the
//! human form (one `ok`/`DIFF` line per check, the differences under it, a
//! summary line; the shared-cache check's requests grouped apart, each
//! naming the origin sent just before it) and as JSON (the same facts, for
//! CI; a check's `cache` says its place in the cache check). Rendering only: the
//! verdicts come from [`super::judge`].

use super::Verdict;
use super::attribution::AnsweredBy;
use super::plan::{Check, Kind, Plan};
use crate::model::{ApiType, Policy};
use serde::Serialize;
use serde_json::json;

pub struct Report {
    /// The base URL as given.
    pub url: String,
    /// The policy file, the API's name and type; `None` without `--policy`.
    pub policy: Option<(String, String, ApiType)>,
    pub results: Vec<(Check, Verdict)>,
    pub not_sent: Vec<(String, Vec<String>)>,
    pub no_route_skipped: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub checks: usize,
    pub ok: usize,
    pub differ: usize,
    pub header_differences: usize,
    pub status_differences: usize,
    pub redirects: usize,
    /// Responses no browser reads (oversized or unparsable headers).
    pub response_problems: usize,
    pub misconfigurations: usize,
    /// The misconfigurations seen, each named once, in order of appearance.
    pub misconfiguration_names: Vec<&'static str>,
    /// Checks without an answer: the API stopped answering (issue 28). Not
    /// counted in `ok` nor in `differ`.
    pub unreachable: usize,
}

/// `base` (a stage URL, with or without a trailing slash) joined with a route path.
pub fn join_url(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

impl Report {
    /// `policy`: the file name and the policy, when one was given.
    pub fn new(
        url: &str,
        policy: Option<(&str, &Policy)>,
        plan: Plan,
        verdicts: Vec<Verdict>,
    ) -> Report {
        Report {
            url: url.to_string(),
            policy: policy.map(|(f, p)| (f.to_string(), p.api.name.clone(), p.api.api_type)),
            results: plan.checks.into_iter().zip(verdicts).collect(),
            not_sent: plan.not_sent,
            no_route_skipped: plan.no_route_skipped,
        }
    }

    pub fn summary(&self) -> Summary {
        let verdicts = || self.results.iter().map(|(_, v)| v);
        let mut names: Vec<&'static str> = Vec::new();
        for m in verdicts().filter_map(|v| v.misconfiguration.as_ref()) {
            if !names.contains(&m.name) {
                names.push(m.name);
            }
        }
        Summary {
            checks: self.results.len(),
            ok: verdicts().filter(|v| v.ok()).count(),
            differ: verdicts()
                .filter(|v| !v.ok() && v.unreachable.is_none())
                .count(),
            header_differences: verdicts().map(|v| v.differences.len()).sum(),
            status_differences: verdicts().filter(|v| v.status_differs).count(),
            redirects: verdicts().filter(|v| v.redirect.is_some()).count(),
            response_problems: verdicts().filter(|v| v.response_problem.is_some()).count(),
            misconfigurations: verdicts().filter(|v| v.misconfiguration.is_some()).count(),
            misconfiguration_names: names,
            unreachable: verdicts().filter(|v| v.unreachable.is_some()).count(),
        }
    }

    /// The trusted `--origin`s of a probe without a policy.
    fn trusted(&self) -> Option<String> {
        let t: Vec<&str> = self
            .results
            .iter()
            .filter(|(c, _)| c.allowed)
            .map(|(c, _)| c.origin.value.as_str())
            .fold(Vec::new(), |mut acc, o| {
                if !acc.contains(&o) {
                    acc.push(o);
                }
                acc
            });
        (!t.is_empty()).then(|| t.join(", "))
    }

    pub fn all_ok(&self) -> bool {
        self.results.iter().all(|(_, v)| v.ok())
    }

    pub fn human(&self) -> String {
        let mut out = String::new();
        match &self.policy {
            Some((file, name, api_type)) => {
                let api = match api_type {
                    ApiType::Rest => "REST API",
                    ApiType::Http => "HTTP API",
                };
                out.push_str(&format!(
                    "probe {} against {file} ({name}, {api})\n",
                    self.url
                ));
            }
            None => out.push_str(&format!(
                "probe {} without a policy: misconfiguration checks only (trusted: {})\n",
                self.url,
                self.trusted().unwrap_or_else(|| "no --origin".into())
            )),
        }
        let width = self
            .results
            .iter()
            .map(|(c, _)| c.origin.value.len())
            .max()
            .unwrap_or(0);
        // A group: the route (None: no such route), the path sent, and
        // whether it is a cache check (no "not sent" line after those).
        let mut group: Option<(Option<&str>, &str, bool)> = None;
        for (c, v) in &self.results {
            let key = (c.route.as_deref(), c.path.as_str(), c.cache.is_some());
            if group != Some(key) {
                if let Some((Some(route), _, false)) = group {
                    self.not_sent_line(route, &mut out);
                }
                group = Some(key);
                out.push('\n');
                out.push_str(&group_heading(c, &self.results));
            }
            out.push_str(&check_lines(c, v, width));
        }
        if let Some((Some(route), _, false)) = group {
            self.not_sent_line(route, &mut out);
        }
        if let Some(why) = &self.no_route_skipped {
            out.push_str(&format!("\nno such route: not requested ({why})\n"));
        }
        out.push('\n');
        out.push_str(&summary_line(&self.summary()));
        out
    }

    /// `probe -q`: only the checks that differ, each under its route's
    /// heading; no title, no `ok` lines, no summary. Empty when all agree.
    pub fn findings(&self) -> String {
        let width = self
            .results
            .iter()
            .map(|(c, _)| c.origin.value.len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        let mut group: Option<(Option<&str>, &str)> = None;
        for (c, v) in self.results.iter().filter(|(_, v)| !v.ok()) {
            let key = (c.route.as_deref(), c.path.as_str());
            if group != Some(key) {
                if group.is_some() {
                    out.push('\n');
                }
                group = Some(key);
                out.push_str(&group_heading(c, &self.results));
            }
            out.push_str(&check_lines(c, v, width));
        }
        out
    }

    fn not_sent_line(&self, route: &str, out: &mut String) {
        if let Some((_, methods)) = self.not_sent.iter().find(|(r, _)| r == route) {
            out.push_str(&format!(
                "  not sent as actual requests: {} (probe sends only OPTIONS, GET and HEAD to a deployed API)\n",
                methods.join(", ")
            ));
        }
    }

    pub fn json(&self) -> serde_json::Value {
        let checks: Vec<serde_json::Value> = self
            .results
            .iter()
            .map(|(c, v)| {
                json!({
                    "route": c.route,
                    "kind": c.kind,
                    "method": c.method,
                    "url": join_url(&self.url, &c.path),
                    "path": c.path,
                    "origin": c.origin,
                    "request_method": c.request_method,
                    "request_headers": c.request_headers,
                    "cache": c.cache,
                    "ok": v.ok(),
                    "status": v.status,
                    "want_status": v.want_status,
                    "redirect": v.redirect,
                    "differences": v.differences,
                    "status_differs": v.status_differs,
                    "response_problem": v.response_problem,
                    "answered_by": v.answered_by,
                    "answered_by_text": v.answered_by.describe(),
                    "allowed": c.allowed,
                    "browser": super::html::deployment_verdict(v),
                    "credentials": c.credentials,
                    "misconfiguration": v.misconfiguration.as_ref().map(|m| json!({
                        "attack": m.attack,
                        "name": m.name,
                        "with_credentials": m.with_credentials,
                        "message": m.message(&c.origin.value),
                        "cached_from": m.cached_from,
                    })),
                    "compared_with": v.compared_with,
                    "authorizer_refused": v.authorizer_refused,
                    "unreachable": v.unreachable,
                })
            })
            .collect();
        json!({
            "url": self.url,
            "policy": self.policy.as_ref().map(|(f, _, _)| f),
            "api": self.policy.as_ref().map(|(_, name, api_type)| json!({ "name": name, "type": api_type })),
            "checks": checks,
            "not_sent": self.not_sent.iter().map(|(r, m)| json!({ "route": r, "methods": m })).collect::<Vec<_>>(),
            "no_route_skipped": self.no_route_skipped,
            "summary": self.summary(),
        })
    }
}

pub(crate) fn group_heading(first: &Check, all: &[(Check, Verdict)]) -> String {
    let Some(route) = &first.route else {
        return format!(
            "no such route  (sent as {}: API Gateway's own error response)\n",
            first.path
        );
    };
    if first.cache.is_some() {
        let origins: Vec<&str> = all
            .iter()
            .filter(|(c, _)| c.route == first.route && c.path == first.path)
            .map(|(c, _)| c.origin.value.as_str())
            .take(2)
            .collect();
        let pair = first.cache.as_ref().map_or(0, |s| s.pair);
        return format!(
            "{route}  (cache check {pair}: {}, one right after the other, sent as {})\n",
            origins.join(" then "),
            first.path
        );
    }
    let asks = all
        .iter()
        .find(|(c, _)| c.route == first.route && c.kind == Kind::Preflight)
        .map(|(c, _)| {
            let method = c.request_method.as_deref().unwrap_or("");
            if c.request_headers.is_empty() {
                format!("; preflights ask for {method}")
            } else {
                format!(
                    "; preflights ask for {method} with {}",
                    c.request_headers.join(", ")
                )
            }
        })
        .unwrap_or_default();
    format!("{route}  (sent as {}{asks})\n", first.path)
}

fn show(v: &Option<String>) -> String {
    match v {
        Some(v) => format!("{v:?}"),
        None => "(none)".into(),
    }
}

pub(crate) fn check_lines(c: &Check, v: &Verdict, width: usize) -> String {
    if let Some(why) = &v.unreachable {
        return format!(
            "  UNREACHABLE  {:<7} {:<width$}  {}\n          no answer: {why}; not judged\n",
            c.method.as_str(),
            c.origin.value,
            c.origin.role.describe(),
        );
    }
    let mark = if v.ok() { "ok" } else { "DIFF" };
    let refused = if v.authorizer_refused {
        "  (refused by the authorizer: its error response compared)"
    } else {
        ""
    };
    let cache = c
        .cache
        .as_ref()
        .map(|s| format!(", {}", s.describe()))
        .unwrap_or_default();
    let mut out = format!(
        "  {mark:<4}  {:<7} {}  {:<width$}  {}{cache}{refused}\n",
        c.method.as_str(),
        v.status,
        c.origin.value,
        c.origin.role.describe(),
    );
    if v.ok() {
        return out;
    }
    let detail = |s: String, out: &mut String| out.push_str(&format!("          {s}\n"));
    if let Some(loc) = &v.redirect {
        detail(
            format!(
                "redirected ({}) to {loc}: not followed (a browser fails a redirected preflight); probe the final URL",
                v.status
            ),
            &mut out,
        );
    }
    if let Some(p) = &v.response_problem {
        detail(format!("response: {p}"), &mut out);
    }
    if v.status_differs {
        let want = v
            .want_status
            .map(|w| format!(" (the policy's deployment answers {w})"))
            .unwrap_or_default();
        detail(
            format!(
                "status: got {}: blocked: a browser needs a 2xx preflight, and the policy allows this origin here{want}",
                v.status
            ),
            &mut out,
        );
    }
    for d in &v.differences {
        detail(
            format!(
                "{}: got {}, want {}: {}",
                d.header,
                show(&d.got),
                show(&d.want),
                d.reason
            ),
            &mut out,
        );
    }
    if let Some(m) = &v.misconfiguration {
        detail(
            format!("misconfiguration: {}", m.message(&c.origin.value)),
            &mut out,
        );
    }
    detail(
        format!("answered by: {}", v.answered_by.describe()),
        &mut out,
    );
    if matches!(v.answered_by, AnsweredBy::GatewayError { .. })
        && c.kind == Kind::Actual
        && !v.compared_with.starts_with("API Gateway")
        && c.want.is_some()
    {
        detail(
            format!(
                "note: API Gateway answered itself where the policy has the integration answer: is {} deployed on {}, and the deployment current?",
                c.method.as_str(),
                c.route.as_deref().unwrap_or(&c.path)
            ),
            &mut out,
        );
    }
    detail(format!("expected from: {}", v.compared_with), &mut out);
    out
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

pub fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "summary: {} checks, {} ok, {} DIFF",
        s.checks, s.ok, s.differ
    );

    let mut parts = Vec::new();
    for (n, what) in [
        (s.header_differences, "header difference"),
        (s.status_differences, "status difference"),
        (s.redirects, "redirect"),
        (s.response_problems, "unreadable response"),
    ] {
        if n > 0 {
            parts.push(count(n, what));
        }
    }
    if s.misconfigurations > 0 {
        parts.push(format!(
            "{}: {}",
            count(s.misconfigurations, "misconfiguration"),
            s.misconfiguration_names.join(", ")
        ));
    }
    if !parts.is_empty() {
        line.push_str(&format!(" ({})", parts.join("; ")));
    }
    if s.unreachable > 0 {
        line.push_str(&format!(
            ", {} UNREACHABLE (the API stopped answering)",
            s.unreachable
        ));
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_stage_urls_and_paths() {
        assert_eq!(
            join_url(
                "https://x.execute-api.eu-west-1.amazonaws.com/prod/",
                "/items"
            ),
            "https://x.execute-api.eu-west-1.amazonaws.com/prod/items"
        );
        assert_eq!(
            join_url("http://127.0.0.1:8787", "/"),
            "http://127.0.0.1:8787/"
        );
    }

    #[test]
    fn the_summary_counts_each_kind_of_finding() {
        let s = Summary {
            checks: 5,
            ok: 3,
            differ: 2,
            header_differences: 2,
            status_differences: 0,
            redirects: 0,
            response_problems: 0,
            misconfigurations: 1,
            misconfiguration_names: vec!["reflected arbitrary origin"],
            unreachable: 0,
        };
        assert_eq!(
            summary_line(&s),
            "summary: 5 checks, 3 ok, 2 DIFF (2 header differences; 1 misconfiguration: reflected arbitrary origin)\n"
        );
        let lost = Summary {
            checks: 5,
            ok: 1,
            differ: 1,
            header_differences: 1,
            unreachable: 3,
            misconfigurations: 0,
            misconfiguration_names: vec![],
            ..s
        };
        assert_eq!(
            summary_line(&lost),
            "summary: 5 checks, 1 ok, 1 DIFF (1 header difference), 3 UNREACHABLE (the API stopped answering)\n"
        );
    }
}
