//! Speed and memory of the pipeline, measured, never asserted: `scripts/bench`
//! runs this (`cargo bench --bench pipeline`) and prints one line per
//! operation. A plain std harness (`harness = false`): the numbers needed here
//! are medians of wall time per operation and the peak resident memory, which
//! do not need a statistics crate, and a dependency-free bench keeps
//! `cargo clippy --all-targets` in CI quick.
//!
//! Inputs: every example in `policies/`, plus generated policies much larger
//! than real ones (hundreds of REST routes, dozens of origins), to show how the
//! work grows with the policy: a quadratic step would show up there first.

use corsform::browser::Request;
use corsform::diagnostic::SourceFile;
use corsform::render::{Target, render, supported_targets};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `f` until `budget` is spent (at least 3 times); (runs, median, min).
fn measure(budget: Duration, mut f: impl FnMut()) -> (usize, Duration, Duration) {
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 3 || (start.elapsed() < budget && times.len() < 10_000) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    (times.len(), times[times.len() / 2], times[0])
}

/// A REST policy with `routes` routes over nested paths and `origins` exact
/// origins plus a subdomain pattern, written as a user would.
fn large_policy(routes: usize, origins: usize) -> String {
    let mut t =
        String::from("version = 1\n\n[api]\nname = \"bench-api\"\ntype = \"rest\"\n\n[cors]\n");
    let list: Vec<String> = (0..origins)
        .map(|i| format!("\"https://app{i}.example.com\""))
        .chain(["\"https://*.preview.example.com\"".to_string()])
        .collect();
    t += &format!("allow_origins = [{}]\n", list.join(", "));
    t += "allow_headers = [\"content-type\", \"authorization\", \"x-request-id\"]\n";
    t += "expose_headers = [\"x-request-id\"]\nallow_credentials = true\nmax_age = 600\n\n";
    t += "[gateway_responses]\ntypes = [\"DEFAULT_4XX\", \"DEFAULT_5XX\"]\n\n";
    for i in 0..routes {
        let (path, integration) = match i % 3 {
            0 => (format!("/group{}/items{i}", i / 10), "lambda"),
            1 => (format!("/group{}/items{i}/{{id}}", i / 10), "http"),
            _ => (format!("/group{}/static{i}", i / 10), "mock"),
        };
        t += &format!(
            "[[routes]]\npath = \"{path}\"\nmethods = [\"GET\", \"PUT\"]\nintegration = \"{integration}\"\n\n"
        );
    }
    t
}

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn report(name: &str, op: &str, (runs, median, min): (usize, Duration, Duration), bytes: usize) {
    let per_sec = 1.0 / median.as_secs_f64();
    println!(
        "{name:<34} {op:<22} {runs:>6} runs  median {:>10.1} µs  min {:>10.1} µs  {per_sec:>9.0}/s{}",
        median.as_secs_f64() * 1e6,
        min.as_secs_f64() * 1e6,
        if bytes > 0 {
            format!("  {bytes} bytes out")
        } else {
            String::new()
        }
    );
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(400),
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<(String, String)> = std::fs::read_dir(root.join("policies"))
        .expect("policies/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let name = format!("policies/{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    inputs.sort();
    for (routes, origins) in [(30, 5), (300, 20), (1000, 50)] {
        inputs.push((
            format!("generated {routes} routes x {origins} origins"),
            large_policy(routes, origins),
        ));
    }

    println!(
        "budget per measurement: {} ms (BENCH_MS)",
        budget.as_millis()
    );
    for (name, text) in &inputs {
        let file = SourceFile::new(name.as_str(), text.as_str());
        let (policy, diags) = corsform::check(&file);
        let Some(policy) = policy else {
            panic!("{name} does not validate: {diags:?}");
        };
        report(
            name,
            "load + validate",
            measure(budget, || {
                black_box(corsform::check(black_box(&file)));
            }),
            0,
        );
        let targets: Vec<Target> = supported_targets(&policy);
        for target in targets {
            let size: usize = render(&policy, target)
                .expect("renders")
                .values()
                .map(String::len)
                .sum();
            report(
                name,
                &format!("render {}", target.name()),
                measure(budget, || {
                    black_box(render(black_box(&policy), target).unwrap());
                }),
                size,
            );
        }
        let req = Request {
            origin: "https://evil.example".into(),
            method: "PUT".into(),
            headers: vec![("x-request-id".into(), None)],
            credentials: true,
        };
        let path = corsform::explain::default_path(&policy, "PUT");
        report(
            name,
            "explain one request",
            measure(budget, || {
                black_box(corsform::explain::explain(black_box(&policy), &req, &path));
            }),
            0,
        );
        // serve and probe derive the deployment once, then answer many requests.
        let deployment = corsform::answer::Deployment::new(policy.clone());
        report(
            name,
            "serve: answer a request",
            measure(budget, || {
                black_box(deployment.exchange(black_box(&req), &path));
            }),
            0,
        );
        let checks = corsform::probe::plan::plan(&policy, &[]).checks.len();
        if checks > 100_000 {
            // Every origin on every route: a probe that sends this many
            // requests is not one anyone runs; planning it once is enough.
            println!("{name:<34} probe: plan {checks} checks  (measured once above, not repeated)");
            continue;
        }
        report(
            name,
            &format!("probe: plan {checks} checks"),
            measure(budget, || {
                black_box(corsform::probe::plan::plan(black_box(&policy), &[]));
            }),
            0,
        );
    }
    match peak_rss_mib() {
        Some(mib) => println!("peak resident memory: {mib:.1} MiB"),
        None => println!("peak resident memory: not available on this OS"),
    }
}
