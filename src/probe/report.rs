//! `probe`'s output: every check with its verdict, grouped by route, in the
//! human form (one `ok`/`DIFF` line per check, the differences under it, a
//! summary line) and as JSON (the same facts, for CI). Rendering only: the
//! verdicts come from [`super::judge`].

use super::Verdict;
use super::plan::{Check, Kind, Plan};
use crate::model::{ApiType, Policy};
use serde::Serialize;
use serde_json::json;

pub struct Report {
    /// The base URL as given.
    pub url: String,
    pub policy_file: String,
    pub api_name: String,
    pub api_type: ApiType,
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
    pub misconfigurations: usize,
    /// The misconfigurations seen, each named once, in order of appearance.
    pub misconfiguration_names: Vec<&'static str>,
}

/// `base` (a stage URL, with or without a trailing slash) joined with a route path.
pub fn join_url(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

impl Report {
    pub fn new(
        url: &str,
        policy_file: &str,
        policy: &Policy,
        plan: Plan,
        verdicts: Vec<Verdict>,
    ) -> Report {
        Report {
            url: url.to_string(),
            policy_file: policy_file.to_string(),
            api_name: policy.api.name.clone(),
            api_type: policy.api.api_type,
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
            differ: verdicts().filter(|v| !v.ok()).count(),
            header_differences: verdicts().map(|v| v.differences.len()).sum(),
            status_differences: verdicts()
                .filter(|v| v.want_status.is_some_and(|w| w != v.status) && v.redirect.is_none())
                .count(),
            redirects: verdicts().filter(|v| v.redirect.is_some()).count(),
            misconfigurations: verdicts().filter(|v| v.misconfiguration.is_some()).count(),
            misconfiguration_names: names,
        }
    }

    pub fn all_ok(&self) -> bool {
        self.results.iter().all(|(_, v)| v.ok())
    }

    pub fn human(&self) -> String {
        let mut out = String::new();
        let api = match self.api_type {
            ApiType::Rest => "REST API",
            ApiType::Http => "HTTP API",
        };
        out.push_str(&format!(
            "probe {} against {} ({}, {api})\n",
            self.url, self.policy_file, self.api_name
        ));
        let width = self
            .results
            .iter()
            .map(|(c, _)| c.origin.value.len())
            .max()
            .unwrap_or(0);
        let mut group: Option<(Option<&str>, &str)> = None;
        for (c, v) in &self.results {
            let key = (c.route.as_deref(), c.path.as_str());
            if group != Some(key) {
                if let Some((Some(route), _)) = group {
                    self.not_sent_line(route, &mut out);
                }
                group = Some(key);
                out.push('\n');
                out.push_str(&group_heading(c, &self.results));
            }
            out.push_str(&check_lines(c, v, width));
        }
        if let Some((Some(route), _)) = group {
            self.not_sent_line(route, &mut out);
        }
        if let Some(why) = &self.no_route_skipped {
            out.push_str(&format!("\nno such route: not requested ({why})\n"));
        }
        out.push('\n');
        out.push_str(&summary_line(&self.summary()));
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
                    "ok": v.ok(),
                    "status": v.status,
                    "want_status": v.want_status,
                    "redirect": v.redirect,
                    "differences": v.differences,
                    "misconfiguration": v.misconfiguration.as_ref().map(|m| json!({
                        "attack": m.attack,
                        "name": m.name,
                        "with_credentials": m.with_credentials,
                        "message": m.message(&c.origin.value),
                    })),
                    "compared_with": v.compared_with,
                    "authorizer_refused": v.authorizer_refused,
                })
            })
            .collect();
        json!({
            "url": self.url,
            "policy": self.policy_file,
            "api": { "name": self.api_name, "type": self.api_type },
            "checks": checks,
            "not_sent": self.not_sent.iter().map(|(r, m)| json!({ "route": r, "methods": m })).collect::<Vec<_>>(),
            "no_route_skipped": self.no_route_skipped,
            "summary": self.summary(),
        })
    }
}

fn group_heading(first: &Check, all: &[(Check, Verdict)]) -> String {
    let Some(route) = &first.route else {
        return format!(
            "no such route  (sent as {}: API Gateway's own error response)\n",
            first.path
        );
    };
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

fn check_lines(c: &Check, v: &Verdict, width: usize) -> String {
    let mark = if v.ok() { "ok" } else { "DIFF" };
    let refused = if v.authorizer_refused {
        "  (refused by the authorizer: its error response compared)"
    } else {
        ""
    };
    let mut out = format!(
        "  {mark:<4}  {:<7} {}  {:<width$}  {}{refused}\n",
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
    if let Some(w) = v
        .want_status
        .filter(|w| *w != v.status && v.redirect.is_none())
    {
        detail(format!("status: got {}, want {w}", v.status), &mut out);
    }
    for d in &v.differences {
        detail(
            format!("{}: got {}, want {}", d.header, show(&d.got), show(&d.want)),
            &mut out,
        );
    }
    if let Some(m) = &v.misconfiguration {
        detail(
            format!("misconfiguration: {}", m.message(&c.origin.value)),
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
            misconfigurations: 1,
            misconfiguration_names: vec!["reflected arbitrary origin"],
        };
        assert_eq!(
            summary_line(&s),
            "summary: 5 checks, 3 ok, 2 DIFF (2 header differences; 1 misconfiguration: reflected arbitrary origin)\n"
        );
    }
}
