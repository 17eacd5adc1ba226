//! `import`: for every golden policy that builds, the policy imported from
//! each generated target (Terraform, SAM, CloudFormation) lints with no
//! finding the original does not have, and `explain` answers a grid of
//! requests (origins x methods x headers x credentials x paths) the same for
//! both: same verdict, and the same stage blocked.

use corsform::browser::Request;
use corsform::diagnostic::{Code, SourceFile};
use corsform::model::{Origin, Policy, Segment};
use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && corsform::audit::language(&e.file_name().to_string_lossy()).is_some()
        })
        .map(|e| {
            SourceFile::new(
                e.path().to_string_lossy(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn origins(p: &Policy) -> Vec<String> {
    let mut v: Vec<String> = p
        .cors
        .allow_origins
        .iter()
        .chain(
            p.routes
                .iter()
                .filter_map(|r| r.cors_override.as_ref())
                .flat_map(|c| &c.allow_origins),
        )
        .filter_map(|o| match o {
            Origin::Exact(s) => Some(s.clone()),
            Origin::Pattern { scheme, suffix, .. } => Some(format!("{scheme}://sample{suffix}")),
            Origin::Any => None,
        })
        .collect();
    v.extend(["https://evil.example.net".to_string(), "null".to_string()]);
    v.dedup();
    v
}

/// The methods route `r`'s preflight allows as the policy says them (empty:
/// the path's own methods, the default).
fn preflight_methods<'a>(p: &'a Policy, r: &'a corsform::model::Route) -> &'a [String] {
    r.cors_override
        .as_ref()
        .map_or(&p.cors.allow_methods, |c| &c.allow_methods)
}

/// The request path the grid sends to route `r`.
fn paths_of(r: &corsform::model::Route) -> String {
    if r.path.segments.is_empty() {
        return "/".to_string();
    }
    r.path
        .segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => format!("/{l}"),
            _ => "/x".to_string(),
        })
        .collect()
}

fn paths(p: &Policy) -> Vec<String> {
    let mut v: Vec<String> = p.routes.iter().map(paths_of).collect();
    v.push("/no-such-path".into());
    v.dedup();
    v
}

/// (allowed, which stages blocked) for one request.
fn verdict(p: &Policy, req: &Request, path: &str) -> (bool, Vec<(String, bool)>) {
    let r = corsform::explain::explain(p, req, path);
    (
        r.allowed,
        r.stages
            .iter()
            .map(|s| (s.name.to_string(), s.blocked.is_some()))
            .collect(),
    )
}

/// One scenario of the differential: a request, its path, and the original
/// policy's verdict (computed once per case, compared with each target's import).
type Scenario = (Request, String, (bool, Vec<(String, bool)>));

fn scenarios(original: &Policy) -> Vec<Scenario> {
    let mut out = Vec::new();
    for origin in origins(original) {
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            for headers in [
                &[][..],
                &["content-type"][..],
                &["authorization"][..],
                &["x-trace-id"][..],
            ] {
                for credentials in [false, true] {
                    for path in paths(original) {
                        let req = Request {
                            origin: origin.clone(),
                            method: method.into(),
                            headers: headers.iter().map(|h| (h.to_string(), None)).collect(),
                            credentials,
                        };
                        let want = verdict(original, &req, &path);
                        out.push((req, path, want));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn import_of_every_generated_golden_answers_like_its_policy() {
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&golden)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    // The cases are independent: one thread per core, each taking every n-th.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (imported, scenarios) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let mine: Vec<&PathBuf> = cases.iter().skip(w).step_by(workers).collect();
                s.spawn(move || {
                    mine.into_iter()
                        .map(|c| one_case(c))
                        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    assert!(imported >= 30, "only {imported} outputs imported");
    eprintln!("import: {imported} generated outputs, {scenarios} explain scenarios compared");
}

/// The differential for one golden case: (outputs imported, scenarios compared).
fn one_case(case: &Path) -> (usize, usize) {
    let Ok(text) = std::fs::read_to_string(case.join("policy.toml")) else {
        return (0, 0);
    };
    let (Some(original), lint) = corsform::check(&SourceFile::new("policy.toml", text)) else {
        return (0, 0);
    };
    let outputs = ["terraform", "sam", "cloudformation", "openapi"]
        .iter()
        .filter(|t| case.join(t).is_dir())
        .map(|t| (t.to_string(), inputs(&case.join(t))))
        .collect();
    let name = case.file_name().unwrap().to_string_lossy();
    differential(&name, &original, &lint, outputs)
}

/// import of each output (target name, its files) against `original`:
/// (outputs imported, scenarios compared).
fn differential(
    case: &str,
    original: &Policy,
    lint: &[corsform::diagnostic::Diagnostic],
    outputs: Vec<(String, Vec<SourceFile>)>,
) -> (usize, usize) {
    let (mut imported, mut compared) = (0, 0);
    // owner = "lambda": the origins live in the function's code, not in the
    // IaC files, so import cannot recover them (it says so in the policy).
    if original.cors.owner == corsform::model::Owner::Lambda {
        return (0, 0);
    }
    // scope = "cors": the files hold only the CORS layer of an API defined
    // elsewhere: each path's preflight, not the team's methods. The import
    // gives each path the methods its preflight allows; the grid compares the
    // requests the original's own routes make (what else the path has is in
    // the team's files, not these).
    let layer = original.api.scope != corsform::model::Scope::Api;
    let lint: Vec<Code> = lint.iter().map(|d| d.code).collect();
    // [environments]: each environment is compared as its own policy, the
    // imported one's environment of the same name against the original's.
    let views: Vec<(String, &Policy)> = if original.environments.is_empty() {
        vec![(String::new(), original)]
    } else {
        original
            .environments
            .iter()
            .map(|e| (e.name.clone(), &e.policy))
            .collect()
    };
    let mut expected: Vec<Option<Vec<Scenario>>> = vec![None; views.len()];
    for (target, files) in &outputs {
        let target = target.as_str();
        // A policy with [api] openapi of its own: its routes come from that
        // document, which check() alone does not read; the other targets
        // carry its verdicts.
        if target == "openapi" && original.api.openapi.is_some() {
            continue;
        }
        // A CloudFormation CORS layer takes the team's API and every
        // resource as parameters: each path is read from its parameter's
        // description ("ID of the resource of /orders"). SAM builds no layer.
        if layer && !matches!(target, "terraform" | "cloudformation") {
            continue;
        }
        let label = format!("{case}/{target}");
        let toml = corsform::import::import(files, None).unwrap_or_else(|e| panic!("{label}: {e}"));
        let imported_file = SourceFile::new("imported.toml", toml.clone());
        // An OpenAPI document imports as `[api] openapi` pointing at it: its
        // routes come from the document, as build and explain read them.
        let (back, diags) = if target == "openapi" {
            assert!(
                toml.contains("\nopenapi = "),
                "{label}: an OpenAPI document imports as [api] openapi\n{toml}"
            );
            let (p, d, _) = corsform::check_with_document(
                &imported_file,
                corsform::policy::load(&imported_file),
                &files[0],
            );
            (p, d)
        } else {
            corsform::check(&imported_file)
        };
        let back = back
            .unwrap_or_else(|| panic!("{label}: imported policy has errors: {diags:?}\n{toml}"));
        let back_views: Vec<&Policy> = views
            .iter()
            .map(|(name, _)| {
                if name.is_empty() {
                    &back
                } else {
                    back.environment(name).unwrap_or_else(|| {
                        panic!("{label}: no environment {name} imported\n{toml}")
                    })
                }
            })
            .collect();
        // An OpenAPI document has no stage, nor has a CORS layer (DESIGN.md:
        // it creates no deployment and no stage).
        if target != "openapi" && !layer {
            for ((name, want), got) in views.iter().zip(&back_views) {
                assert_eq!(
                    got.api.stage, want.api.stage,
                    "{label}: stage {name}\n{toml}"
                );
            }
        }
        assert_eq!(
            back.api.api_type, original.api.api_type,
            "{label}: API type"
        );
        // A document's routes say their integration and authorization in the
        // document's terms; the method and path must match.
        let whole = target != "openapi" && !layer;
        let routes = |p: &Policy| {
            let mut v: Vec<String> = p
                .routes
                .iter()
                .flat_map(|r| {
                    r.methods.iter().map(move |m| {
                        if whole {
                            format!(
                                "{m} {} {:?} {:?}",
                                r.path.text, r.integration, r.authorization
                            )
                        } else {
                            format!("{m} {}", r.path.text)
                        }
                    })
                })
                .collect();
            v.sort();
            v
        };
        // An HTTP API's CORS layer holds the cors_configuration the team's
        // API takes and an OPTIONS route per authorized path: the team's
        // routes, and so any request's verdict, are in the team's files. What
        // the layer's files say must come back whole: the CORS values.
        if layer && original.api.api_type == corsform::model::ApiType::Http {
            for ((name, want), got) in views.iter().zip(&back_views) {
                assert_eq!(got.cors, want.cors, "{label} {name}: [cors]\n{toml}");
            }
            imported += 1;
            continue;
        }
        if layer {
            // The layer holds each path's preflight: the methods it allows
            // come back; a method it refuses was only in the team's files.
            let mut had = original.clone();
            for r in &mut had.routes {
                let allowed = preflight_methods(original, r).to_vec();
                r.methods
                    .retain(|m| allowed.is_empty() || allowed.contains(m));
            }
            let got = routes(&back);
            for r in &routes(&had) {
                assert!(got.contains(r), "{label}: route {r} lost\n{toml}");
            }
        } else {
            assert_eq!(routes(&back), routes(original), "{label}: routes\n{toml}");
        }
        // A Terraform API imports as its CORS layer (scope = "cors"): the
        // layer's own notes (the caller answers actual responses, the layer
        // adds preflight routes) come with that scope and nothing else.
        let layer_note = |c: &Code| {
            back.api.scope == corsform::model::Scope::Cors
                && matches!(
                    c,
                    Code::CallerOwnsActualResponses | Code::LayerAddsPreflightRoute
                )
        };
        for d in diags.iter().filter(|d| !layer_note(&d.code)) {
            assert!(
                lint.contains(&d.code),
                "{label}: imported policy has a finding the original lacks: {d:?}\n{toml}"
            );
        }
        for (((name, want_view), got_view), cache) in
            views.iter().zip(&back_views).zip(expected.iter_mut())
        {
            let own = |req: &Request, path: &str| {
                !layer
                    || want_view.routes.iter().any(|r| {
                        let allowed = preflight_methods(want_view, r);
                        paths_of(r) == path
                            && r.methods.iter().any(|m| m.as_str() == req.method)
                            && (allowed.is_empty() || allowed.contains(&req.method))
                    })
            };
            for (req, path, want) in cache
                .get_or_insert_with(|| scenarios(want_view))
                .iter()
                .filter(|(req, path, _)| own(req, path))
            {
                let got = verdict(got_view, req, path);
                assert_eq!(
                    &got, want,
                    "{label} {name}: {} {} {path} {:?} credentials={}\n{toml}",
                    req.origin, req.method, req.headers, req.credentials
                );
                compared += 1;
            }
        }
        imported += 1;
    }
    (imported, compared)
}

/// The audit corpus (tests/audit-corpus/): IaC nobody here wrote. Each case's
/// imported policy, when it lints without errors, is built to every target
/// that can express it, and importing those outputs must answer the explain
/// grid as the imported policy does: import -> build -> import is faithful
/// on real files too, not only on corsform's goldens.
#[test]
fn corpus_imports_build_and_import_back_alike() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/audit-corpus");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let (mut policies, mut outputs, mut scenarios) = (0, 0, 0);
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let files = inputs(case);
        // Several APIs: the case's expected.toml names the one to import.
        let api = std::fs::read_to_string(case.join("expected.toml"))
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|t| t.get("import")?.get("api")?.as_str().map(str::to_string));
        let Ok(text) = corsform::import::import(&files, api.as_deref()) else {
            continue;
        };
        // A document import keeps the team's OpenAPI document as its routes.
        if text.contains("\nopenapi = ") {
            continue;
        }
        let (Some(policy), lint) = corsform::check(&SourceFile::new("imported.toml", text)) else {
            continue;
        };
        let built: Vec<(String, Vec<SourceFile>)> = ["terraform", "sam", "cloudformation"]
            .iter()
            .filter_map(|t| {
                let target = corsform::render::Target::named(t)?;
                let files = corsform::render::render(&policy, target).ok()?;
                Some((
                    t.to_string(),
                    files
                        .into_iter()
                        .map(|(path, text)| SourceFile::new(format!("{t}/{path}"), text))
                        .filter(|f| corsform::audit::language(&f.name).is_some())
                        .collect(),
                ))
            })
            .collect();
        let (n, s) = differential(&name, &policy, &lint, built);
        policies += usize::from(n > 0);
        outputs += n;
        scenarios += s;
    }
    eprintln!(
        "corpus: {policies} imported policies built and imported back from {outputs} outputs, {scenarios} explain scenarios compared"
    );
    assert!(policies >= 30, "only {policies} corpus policies went round");
}
