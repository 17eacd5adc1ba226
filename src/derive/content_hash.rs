//! A short, stable hash of a plan's content. CloudFormation only creates a new
//! API Gateway deployment when the Deployment resource's logical ID changes (the
//! trick CDK and SAM use), so the REST Deployment's logical ID carries this hash
//! of everything that defines the API. FNV-1a 64: no dependency, the same bytes
//! on every platform, and collisions only matter between two versions of one API.
//!
//! The plan's JSON is fed to the hash as serde_json writes it, never held in
//! memory: on a 20,000-route API that JSON is tens of megabytes.

use super::rest_api::{CorsResponse, RestApiPlan};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

pub fn of<T: Serialize>(value: &T) -> String {
    let mut h = Fnv1a(FNV_OFFSET);
    // Writing to Fnv1a cannot fail; a plan that does not serialize is a bug.
    serde_json::to_writer(&mut h, value).expect("plans serialize");
    h.short()
}

/// [`of`] a REST plan, the same bytes hashed, with each distinct CORS
/// response serialised once: every path shares its CORS setting's response
/// (an origin-echo template of 2 KB with 50 origins), and escaping it again
/// per path was most of the hash, 9 % of a 1,000-route build (issue 20).
///
/// The plan's JSON is written in pieces: the plan with no paths, split where
/// its `"paths":[]` is; then each path with its responses swapped for a
/// placeholder, whose JSON (status 0, which no real response has) is replaced
/// by the real response's, in the order serde writes them (the preflight,
/// then each method's mock response). A quote inside a JSON string is always
/// escaped, so neither marker can occur inside a value. Should a piece not
/// match (a bug), the whole plan is hashed as [`of`] does.
pub fn of_rest(plan: &mut RestApiPlan) -> String {
    match in_pieces(plan) {
        Some(hash) => hash,
        None => of(&*plan),
    }
}

/// [`of_rest`]'s way, or `None` when the pieces did not line up.
fn in_pieces(plan: &mut RestApiPlan) -> Option<String> {
    let paths = std::mem::take(&mut plan.paths);
    let whole = serde_json::to_vec(&*plan).expect("plans serialize");
    const PATHS: &[u8] = br#""paths":[]"#;
    match memchr::memmem::find(&whole, PATHS) {
        Some(at) => {
            let mut h = Fnv1a(FNV_OFFSET);
            let open = at + PATHS.len() - 1;
            h.eat(&whole[..open]);
            let mut paths = paths;
            let ok = hash_paths(&mut h, &mut paths);
            h.eat(&whole[open..]);
            plan.paths = paths;
            ok.then(|| h.short())
        }
        None => {
            plan.paths = paths;
            None
        }
    }
}

/// Feeds `[`-less, `]`-less `P1,P2,...` to `h`; false when a path's pieces
/// did not line up (the caller then hashes the whole plan).
fn hash_paths(h: &mut Fnv1a, paths: &mut [super::rest_api::RestPath]) -> bool {
    let placeholder = CorsResponse::placeholder();
    let marker = serde_json::to_vec(&*placeholder).expect("responses serialize");
    // Built once: a search set up per path cost as much as the search.
    let finder = memchr::memmem::Finder::new(&marker);
    let mut json_of: HashMap<*const CorsResponse, (Arc<CorsResponse>, Vec<u8>)> = HashMap::new();
    let mut ok = true;
    for (i, path) in paths.iter_mut().enumerate() {
        if i > 0 {
            h.eat(b",");
        }
        let mut real = vec![std::mem::replace(
            &mut path.preflight,
            Arc::clone(&placeholder),
        )];
        for m in &mut path.methods {
            if let Some(r) = m.mock_response.as_mut() {
                real.push(std::mem::replace(r, Arc::clone(&placeholder)));
            }
        }
        let json = serde_json::to_vec(&*path).expect("paths serialize");
        let mut rest = &json[..];
        let mut used = 0;
        while let Some(at) = finder.find(rest) {
            let Some(r) = real.get(used) else {
                ok = false;
                break;
            };
            h.eat(&rest[..at]);
            let (_, bytes) = json_of.entry(Arc::as_ptr(r)).or_insert_with(|| {
                let bytes = serde_json::to_vec(&**r).expect("responses serialize");
                (Arc::clone(r), bytes)
            });
            h.eat(bytes);
            rest = &rest[at + marker.len()..];
            used += 1;
        }
        h.eat(rest);
        ok &= used == real.len();
        let mut real = real.into_iter();
        if let Some(r) = real.next() {
            path.preflight = r;
        }
        for m in &mut path.methods {
            if let Some(slot) = m.mock_response.as_mut()
                && let Some(r) = real.next()
            {
                *slot = r;
            }
        }
    }
    ok
}

/// FNV-1a 64 over every byte written.
struct Fnv1a(u64);

impl Fnv1a {
    fn eat(&mut self, bytes: &[u8]) {
        self.write_all(bytes).expect("hashing cannot fail");
    }

    /// The first 10 hex digits.
    fn short(&self) -> String {
        format!("{:016x}", self.0)[..10].to_string()
    }
}

impl io::Write for Fnv1a {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut h = self.0;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stable_and_sensitive() {
        assert_eq!(super::of(&["a", "b"]), super::of(&["a", "b"]));
        assert_ne!(super::of(&["a", "b"]), super::of(&["a", "c"]));
        assert_eq!(super::of(&"x").len(), 10);
    }

    /// `of_rest` hashes the very bytes `of` does, on every golden and
    /// example REST policy (whole API or CORS layer, with and without
    /// environments): so no deployment's id changed when it came in.
    #[test]
    fn of_rest_equals_of_on_every_rest_policy() {
        let mut checked = 0;
        for (f, policy) in crate::test_policies::valid() {
            if policy.api.api_type != crate::model::ApiType::Rest {
                continue;
            }
            let mut plan = crate::derive::rest_api::plan(&policy);
            let base_hash = std::mem::take(&mut plan.content_hash);
            assert_eq!(base_hash, super::of(&plan), "{}", f.display());
            // By the pieces, not by the fallback.
            assert_eq!(
                super::in_pieces(&mut plan).as_deref(),
                Some(base_hash.as_str()),
                "{}",
                f.display()
            );
            checked += 1;
            if !policy.environments.is_empty() {
                let mut plan = crate::derive::environments::rest(
                    &policy,
                    crate::derive::rest_api::plan(&policy),
                );
                // Hashed when it still held the single plan's hash.
                let got = std::mem::replace(&mut plan.content_hash, base_hash);
                assert_eq!(got, super::of(&plan), "{} (environments)", f.display());
                assert_eq!(super::in_pieces(&mut plan), Some(got), "{}", f.display());
                checked += 1;
            }
        }
        assert!(checked >= 20, "only {checked} REST plans");
    }

    /// The streamed hash is FNV-1a of the JSON text, so existing deployments'
    /// logical IDs do not change: `["a","b"]` hashed byte by byte here.
    #[test]
    fn equals_the_hash_of_the_json_text() {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in br#"["a","b"]"# {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        assert_eq!(super::of(&["a", "b"]), format!("{h:016x}")[..10]);
    }
}
