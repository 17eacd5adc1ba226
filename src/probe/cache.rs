//! The shared-cache check: is one origin's answer served to another? A cache
//! in front of the API (CloudFront, a CDN, a reverse proxy) that keys a
//! response without the request's `Origin` hands the first origin's
//! `Access-Control-Allow-Origin` to the next page that asks, which the
//! browser then blocks (the app at `qa.` gets `app.`'s answer). CloudFront
//! ignores `Vary` ("Caching content based on request headers" in the
//! CloudFront developer guide: only the headers of the cache policy are in
//! the key), so `Vary: Origin`, which every other check asks for, does not
//! prevent it there.
//!
//! For every route probed, the same requests (the preflight, and the actual
//! GET or HEAD where the route serves one) go out from two origins, one
//! right after the other, on one worker, after every other check:
//! - the first two origins the route allows; where it allows only one (an
//!   exact origin, a `--origin`), that one and a refused lookalike of it;
//! - pair 1 sends origin A then B on one fresh cache key, pair 2 sends B then
//!   A on another.
//!
//! The finding, [`CACHED_FOR_ANOTHER_ORIGIN`]: the second response of a
//! pair carries the same Access-Control-Allow-Origin (value or absence) as
//! the first, and that is not what its origin gets when it asks first (in
//! the other pair). Only an answer that depends on who asked before can be
//! blamed on a cache; a server that sends every origin the same static
//! origin, or a cache keyed on Origin, answers both orders alike.
//!
//! One more sign is taken where the orders cannot differ (both pairs got the
//! same answer: one entry for both, see below): a response that says a cache
//! served it (`X-Cache: Hit from cloudfront`, an `Age` header) carrying the
//! Allow-Origin of the origin before, when the policy's deployment sends this
//! origin another. That needs a policy, and a deployment that itself sends
//! every origin one static value differs from its policy anyway (the route's
//! other checks say so); behind a cache, this check then blames the cache too.
//!
//! Why two orders on fresh keys, and not one order on the route's own path:
//! the other checks have already filled the cache entry of the route's sample
//! path (from whichever origin went first), so every later answer there is
//! that origin's, in any order, and a warm entry cannot be told from a
//! static server. The fresh key is made where it cannot change the route:
//! - a route with a path parameter (`{id}`, `{proxy+}`) gets another sample
//!   value in it (`corsform-probe-cache-1`, `-2`): the path is always part of
//!   a cache key (CloudFront's included);
//! - a route without one gets a query string (`?corsform-probe-cache=1`,
//!   `=2`): API Gateway routes on the path only, so the same route and
//!   integration answer. A cache whose key leaves the query string out
//!   (CloudFront's CachingOptimized) then shares one entry between both
//!   pairs and the route's other checks, and the orders cannot show the
//!   cache: only a cache header can (above); without one, the other checks'
//!   differences (an allowed origin blocked) still show something is wrong.
//!
//! The keys are the same on every run, on purpose: a rerun within the cache's
//! TTL finds pair 1's key filled by A and pair 2's by B, as the first run left
//! them, so the orders still differ where the cache ignores Origin.
//!
//! These requests report only this finding: what else they show (a header
//! differing from the policy) is the route's other checks' to report.
//! Pure, like [`super::compare`]: the CLI sends the checks and hands back the
//! verdicts.

use super::Verdict;
use super::compare::{ALLOW_ORIGIN, combined};
use super::misconfig::Misconfiguration;
use super::origins::ProbeOrigin;
use super::plan::{Check, Kind, SafeMethod};
use crate::model::Segment;
use serde::Serialize;

/// The finding's name, among the misconfigurations.
pub const CACHED_FOR_ANOTHER_ORIGIN: &str = "cached Allow-Origin served to another origin";

/// The query parameter (routes without a path parameter) and the path
/// sample's prefix (routes with one) that give each pair its own cache key.
pub const CACHE_KEY_LABEL: &str = "corsform-probe-cache";

/// A check's place in the cache check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheStep {
    /// 1: the route's first origin goes first; 2: the other one does.
    pub pair: u8,
    /// The origin sent just before on the same cache key; `None` for the
    /// first request of the pair.
    pub after: Option<String>,
}

impl CacheStep {
    /// In a few words, for the human report's role column.
    pub fn describe(&self) -> String {
        match &self.after {
            None => format!("cache check {}: first", self.pair),
            Some(o) => format!("cache check {}: right after {o}", self.pair),
        }
    }
}

/// What [`CACHED_FOR_ANOTHER_ORIGIN`] saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CachedFrom {
    /// The origin that asked first on this cache key.
    pub origin: String,
    /// The Access-Control-Allow-Origin this request got (the first origin's).
    pub got: Option<String>,
    /// The Access-Control-Allow-Origin this origin should get: what it got
    /// asking first (the other pair), or, with [`Evidence::CacheHeader`],
    /// what the policy's deployment sends it.
    pub own: Option<String>,
    pub evidence: Evidence,
}

/// How the answer was shown to come from a cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// The answer depends on which origin asked first on the key.
    Order,
    /// Both orders got the same answer (one cache entry for both pairs: a
    /// key without the query string), but the response says a cache served
    /// it (`X-Cache: Hit ...`, `Age`), and the policy's deployment sends this
    /// origin another Allow-Origin.
    CacheHeader(String),
}

impl CachedFrom {
    pub fn message(&self, origin: &str) -> String {
        let show = |v: &Option<String>| match v {
            Some(v) => format!("Access-Control-Allow-Origin {v:?}"),
            None => "no Access-Control-Allow-Origin".into(),
        };
        let shown = match &self.evidence {
            Evidence::Order => format!("asking first, it gets {}", show(&self.own)),
            Evidence::CacheHeader(h) => format!(
                "a cache served it ({h}), and the policy's deployment sends {origin} {}",
                show(&self.own)
            ),
        };
        format!(
            "{CACHED_FOR_ANOTHER_ORIGIN}: sent right after {first}, {origin} got {got} \
             (the answer {first} got); {shown}. Likely cause: a cache in front of \
             the API (CloudFront, a CDN, a proxy) keys this response without Origin. Fix: key the cache on Origin, and for preflights on \
             Access-Control-Request-Method and Access-Control-Request-Headers too (on CloudFront, \
             the cache policy's headers; CloudFront ignores Vary)",
            first = self.origin,
            got = show(&self.got),
        )
    }
}

/// Whether `resp` says a cache served it: `X-Cache` naming a hit
/// (CloudFront's `Hit from cloudfront`, `RefreshHit from cloudfront`), or an
/// `Age` header (RFC 9111: the response came from a cache), in words.
pub fn hit(resp: &crate::browser::Response) -> Option<String> {
    if let Some(x) = combined(resp, "x-cache")
        && x.to_ascii_lowercase().contains("hit")
    {
        return Some(format!("X-Cache: {x}"));
    }
    combined(resp, "age").map(|a| format!("Age: {a}"))
}

/// The path of pair `pair`'s cache key for a route of `segments` (see the
/// module doc): each parameter filled with `corsform-probe-cache-N`, or the
/// sample path with `?corsform-probe-cache=N` when there is none.
pub fn key_path(segments: &[Segment], pair: u8) -> String {
    let has_param = segments
        .iter()
        .any(|s| matches!(s, Segment::Param(_) | Segment::Greedy(_)));
    if !has_param {
        return format!(
            "{}?{CACHE_KEY_LABEL}={pair}",
            super::plan::sample_path(segments)
        );
    }
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => format!("/{l}"),
            Segment::Param(_) | Segment::Greedy(_) => format!("/{CACHE_KEY_LABEL}-{pair}"),
        })
        .collect()
}

/// The two origins of a route's cache check, from its checks: the first two
/// it allows, or the one it allows and a refused lookalike (not `null`, and
/// derived from an allowed origin when there is one, else the arbitrary
/// origin). `None` when the route allows no origin probe sends.
fn origins(route_checks: &[Check]) -> Option<(ProbeOrigin, ProbeOrigin)> {
    let mut allowed: Vec<&ProbeOrigin> = Vec::new();
    for c in route_checks
        .iter()
        .filter(|c| c.allowed && c.attack.is_none())
    {
        if !allowed.iter().any(|o| o.value == c.origin.value) {
            allowed.push(&c.origin);
        }
    }
    let first = (*allowed.first()?).clone();
    if let Some(second) = allowed.get(1) {
        return Some((first, (*second).clone()));
    }
    let refused = |c: &&Check| !c.allowed && c.origin.value != "null";
    let lookalike = route_checks
        .iter()
        .filter(refused)
        .find(|c| {
            c.origin
                .value
                .contains(first.value.trim_start_matches("https://"))
        })
        .or_else(|| route_checks.iter().find(refused))?;
    Some((first, lookalike.origin.clone()))
}

/// The cache checks of one route: `route_checks` are its other checks (the
/// cache checks copy their requests and expectations), `segments` its path.
/// Pair 1 (A then B), then pair 2 (B then A), each the preflight then the
/// actual request.
pub fn checks_for_route(route_checks: &[Check], segments: &[Segment]) -> Vec<Check> {
    let Some((a, b)) = origins(route_checks) else {
        return vec![];
    };
    let actual = route_checks
        .iter()
        .find(|c| c.kind == Kind::Actual)
        .map(|c| c.method);
    let kinds: Vec<(Kind, SafeMethod)> = std::iter::once((Kind::Preflight, SafeMethod::Options))
        .chain(actual.map(|m| (Kind::Actual, m)))
        .collect();
    let like = |kind: Kind, method: SafeMethod, origin: &ProbeOrigin| {
        route_checks
            .iter()
            .find(|c| c.kind == kind && c.method == method && c.origin.value == origin.value)
    };
    let mut out = Vec::new();
    for (pair, order) in [(1u8, [&a, &b]), (2u8, [&b, &a])] {
        let path = key_path(segments, pair);
        for (kind, method) in &kinds {
            for (place, origin) in order.iter().enumerate() {
                let Some(template) = like(*kind, *method, origin) else {
                    continue;
                };
                let mut c = template.clone();
                c.path = path.clone();
                c.cache = Some(CacheStep {
                    pair,
                    after: (place == 1).then(|| order[0].value.clone()),
                });
                out.push(c);
            }
        }
    }
    out
}

/// The index of the cache check of `route`, `kind`, `method`, `pair`, first
/// (`second == false`) or second on its key.
fn find(
    checks: &[Check],
    key: (&Option<String>, Kind, SafeMethod),
    pair: u8,
    second: bool,
) -> Option<usize> {
    checks.iter().position(|c| {
        c.route == *key.0
            && c.kind == key.1
            && c.method == key.2
            && c.cache
                .as_ref()
                .is_some_and(|s| s.pair == pair && s.after.is_some() == second)
    })
}

/// Judge the cache checks of `checks` (their verdicts in `verdicts`, same
/// order): each keeps only whether it got the answer meant for the origin
/// sent before it ([`CACHED_FOR_ANOTHER_ORIGIN`]). Other checks are untouched.
pub fn judge(checks: &[Check], verdicts: &mut [Verdict]) {
    for (c, v) in checks.iter().zip(verdicts.iter_mut()) {
        if c.cache.is_some() {
            v.differences.clear();
            v.status_differs = false;
            v.redirect = None;
            v.response_problem = None;
            v.misconfiguration = None;
        }
    }
    for (i, c) in checks.iter().enumerate() {
        let Some(step) = &c.cache else { continue };
        let Some(first_origin) = &step.after else {
            continue;
        };
        let key = (&c.route, c.kind, c.method);
        let other = if step.pair == 1 { 2 } else { 1 };
        let (Some(first), Some(alone)) = (
            find(checks, key, step.pair, false),
            find(checks, key, other, false),
        ) else {
            continue;
        };
        let answered = |j: usize| verdicts[j].unreachable.is_none() && verdicts[j].status != 0;
        if !(answered(i) && answered(first) && answered(alone)) {
            continue;
        }
        let got = verdicts[i].allow_origin.clone();
        if got != verdicts[first].allow_origin {
            continue;
        }
        let alone = verdicts[alone].allow_origin.clone();
        let wanted = c.want.as_ref().map(|w| combined(w, ALLOW_ORIGIN));
        let (own, evidence) = if got != alone {
            (alone, Evidence::Order)
        } else if let (Some(hit), Some(wanted)) = (&verdicts[i].cache_hit, wanted)
            && wanted != got
        {
            (wanted, Evidence::CacheHeader(hit.clone()))
        } else {
            continue;
        };
        verdicts[i].misconfiguration = Some(Misconfiguration {
            attack: None,
            name: CACHED_FOR_ANOTHER_ORIGIN,
            with_credentials: false,
            cached_from: Some(CachedFrom {
                origin: first_origin.clone(),
                got,
                own,
                evidence,
            }),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApiPath;

    fn segments(path: &str) -> Vec<Segment> {
        ApiPath::parse(path).unwrap().segments
    }

    #[test]
    fn each_pair_gets_its_own_key_without_changing_the_route() {
        assert_eq!(
            key_path(&segments("/items/{id}/files/{proxy+}"), 1),
            "/items/corsform-probe-cache-1/files/corsform-probe-cache-1"
        );
        assert_eq!(
            key_path(&segments("/status"), 2),
            "/status?corsform-probe-cache=2"
        );
        assert_eq!(key_path(&[], 1), "/?corsform-probe-cache=1");
    }

    fn policy(text: &str) -> crate::model::Policy {
        let file = crate::diagnostic::SourceFile::new("t.toml", text.to_string());
        crate::check(&file).0.unwrap()
    }

    const TWO: &str = "version = 1\n[api]\nname = \"t\"\ntype = \"http\"\n[cors]\nallow_origins = [\"https://a.example.com\", \"https://b.example.com\"]\n[[routes]]\npath = \"/items\"\nmethods = [\"GET\", \"PUT\"]\n";

    fn cache_checks(text: &str) -> Vec<Check> {
        super::super::plan::plan(&policy(text), &[])
            .checks
            .into_iter()
            .filter(|c| c.cache.is_some())
            .collect()
    }

    #[test]
    fn two_allowed_origins_are_sent_in_both_orders_on_two_keys() {
        let cs = cache_checks(TWO);
        let seen: Vec<(u8, &str, &str, Option<&str>, &str)> = cs
            .iter()
            .map(|c| {
                let s = c.cache.as_ref().unwrap();
                (
                    s.pair,
                    c.method.as_str(),
                    c.origin.value.as_str(),
                    s.after.as_deref(),
                    c.path.as_str(),
                )
            })
            .collect();
        let (a, b) = ("https://a.example.com", "https://b.example.com");
        let (k1, k2) = (
            "/items?corsform-probe-cache=1",
            "/items?corsform-probe-cache=2",
        );
        assert_eq!(
            seen,
            vec![
                (1, "OPTIONS", a, None, k1),
                (1, "OPTIONS", b, Some(a), k1),
                (1, "GET", a, None, k1),
                (1, "GET", b, Some(a), k1),
                (2, "OPTIONS", b, None, k2),
                (2, "OPTIONS", a, Some(b), k2),
                (2, "GET", b, None, k2),
                (2, "GET", a, Some(b), k2),
            ]
        );
        assert_eq!(
            cs[0].request_method.as_deref(),
            Some("PUT"),
            "the route's own preflight"
        );
    }

    #[test]
    fn one_allowed_origin_is_paired_with_a_refused_lookalike_of_it() {
        let one = TWO.replace(", \"https://b.example.com\"", "");
        let cs = cache_checks(&one);
        let second = &cs[1];
        assert_eq!(
            second.cache.as_ref().unwrap().after.as_deref(),
            Some("https://a.example.com")
        );
        assert!(!second.allowed);
        assert!(
            second.origin.value.contains("a.example.com"),
            "{}",
            second.origin.value
        );
    }

    fn verdict(status: u16, allow_origin: Option<&str>) -> Verdict {
        let mut v = crate::probe::unanswered(&cache_checks(TWO)[0], String::new());
        v.unreachable = None;
        v.status = status;
        v.allow_origin = allow_origin.map(String::from);
        v
    }

    /// The verdicts of TWO's cache checks when A gets `a` and B gets `b`
    /// asking first, and the second of each pair gets `second(first's, own)`.
    fn run(a: Option<&str>, b: Option<&str>, keyed: bool) -> Vec<Verdict> {
        let cs = cache_checks(TWO);
        let mut vs: Vec<Verdict> = Vec::new();
        for c in &cs {
            let own = if c.origin.value.starts_with("https://a") {
                a
            } else {
                b
            };
            let first = if c.origin.value.starts_with("https://a") {
                b
            } else {
                a
            };
            let got = match (&c.cache.as_ref().unwrap().after, keyed) {
                (Some(_), false) => first,
                _ => own,
            };
            vs.push(verdict(200, got));
        }
        judge(&cs, &mut vs);
        vs
    }

    #[test]
    fn an_answer_that_depends_on_who_asked_before_is_the_finding() {
        let (a, b) = (Some("https://a.example.com"), Some("https://b.example.com"));
        let vs = run(a, b, false);
        let found: Vec<&Misconfiguration> = vs
            .iter()
            .filter_map(|v| v.misconfiguration.as_ref())
            .collect();
        assert_eq!(found.len(), 4, "the second of each pair, preflight and GET");
        let m = found[0];
        assert_eq!(m.name, CACHED_FOR_ANOTHER_ORIGIN);
        let from = m.cached_from.as_ref().unwrap();
        assert_eq!(from.evidence, Evidence::Order);
        assert_eq!(from.origin, "https://a.example.com");
        assert_eq!(from.got.as_deref(), a);
        assert_eq!(from.own.as_deref(), b);
        let text = m.message("https://b.example.com");
        assert!(
            text.contains("Access-Control-Request-Headers") && text.contains("Vary"),
            "{text}"
        );
        assert!(
            run(a, b, true).iter().all(|v| v.ok()),
            "a cache keyed on Origin"
        );
        assert!(
            run(a, a, false).iter().all(|v| v.ok()),
            "a static origin for everyone: no cache can be blamed"
        );
        // A refused second origin that gets nothing alone, and the allowed
        // one's answer after it: still order-dependent.
        let vs = run(a, None, false);
        assert!(vs.iter().any(|v| v.misconfiguration.is_some()));
    }

    #[test]
    fn one_entry_for_both_orders_is_blamed_only_on_a_cache_hit_against_the_policy() {
        let a = Some("https://a.example.com");
        // Everyone gets A's answer, in both orders: a static server, or one
        // warm cache entry. The policy sends B its own origin.
        let mut vs = run(a, a, false);
        assert!(vs.iter().all(|v| v.ok()), "no cache header: nothing proven");
        let cs = cache_checks(TWO);
        for v in &mut vs {
            v.cache_hit = Some("X-Cache: Hit from cloudfront".into());
        }
        judge(&cs, &mut vs);
        let found: Vec<(&str, &CachedFrom)> = cs
            .iter()
            .zip(&vs)
            .filter_map(|(c, v)| {
                Some((
                    c.origin.value.as_str(),
                    v.misconfiguration.as_ref()?.cached_from.as_ref()?,
                ))
            })
            .collect();
        assert_eq!(found.len(), 2, "B after A, preflight and GET: {found:?}");
        let (origin, from) = found[0];
        assert_eq!(origin, "https://b.example.com");
        assert_eq!(
            from.own.as_deref(),
            Some("https://b.example.com"),
            "the policy's answer"
        );
        assert_eq!(
            from.evidence,
            Evidence::CacheHeader("X-Cache: Hit from cloudfront".into())
        );
        assert!(
            found[0]
                .1
                .message(origin)
                .contains("a cache served it (X-Cache: Hit from cloudfront)")
        );
    }

    #[test]
    fn unanswered_requests_prove_nothing_and_other_findings_are_left_to_other_checks() {
        let cs = cache_checks(TWO);
        let mut vs: Vec<Verdict> = cs
            .iter()
            .map(|_| verdict(200, Some("https://a.example.com")))
            .collect();
        vs[4].unreachable = Some("reset".into());
        vs[0].differences.push(crate::probe::compare::granted(
            &crate::browser::Response::default(),
        ));
        judge(&cs, &mut vs);
        assert!(
            vs[0].ok(),
            "differences are the route's other checks' to report"
        );
        assert!(vs.iter().all(|v| v.misconfiguration.is_none()));
    }
}
