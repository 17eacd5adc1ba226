//! A structure-aware generator of valid corsform policies, shared by the
//! property test (tests/valid_policies.rs includes this file) and the
//! conformance tier, which runs:
//!
//!     cargo run --quiet --example random_policies -- --seed S --count N --out DIR
//!
//! and gets DIR/<name>/policy.toml for N policies, the same bytes for the same
//! seed. Policies aim at the corners the real tools trip on (issue 12): paths
//! whose names collide after case conversion or start with a digit, `{param}`
//! and `{proxy+}`, every integration and authorization, subdomain patterns,
//! `*`, credentials, odd header tokens, per-route CORS, gateway responses, and
//! descriptions with control characters, noncharacters, quotes and `${`.
//! Most are valid; the few lint refuses (two variable parts at one position,
//! say) are skipped by the callers, which count them.

#![allow(dead_code)]

use std::fmt::Write as _;

/// SplitMix64: a tiny, well-mixed PRNG, so the output depends on the seed
/// alone (no crate, no platform differences).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// A subset in the original order, at least `min` items.
    pub fn subset<T: Clone>(&mut self, items: &[T], min: usize) -> Vec<T> {
        loop {
            let out: Vec<T> = items.iter().filter(|_| self.chance(40)).cloned().collect();
            if out.len() >= min {
                return out;
            }
        }
    }
}

const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
/// Header names: common ones, and tokens using every tchar but `'` (RFC 9110
/// 5.6.2; `'` is refused on REST by lint, CF0701).
const HEADERS: &[&str] = &[
    "content-type",
    "authorization",
    "x-api-key",
    "x-amz-date",
    "x_weird.header!",
    "x-#$%&*+",
    "x-^_`|~",
    "If-Match",
    "X-Request-ID",
    "etag",
];
const GATEWAY_TYPES: &[&str] = &[
    "DEFAULT_4XX",
    "DEFAULT_5XX",
    "UNAUTHORIZED",
    "ACCESS_DENIED",
    "THROTTLED",
    "MISSING_AUTHENTICATION_TOKEN",
    "WAF_FILTERED",
];
/// Segments whose names collide after case conversion, start with a digit,
/// or name the root.
const LITERALS: &[&str] = &[
    "items", "root", "2fa", "x1", "x", "1", "x-1", "a-b", "a_b", "a.b", "v1", "users", "me",
    "~user", "a:b", "at@home", "API", "Items", "get", "options", "_", "-",
];
/// Pieces of free text that broke or could break a parser (issue 12).
const TEXT: &[&str] = &[
    "Orders API",
    " ",
    "\"quoted\"",
    "'single'",
    "back\\slash",
    "${var.secret}",
    "%{ if true }",
    "#set($x = 1)",
    "\n",
    "\t",
    "\r\n",
    "\u{7f}",
    "\u{80}",
    "\u{85}",
    "\u{9f}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    // C0 controls other than tab/LF/CR and U+FFFE/U+FFFF are refused by lint
    // (CF0709: CloudFormation's XML API cannot carry them), so the generator
    // leaves them out; golden/err-description-not-xml-text pins the refusal.
    "é漢字",
    "\u{1f600}",
    "*/",
    "\"\"\"",
    "'''",
    "</script>",
    "EOT",
    "null",
    "- yes: no",
];

/// One policy as TOML text.
pub fn policy(rng: &mut Rng, index: usize) -> String {
    let rest = rng.chance(55);
    let mut t = String::new();
    t.push_str("version = 1\n\n[api]\n");
    writeln!(t, "name = \"gen-{index}\"").unwrap();
    writeln!(t, "type = \"{}\"", if rest { "rest" } else { "http" }).unwrap();
    if rng.chance(60) {
        let mut d = String::new();
        for _ in 0..1 + rng.below(8) {
            let piece = TEXT[rng.below(TEXT.len())];
            d.push_str(piece);
        }
        writeln!(t, "description = {}", toml_string(&d)).unwrap();
    }
    if rng.chance(40) {
        let stage = *rng.pick(&["prod", "v1_beta-2", "dev", "Stage_2"]);
        writeln!(t, "stage = \"{stage}\"").unwrap();
    }

    let owner_lambda = !rest && rng.chance(20);
    let credentials = rng.chance(40);
    t.push_str("\n[cors]\n");
    let origins = origins(rng, rest, credentials);
    writeln!(t, "allow_origins = {}", list(&origins)).unwrap();
    let mut headers = rng.subset(HEADERS, 0);
    if !credentials && rng.chance(15) {
        headers = vec!["*", "authorization"];
    }
    if !headers.is_empty() {
        writeln!(t, "allow_headers = {}", list(&headers)).unwrap();
    }
    if rng.chance(50) {
        let expose = rng.subset(
            &["etag", "link", "x-total-count", "retry-after", "x-$weird"],
            1,
        );
        writeln!(t, "expose_headers = {}", list(&expose)).unwrap();
    }
    if credentials {
        t.push_str("allow_credentials = true\n");
    }
    if rng.chance(60) {
        let max_age = *rng.pick(&[
            "0", "5", "600", "7200", "86400", "\"30s\"", "\"10m\"", "\"1h\"", "\"1d\"",
        ]);
        writeln!(t, "max_age = {max_age}").unwrap();
    }
    if rest && rng.chance(30) {
        writeln!(t, "preflight_status = {}", rng.pick(&[200, 204])).unwrap();
    }
    if owner_lambda {
        t.push_str("owner = \"lambda\"\n");
    }

    if rest && rng.chance(50) {
        t.push_str("\n[gateway_responses]\n");
        writeln!(t, "types = {}", list(&rng.subset(GATEWAY_TYPES, 1))).unwrap();
        if !credentials && rng.chance(30) {
            t.push_str("origin = \"reflect\"\n");
        }
    }

    let mut paths: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(8) {
        let p = path(rng);
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    for p in &paths {
        t.push_str("\n[[routes]]\n");
        writeln!(t, "path = \"{p}\"").unwrap();
        let methods = if rng.chance(15) {
            vec!["ANY".to_string()]
        } else {
            rng.subset(METHODS, 1)
                .into_iter()
                .map(String::from)
                .collect()
        };
        writeln!(t, "methods = {}", list(&methods)).unwrap();
        let integration = if rest {
            *rng.pick(&["lambda", "lambda", "http", "mock"])
        } else {
            *rng.pick(&["lambda", "http"])
        };
        writeln!(t, "integration = \"{integration}\"").unwrap();
        let auth = if rest {
            *rng.pick(&["none", "none", "iam", "cognito", "custom"])
        } else {
            *rng.pick(&["none", "none", "iam", "jwt", "custom"])
        };
        writeln!(t, "authorization = \"{auth}\"").unwrap();
        if rest && rng.chance(20) {
            t.push_str("\n[routes.cors]\n");
            let own_credentials = credentials && rng.chance(50);
            writeln!(
                t,
                "allow_origins = {}",
                list(&origins_rest(rng, own_credentials))
            )
            .unwrap();
            writeln!(t, "allow_credentials = {own_credentials}").unwrap();
            if rng.chance(50) {
                writeln!(t, "max_age = {}", rng.below(7200)).unwrap();
            }
        }
    }
    t
}

fn origins(rng: &mut Rng, rest: bool, credentials: bool) -> Vec<String> {
    if rest {
        return origins_rest(rng, credentials);
    }
    if !credentials && rng.chance(20) {
        return vec!["*".into()];
    }
    exact_origins(rng)
}

fn origins_rest(rng: &mut Rng, credentials: bool) -> Vec<String> {
    if !credentials && rng.chance(20) {
        return vec!["*".into()];
    }
    let mut out = exact_origins(rng);
    if rng.chance(40) {
        out.push(
            rng.pick(&[
                "https://*.preview.example.com",
                "https://*.example.org",
                "http://*.dev.test",
            ])
            .to_string(),
        );
    }
    out
}

fn exact_origins(rng: &mut Rng) -> Vec<String> {
    let pool = [
        "https://app.example.com",
        "https://www.example.com:8443",
        "http://localhost:4200",
        "http://127.0.0.1:5173",
        "https://xn--bcher-kva.example",
        "https://a-b.example.co.uk",
        "https://shop.example.com",
    ];
    let mut out = rng.subset(&pool, 1);
    out.truncate(1 + rng.below(4));
    out.into_iter().map(String::from).collect()
}

fn path(rng: &mut Rng) -> String {
    let depth = rng.below(4);
    if depth == 0 {
        return "/".into();
    }
    let mut out = String::new();
    for d in 0..depth {
        out.push('/');
        let last = d + 1 == depth;
        match rng.below(10) {
            0 if last => out.push_str("{proxy+}"),
            0..=2 => write!(out, "{{p{d}}}").unwrap(),
            _ => out.push_str(LITERALS[rng.below(LITERALS.len())]),
        }
    }
    out
}

fn list(items: &[impl AsRef<str>]) -> String {
    let inner: Vec<String> = items.iter().map(|s| toml_string(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

/// A TOML basic string: `"` and `\` escaped, every control character as
/// `\uXXXX` (TOML 1.0 forbids them raw).
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => write!(out, "\\u{:04X}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `count` policies from `seed`, named `case-0000`, `case-0001`, ...
pub fn generate(seed: u64, count: usize) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|i| (format!("case-{i:04}"), policy(&mut rng, i)))
        .collect()
}

fn main() {
    let mut seed: u64 = 1;
    let mut count: usize = 20;
    let mut out: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next();
        let value = match value {
            Some(v) => v,
            None => usage(&format!("{a} needs a value")),
        };
        match a.as_str() {
            "--seed" => {
                seed = value
                    .parse()
                    .unwrap_or_else(|_| usage("--seed takes an integer"))
            }
            "--count" => {
                count = value
                    .parse()
                    .unwrap_or_else(|_| usage("--count takes an integer"))
            }
            "--out" => out = Some(value.into()),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let Some(out) = out else {
        usage("--out DIR is required")
    };
    for (name, text) in generate(seed, count) {
        let dir = out.join(&name);
        if let Err(e) = std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(dir.join("policy.toml"), text))
        {
            eprintln!("error: cannot write {}: {e}", dir.display());
            std::process::exit(2);
        }
    }
}

fn usage(msg: &str) -> ! {
    eprintln!("error: {msg}\nusage: random_policies --seed S --count N --out DIR");
    std::process::exit(2)
}
