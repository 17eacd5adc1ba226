// Differential test: real Chromium's CORS verdicts against `corsform explain`.
//
// For every golden policy that builds (golden/*/policy.toml without stderr.txt) it
// starts one `corsform serve` on 127.0.0.1:0, and for every scenario
//   origin x method x request header x credentials x path x (actual | gateway error)
// it makes a real `fetch()` from a page whose origin is the scenario's origin and
// compares what Chromium let script read with what `explain --format json` says.
//
// How the page gets an arbitrary origin: the top-level document
// `<origin>/__corsform_page.html` is fulfilled by Playwright's `page.route`, and
// the route is removed again BEFORE any API request is made. That matters:
// while any route is active Playwright intercepts every request of the page, and
// it answers intercepted CORS preflights itself with a permissive 204 (see
// `isInterceptedOptionsPreflight` in playwright-core's crNetworkManager), so
// Chromium's real preflight would never reach `serve`. After `unroute` the API
// requests go over the network to `serve` and through Chromium's own CORS code.
// A self-check guards this: the number of preflights `serve` logs must equal the
// number of scenarios for which explain says a preflight is sent.
//
// Chromium flags (Chromium 156, Debian's package) beyond the usual headless set
// (--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
// --disable-background-networking --disable-component-update --disable-sync):
//   --disable-features=LocalNetworkAccessChecks (merged into Playwright's own
//   --disable-features list, see DISABLED_FEATURES below for why and what else)
//     Needed. Local Network Access (the successor of Private Network Access)
//     makes a page from a public origin ask the user for permission before it may
//     fetch a loopback address; headless denies it and every fetch fails with
//     "Permission was denied for this request to access the `loopback` address
//     space". A document fulfilled by interception counts as public, so every
//     scenario would be blocked for a reason unrelated to CORS.
//     The PNA-era features named in older guides (PrivateNetworkAccessSendPreflights,
//     PrivateNetworkAccessRespectPreflightResults, BlockInsecurePrivateNetworkRequests)
//     no longer exist in Chromium 156 (not in the binary's feature table) and are
//     not passed.
//   Mixed content is no issue: an https page may fetch http://127.0.0.1 because
//   loopback is potentially trustworthy (checked: every https-origin scenario that
//   explain allows is readable; with mixed-content blocking they would all fail).
//
// The one expected difference: explain reports the Fetch standard's verdict for
// `Authorization` under `Access-Control-Allow-Headers: *` without credentials
// (blocked) and sets `chromium_allows_today`; Chromium 156 still lets it through.
// Those scenarios must be ALLOWED by Chromium and are counted separately.
//
// Usage: node tests/browser/differential.mjs [--policy NAME]... [--full] [--pages N]
//                                             [--deployed NAME=BASE_URL]...
//   --policy: only these golden cases. --pages: concurrent pages (default 4).
//   --deployed: test golden case NAME against its deployment at BASE_URL (a
//   stage URL, e.g. LocalStack's http://127.0.0.1:4566/_aws/execute-api/ID/STAGE)
//   instead of `corsform serve`. Only what an emulator answers as API Gateway
//   does is tried there: preflights and actual requests to MOCK routes (proxy
//   routes reach placeholder backends; unrouted paths and gateway errors are
//   gateway responses, which LocalStack stores but does not apply), and the
//   preflight count is not checked (serve's log is what counts them).
//   --full: every route's path, every origin kind, plus HEAD, a safelisted
//   Content-Type and two unsafe headers at once (about 25,000 scenarios, 1.5-2 min).
// Env: CORSFORM_BIN (default target/release/corsform), CHROMIUM (default: chromium on PATH).

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import http from "node:http";
import { setup } from "./chromium.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BIN = process.env.CORSFORM_BIN || join(ROOT, "target/release/corsform");

const argv = process.argv.slice(2);
const onlyPolicies = [];
const deployed = new Map(); // golden case -> base URL of its deployment
let pageCount = 4;
let full = false;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--policy") onlyPolicies.push(argv[++i]);
  else if (argv[i] === "--deployed") {
    const [name, ...url] = String(argv[++i]).split("=");
    if (!name || !/^https?:\/\//.test(url.join("="))) {
      console.error(`--deployed wants NAME=BASE_URL, got ${argv[i]}`);
      process.exit(2);
    }
    deployed.set(name, url.join("=").replace(/\/+$/, ""));
    onlyPolicies.push(name);
  }
  else if (argv[i] === "--pages") pageCount = Number(argv[++i]);
  else if (argv[i] === "--full") full = true;
  else {
    console.error(`unknown argument ${argv[i]}`);
    process.exit(2);
  }
}

const t0 = Date.now();
const secs = (ms) => (ms / 1000).toFixed(1) + " s";



// ---------------------------------------------------------------- policies

/** The few facts of a policy the scenarios need, read with a deliberately small
 * TOML subset reader (the policies are flat: strings and string arrays). */
function readPolicy(file) {
  const text = readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.replace(/^\s*#.*$/, ""))
    .join("\n");
  const type = (text.match(/^\s*type\s*=\s*"([a-z]+)"/m) || [])[1] || "?";
  const origins = [];
  for (const m of text.matchAll(/allow_origins\s*=\s*\[([\s\S]*?)\]/g)) {
    for (const s of m[1].matchAll(/"([^"]*)"/g)) if (!origins.includes(s[1])) origins.push(s[1]);
  }
  const routes = text
    .split(/^\s*\[\[routes\]\]\s*$/m)
    .slice(1)
    .map((block) => ({
      path: (block.match(/^\s*path\s*=\s*"([^"]*)"/m) || [])[1],
      integration: (block.match(/^\s*integration\s*=\s*"([^"]*)"/m) || [])[1] || "lambda",
      override: /^\s*\[routes\.cors\]/m.test(block),
    }))
    .filter((r) => r.path);
  return { type, origins, routes };
}

/** Every golden case that builds: a policy.toml, no stderr.txt, and an output
 * folder (an [api] openapi policy whose document has errors builds nothing,
 * and serve refuses it as build does). */
function discoverPolicies() {
  const golden = join(ROOT, "golden");
  return readdirSync(golden, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((n) => existsSync(join(golden, n, "policy.toml")) && !existsSync(join(golden, n, "stderr.txt")))
    .filter((n) => readdirSync(join(golden, n), { withFileTypes: true }).some((e) => e.isDirectory()))
    // A policy with [environments] answers per environment (serve and explain
    // need --env); tests/environments.rs covers it, not this differential yet.
    .filter((n) => !/^\s*\[environments\./m.test(readFileSync(join(golden, n, "policy.toml"), "utf8")))
    .filter((n) => onlyPolicies.length === 0 || onlyPolicies.includes(n))
    .sort()
    .map((name) => ({ name, file: join(golden, name, "policy.toml"), ...readPolicy(join(golden, name, "policy.toml")) }));
}

/** A concrete request path for a route template. */
const concrete = (template) => template.replace(/\{[^}]*\+\}/g, "a/b").replace(/\{[^}]*\}/g, "42");

/** Paths to try: routed ones, then one no route matches. By default one routed path
 * per distinct CORS answer: on a REST API a MOCK route (API Gateway answers) and a
 * proxy route (the backend's helper answers) differ, and so does each route with a
 * [routes.cors] override; on an HTTP API the gateway answers every route alike.
 * With --full every route's path. */
function pathsFor(p) {
  const seen = new Map();
  if (deployed.size) {
    for (const r of p.routes.filter((r) => r.integration === "mock")) seen.set(r.path, concrete(r.path));
    return [...new Set(seen.values())];
  }
  for (const r of p.routes) {
    const key = full
      ? r.path
      : (p.type === "rest" ? (r.integration === "mock" ? "mock" : "proxy") : "") + (r.override ? ` ${r.path}` : "");
    if (!seen.has(key)) seen.set(key, concrete(r.path));
  }
  return [...new Set([...seen.values(), UNROUTED])];
}

/** Origins to try, each of a kind the differential needs, derived from the policy. */
function originsFor(p) {
  const exact = p.origins.filter((o) => o !== "*" && o !== "null" && !o.includes("*"));
  const patterns = p.origins.filter((o) => o.includes("://*."));
  const out = [];
  const add = (kind, origin) => {
    if (!out.some((o) => o.origin === origin)) out.push({ kind, origin });
  };
  const first = exact[0] || "https://app.example.com";
  add(exact.length ? "allowed-exact" : "any-origin", first);
  // A second listed origin: on REST it is the VTL override, not the static first origin.
  if (exact[1] && (full || p.type === "rest")) add("allowed-exact-2", exact[1]);
  for (const pat of patterns.slice(0, 1)) {
    const [scheme, rest] = pat.split("://*.");
    add("pattern-match", `${scheme}://pr-42.${rest}`);
    add("pattern-lookalike", `${scheme}://a.b.${rest}`); // two labels: a one-label pattern must refuse it
  }
  const u = new URL(first);
  add("lookalike", `${u.protocol}//${u.hostname}.evil.test${u.port ? ":" + u.port : ""}`);
  add("http-localhost", "http://localhost:5173");
  if (p.origins.includes("null")) add("null-origin", "null"); // a sandboxed iframe's opaque origin
  return out;
}

// Chromium honours only the last --disable-features switch, so ours replaces the
// list playwright-core 1.65.1 passes (chromiumSwitches.ts). Its entries are kept
// (so Chromium runs as Playwright normally runs it; HttpsUpgrades in particular is
// needed: without it a navigation to http://app.example.com/ is upgraded to https
// and the http:// origins of the scenarios cannot be created), and one is added:
// LocalNetworkAccessChecks (see the top of this file).
const DISABLED_FEATURES = [
  ...["AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades", "HttpsFirstBalancedModeAutoEnable"],
  ...["LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect"],
  ...["OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch"],
  "LocalNetworkAccessChecks",
];

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"];
const HEADER_SETS = [
  { name: "none", headers: {} },
  { name: "content-type: application/json", headers: { "content-type": "application/json" } },
  { name: "authorization", headers: { authorization: "Bearer corsform-test" } },
  { name: "x-custom", headers: { "x-custom": "1" } },
];
// --full adds a method and header sets beyond the brief's: HEAD (safelisted), a
// safelisted Content-Type (no preflight), and two unsafe headers at once.
const FULL_METHODS = ["HEAD"];
const FULL_HEADER_SETS = [
  { name: "content-type: text/plain;charset=utf-8", headers: { "content-type": "text/plain;charset=utf-8" } },
  { name: "authorization + x-custom", headers: { authorization: "Bearer corsform-test", "x-custom": "1" } },
];
const CREDENTIALS = ["omit", "include"];
const UNROUTED = "/corsform-unrouted/nothing-here";

// ---------------------------------------------------------------- processes

function startServe(policy) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(BIN, ["serve", policy.file, "--listen", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    let done = false;
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => {
      log += d;
      const m = log.match(/^corsform serve: .* on http:\/\/127\.0\.0\.1:(\d+)\s*$/m);
      if (m && !done) {
        done = true;
        resolvePromise({ child, port: Number(m[1]), log: () => log });
      }
    });
    child.on("exit", (code) => {
      if (!done) reject(new Error(`corsform serve ${policy.name} exited ${code} before listening:\n${log}`));
    });
    setTimeout(() => !done && reject(new Error(`corsform serve ${policy.name} did not report its port in 10 s:\n${log}`)), 10_000);
  });
}

/** A bash co-process that runs the commands it is sent, one at a time. Spawning
 * thousands of short `corsform explain` processes straight from this (large) Node
 * process costs several times more than the calls themselves; bash forks cheaply. */
class Shell {
  constructor() {
    const script = `err=$(mktemp); trap 'rm -f "$err"' EXIT
while IFS= read -r line; do eval "$line" 2>"$err"; code=$?; printf '\\036EXIT %d\\n' "$code"; cat "$err"; printf '\\036END\\n'; done`;
    this.child = spawn("bash", ["-c", script], { stdio: ["pipe", "pipe", "inherit"] });
    this.child.stdout.setEncoding("utf8");
    this.buf = "";
    this.waiting = null;
    this.child.stdout.on("data", (d) => {
      this.buf += d;
      const end = this.buf.indexOf("\x1eEND\n");
      if (end < 0 || !this.waiting) return;
      const chunk = this.buf.slice(0, end);
      this.buf = this.buf.slice(end + 5);
      const m = chunk.match(/^([\s\S]*)\x1eEXIT (\d+)\n([\s\S]*)$/);
      const w = this.waiting;
      this.waiting = null;
      w({ stdout: m[1], code: Number(m[2]), stderr: m[3] });
    });
  }
  run(argv) {
    const quote = (a) => `'${String(a).replace(/'/g, `'\\''`)}'`;
    if (argv.some((a) => /[\n\r]/.test(a))) throw new Error(`argument with a newline: ${JSON.stringify(argv)}`);
    return new Promise((res) => {
      this.waiting = res;
      this.child.stdin.write(argv.map(quote).join(" ") + "\n");
    });
  }
  close() {
    this.child.stdin.end();
  }
}

async function explain(shell, s) {
  const args = ["explain", s.policy.file, "--origin", s.origin, "--method", s.method, "--path", s.path, "--format", "json"];
  for (const [n, v] of Object.entries(s.headers)) args.push("--header", `${n}: ${v}`);
  if (s.credentials === "include") args.push("--credentials");
  const { stdout, code, stderr } = await shell.run([BIN, ...args]);
  const cmd = `corsform ${args.join(" ")}`;
  if (code !== 0 && code !== 1) throw new Error(`explain exited ${code}: ${cmd}\n${stderr}`);
  let r;
  try {
    r = JSON.parse(stdout);
  } catch (e) {
    throw new Error(`explain printed no JSON (${e.message}): ${cmd}\n${stdout}${stderr}`);
  }
  if ((code === 0) !== r.allowed) throw new Error(`explain exit ${code} disagrees with allowed=${r.allowed}: ${cmd}`);
  return r;
}

async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** Raw response of serve (or the deployment) to one request, for disagreement reports. */
function rawRequest(base, method, path, headers) {
  return new Promise((res) => {
    const req = http.request(base + path, { method, headers }, (r) => {
      let body = "";
      r.setEncoding("utf8");
      r.on("data", (d) => (body += d));
      r.on("end", () => res({ status: r.statusCode, headers: r.rawHeaders, body }));
    });
    req.on("error", (e) => res({ error: String(e) }));
    req.end();
  });
}

// ---------------------------------------------------------------- the page side

/** Runs in the page (or a sandboxed frame): every request with fetch(), a few at a time. */
async function runBatch(reqs) {
  const out = new Array(reqs.length);
  let next = 0;
  async function worker() {
    while (next < reqs.length) {
      const i = next++;
      const q = reqs[i];
      try {
        const r = await fetch(q.url, { method: q.method, headers: q.headers, credentials: q.credentials, mode: "cors" });
        const body = await r.text();
        out[i] = { outcome: "ok", status: r.status, body: body.slice(0, 300) };
      } catch (e) {
        out[i] = { outcome: "blocked", error: `${e.name}: ${e.message}` };
      }
    }
  }
  await Promise.all(Array.from({ length: 6 }, worker));
  return { origin: self.origin, results: out };
}

const PAGE_HTML = (nullFrame) =>
  `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>corsform differential</title></head>` +
  `<body><p>corsform browser differential</p>` +
  (nullFrame ? `<iframe sandbox="allow-scripts" srcdoc="<!doctype html><link rel=icon href='data:,'><p>opaque origin</p>"></iframe>` : "") +
  `</body></html>`;

// ---------------------------------------------------------------- expectations

// Why a fetch was blocked, as a category both sides can be compared in:
// explain's Block wording (src/browser/mod.rs, Display) and Chromium's console
// text. Either side unrecognised -> null (counted, not compared).
const REASONS = [
  ["preflight-status", /must be 2xx/, /does not have HTTP ok status/],
  ["no-allow-origin", /^no Access-Control-Allow-Origin header/, /No 'Access-Control-Allow-Origin' header is present/],
  ["several-origins", /holds several values/, /contains multiple values/],
  ["origin-mismatch", /not the page's origin/, /not equal to the supplied origin/],
  ["wildcard-with-credentials", /is `\*`, which is refused for credentialed/, /must not be the wildcard '\*' when the request's credentials mode is 'include'/],
  ["credentials-not-true", /^credentialed request, but/, /'Access-Control-Allow-Credentials' header .* must be 'true'/s],
  ["method-not-allowed", /is not in Access-Control-Allow-Methods/, /Method \S+ is not allowed by Access-Control-Allow-Methods/],
  ["header-not-allowed", /is not in Access-Control-Allow-Headers|never covered by `\*`/, /Request header field \S+ is not allowed by Access-Control-Allow-Headers/],
];
const reasonOf = (text, side) => (text == null ? null : REASONS.find((r) => r[side].test(text))?.[0] ?? null);

function expectation(s, report) {
  const [pre, act, err] = report.stages;
  const target = s.error ? err : act;
  const preSpecOk = !pre.sent || pre.blocked === null;
  const preChromiumOk = preSpecOk || pre.chromium_allows_today;
  const targetChromiumOk = target.blocked === null || target.chromium_allows_today;
  const specAllowed = s.error ? preSpecOk && target.blocked === null : report.allowed;
  const chromiumAllowed = preChromiumOk && targetChromiumOk;
  return {
    pre,
    target,
    specAllowed,
    chromiumAllowed,
    deviation: chromiumAllowed && !specAllowed, // the Authorization-under-`*` case
    blockStage: chromiumAllowed ? null : !preChromiumOk ? "preflight" : "response",
  };
}

// ---------------------------------------------------------------- main

const { chromium, chromiumPath } = await setup("browser differential test", BIN, `${BIN} not found: run cargo build --release (tests/browser/run.sh does)`);

const policies = discoverPolicies();
if (policies.length === 0) {
  console.error("error: no policies found");
  process.exit(2);
}

// Scenarios.
const scenarios = [];
for (const policy of policies) {
  const paths = pathsFor(policy);
  for (const o of originsFor(policy))
    for (const method of full ? [...METHODS, ...FULL_METHODS] : METHODS)
      for (const hs of full ? [...HEADER_SETS, ...FULL_HEADER_SETS] : HEADER_SETS)
        for (const credentials of CREDENTIALS)
          for (const path of paths)
            for (const error of deployed.size ? [false] : [false, true])
              scenarios.push({
                id: scenarios.length,
                policy,
                originKind: o.kind,
                origin: o.origin,
                method,
                headerSet: hs.name,
                headers: hs.headers,
                credentials,
                path,
                error,
              });
}

if (deployed.size && scenarios.length === 0) {
  console.error(`error: no MOCK route in ${[...deployed.keys()].join(", ")}: nothing to compare on a deployment`);
  process.exit(1);
}
const servers = new Map();
const skippedPolicies = []; // deployed cases without a MOCK route: nothing comparable
let profile = null;
const cleanup = () => {
  for (const s of servers.values()) s.child.kill();
  if (profile) rmSync(profile, { recursive: true, force: true });
};
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

if (deployed.size) {
  for (const p of policies) if (pathsFor(p).length === 0) skippedPolicies.push(p.name);
} else {
  await Promise.all(policies.map(async (p) => servers.set(p.name, await startServe(p))));
}
/** Where scenario requests go: serve's port, or the deployment's base URL. */
const baseUrl = (p) => deployed.get(p.name) ?? `http://127.0.0.1:${servers.get(p.name).port}`;
const tServe = Date.now();

// explain: one call per (scenario without the error switch); the report has the error stage too.
const reports = new Map();
const keyOf = (s) => JSON.stringify([s.policy.name, s.origin, s.method, s.headerSet, s.credentials, s.path]);
const explainJobs = [...new Map(scenarios.map((s) => [keyOf(s), s])).values()];
let explainMs = 0;
let explainError = null;
const explainDone = (async () => {
  const t = Date.now();
  const shells = Array.from({ length: Math.max(2, availableParallelism()) }, () => new Shell());
  const free = [...shells];
  await pool(explainJobs, shells.length, async (s) => {
    const shell = free.pop();
    try {
      reports.set(keyOf(s), await explain(shell, s));
    } finally {
      free.push(shell);
    }
  });
  shells.forEach((sh) => sh.close());
  explainMs = Date.now() - t;
})().catch((e) => (explainError = e));

// Chromium: one navigation per (policy, origin), then the whole batch of that origin.
profile = mkdtempSync(join(tmpdir(), "corsform-chromium-"));
const flags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  `--disable-features=${DISABLED_FEATURES.join(",")}`,
];
const tLaunch = Date.now();
const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: flags });
const browserVersion = context.browser()?.version() ?? (await (async () => {
  try {
    return execFileSync(chromiumPath, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
})());
const launchMs = Date.now() - tLaunch;

const jobs = new Map();
for (const s of scenarios) {
  const k = JSON.stringify([s.policy.name, s.origin]);
  if (!jobs.has(k)) jobs.set(k, []);
  jobs.get(k).push(s);
}
const results = new Map(); // id -> chromium result
const corsMessages = new Map(); // url -> console text
const harnessErrors = [];

const pages = [];
for (let i = 0; i < pageCount; i++) {
  const page = i === 0 && context.pages()[0] ? context.pages()[0] : await context.newPage();
  page.on("console", (m) => {
    const t = m.text();
    const u = t.match(/^Access to fetch at '([^']+)' from origin '[^']*' has been blocked by CORS policy: (.*)$/s);
    if (u) corsMessages.set(u[1], u[2]);
  });
  pages.push(page);
}

const tBrowser = Date.now();
const jobList = [...jobs.values()];
let nextJob = 0;
await Promise.all(
  pages.map(async (page) => {
    while (nextJob < jobList.length) {
      const batch = jobList[nextJob++];
      const { policy, origin } = batch[0];
      const isNull = origin === "null";
      const pageOrigin = isNull ? "https://app.example.com" : origin;
      const pageUrl = `${pageOrigin}/__corsform_page.html`;
      await page.route(pageUrl, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: PAGE_HTML(isNull) }));
      await page.goto(pageUrl, { waitUntil: "load" });
      // No route may stay active while the API requests run (see the top of this file).
      await page.unrouteAll({ behavior: "wait" });
      const frame = isNull ? page.frames().find((f) => f !== page.mainFrame()) : page.mainFrame();
      if (!frame) {
        harnessErrors.push(`${policy.name}: no sandboxed frame for the null origin`);
        continue;
      }
      const reqs = batch.map((s) => ({
        url: `${baseUrl(policy)}${s.path}?corsform_scenario=${s.id}${s.error ? "&__corsform_error=1" : ""}`,
        method: s.method,
        headers: s.headers,
        credentials: s.credentials,
      }));
      const out = await frame.evaluate(runBatch, reqs);
      if (out.origin !== origin) {
        harnessErrors.push(`${policy.name}: the page's origin is ${out.origin}, expected ${origin}`);
        continue;
      }
      batch.forEach((s, i) => results.set(s.id, { ...out.results[i], url: reqs[i].url }));
    }
  }),
);
const browserMs = Date.now() - tBrowser;
await explainDone;
if (explainError) {
  console.error(`error: ${explainError.message}`);
  await context.close();
  process.exit(2);
}
// Console messages arrive asynchronously; give the last ones a moment.
await new Promise((r) => setTimeout(r, 200));
await context.close();

// ---------------------------------------------------------------- compare

let reasonsCompared = 0;
const reasonsUnknown = [];
const perPolicy = new Map(policies.map((p) => [p.name, { n: 0, agree: 0, disagree: 0, deviation: 0, readable: 0, preflightsExpected: 0 }]));
const disagreements = [];
let deviations = 0;
let notComparable = 0;
for (const s of scenarios) {
  const c = perPolicy.get(s.policy.name);
  const report = reports.get(keyOf(s));
  // On a deployment, a response explain attributes to a gateway response (a
  // method the path lacks, say) is one LocalStack does not reproduce.
  if (deployed.size && report && report.stages.some((st) => st.sent && /gateway response/i.test(st.source) && st.name !== "error response")) {
    notComparable++;
    continue;
  }
  c.n++;
  const chrome = results.get(s.id);
  if (!chrome) {
    c.disagree++;
    disagreements.push({ s, report, chrome: null, why: ["Chromium gave no result (harness error)"] });
    continue;
  }
  const e = expectation(s, report);
  if (e.pre.sent) c.preflightsExpected++;
  const why = [];
  const [pre, act] = report.stages;
  if (report.allowed !== ((!pre.sent || pre.blocked === null) && act.blocked === null))
    why.push(`explain's "allowed": ${report.allowed} contradicts its own preflight and actual-response stages`);
  const chromeAllowed = chrome.outcome === "ok";
  if (chromeAllowed) c.readable++;
  const corsMessage = corsMessages.get(chrome.url) ?? null;
  chrome.corsMessage = corsMessage;
  const chromeStage = chromeAllowed ? null : corsMessage == null ? "unknown" : /preflight/i.test(corsMessage) ? "preflight" : "response";
  chrome.stage = chromeStage;
  if (why.length) {
    // reported below
  } else if (chromeAllowed !== e.chromiumAllowed) {
    why.push(
      e.deviation && !chromeAllowed
        ? "explain says blocked only for Authorization under `*` (chromium_allows_today); Chromium BLOCKED it: the known deviation is gone"
        : `explain expects ${e.chromiumAllowed ? "readable" : `blocked at the ${e.blockStage}`}, Chromium ${chromeAllowed ? "let script read it" : "blocked it"}`,
    );
  } else if (!chromeAllowed && chromeStage !== "unknown" && chromeStage !== e.blockStage) {
    why.push(`both block, but explain blocks at the ${e.blockStage} and Chromium at the ${chromeStage} (${corsMessage ?? "no console message"})`);
  } else if (!chromeAllowed && chromeStage === e.blockStage) {
    // Same stage: the same reason too (the first check that fails, in both).
    const explained = e.blockStage === "preflight" ? pre.blocked : e.target.blocked;
    const mine = reasonOf(explained, 1);
    const theirs = reasonOf(corsMessage, 2);
    if (mine === null || theirs === null) reasonsUnknown.push(`${explained} | ${corsMessage}`);
    else if (mine !== theirs) why.push(`both block at the ${chromeStage}, but explain says "${explained}" and Chromium "${corsMessage}"`);
    else reasonsCompared++;
  } else if (chromeAllowed && chrome.status !== e.target.status) {
    why.push(`readable, but the status is ${chrome.status}, explain's ${s.error ? "error" : "actual"} response says ${e.target.status}`);
  }
  if (why.length) {
    c.disagree++;
    disagreements.push({ s, report, chrome, e, why });
  } else {
    c.agree++;
    if (e.deviation) {
      c.deviation++;
      deviations++;
    }
  }
}

// Self-check: Chromium sent exactly the preflights explain predicts (and none
// was swallowed by Playwright's interception). serve logs one line per request.
const preflightMismatch = [];
for (const p of deployed.size ? [] : policies) {
  const log = servers.get(p.name).log();
  const seen = (log.match(/^OPTIONS .*\(preflight for /gm) || []).length;
  const expected = perPolicy.get(p.name).preflightsExpected;
  perPolicy.get(p.name).preflightsSeen = seen;
  if (seen !== expected) preflightMismatch.push(`${p.name}: serve answered ${seen} preflights, explain predicts ${expected}`);
}

// ---------------------------------------------------------------- report

const fmtHeaders = (hs) => (hs.length ? hs.map(([n, v]) => `${n}: ${v}`).join(" | ") : "(no CORS headers)");
for (const d of disagreements) {
  const { s, report, chrome } = d;
  console.log("");
  console.log(`DISAGREEMENT #${s.id} ${s.policy.name}`);
  console.log(`  scenario: ${s.method} ${s.path}${s.error ? " (gateway error: ?__corsform_error=1)" : ""} from ${s.origin} [${s.originKind}], headers: ${s.headerSet}, credentials: ${s.credentials}`);
  for (const w of d.why) console.log(`  why: ${w}`);
  if (report) {
    console.log(`  explain: allowed=${report.allowed}, route=${report.route ?? "none"}, preflight reasons: ${report.preflight_reasons.join("; ") || "none"}`);
    for (const st of report.stages)
      console.log(
        `    ${st.name}${st.name === "preflight" && !st.sent ? " (not sent)" : ""}: ${st.status} ${fmtHeaders(st.headers)} -> ${st.blocked === null ? "ok" : `blocked: ${st.blocked}`}${st.chromium_allows_today ? " (chromium_allows_today)" : ""}`,
      );
  }
  if (chrome) {
    console.log(`  chromium: ${chrome.outcome === "ok" ? `readable, status ${chrome.status}, body ${chrome.body}` : `blocked (${chrome.error})`}`);
    if (chrome.corsMessage) console.log(`  chromium console: ${chrome.corsMessage}`);
    const where = deployed.has(s.policy.name) ? "deployment" : "serve";
    const path = chrome.url.slice(baseUrl(s.policy).length);
    if (report?.stages[0].sent) {
      const unsafe = Object.keys(s.headers).filter((h) => !(h === "content-type" && /^(text\/plain|multipart\/form-data|application\/x-www-form-urlencoded)/.test(s.headers[h])));
      const pre = await rawRequest(baseUrl(s.policy), "OPTIONS", path, {
        Origin: s.origin,
        "Access-Control-Request-Method": s.method,
        ...(unsafe.length ? { "Access-Control-Request-Headers": unsafe.sort().join(",") } : {}),
      });
      console.log(`  ${where}, preflight: ${pre.status} ${pairs(pre.headers)}`);
    }
    const act = await rawRequest(baseUrl(s.policy), s.method, path, { Origin: s.origin, ...s.headers });
    console.log(`  ${where}, ${s.error ? "error" : "actual"} response: ${act.status} ${pairs(act.headers)}`);
  }
}
function pairs(raw = []) {
  const out = [];
  for (let i = 0; i < raw.length; i += 2) out.push(`${raw[i]}: ${raw[i + 1]}`);
  return out.join(" | ");
}

console.log("");
console.log(`Chromium ${browserVersion} (${chromiumPath}), flags: ${flags.join(" ")}`);
for (const p of policies) {
  const c = perPolicy.get(p.name);
  console.log(
    `  ${p.name.padEnd(30)} ${String(c.n).padStart(5)} scenarios, ${String(c.agree).padStart(5)} agree, ${c.disagree} disagree, ${c.deviation} chromium-allows-authorization-wildcard; Chromium read ${c.readable}, blocked ${c.n - c.readable}; preflights ${deployed.size ? `${c.preflightsExpected} expected (not counted on a deployment)` : `${c.preflightsSeen}/${c.preflightsExpected}`}; origins ${originsFor(p).map((o) => o.kind).join(",")}; paths ${pathsFor(p).join(" ")}`,
  );
}
for (const m of preflightMismatch) console.log(`PREFLIGHT COUNT MISMATCH ${m}`);
for (const h of harnessErrors) console.log(`HARNESS ERROR ${h}`);
const unknownStage = [...results.values()].filter((r) => r.stage === "unknown").length;
if (unknownStage) console.log(`note: ${unknownStage} blocked fetches had no CORS console message (stage not compared)`);
console.log(`reasons: ${reasonsCompared} blocked fetches name the same reason in explain and Chromium's console`);
if (reasonsUnknown.length) {
  console.log(`note: ${reasonsUnknown.length} blocked fetches with a reason one side words in a way not categorised (not compared), e.g.:`);
  for (const r of [...new Set(reasonsUnknown)].slice(0, 5)) console.log(`  ${r}`);
}
console.log(
  `timings: serve ${secs(tServe - t0)}, chromium launch ${secs(launchMs)}, fetches ${secs(browserMs)} (${pages.length} pages), explain ${secs(explainMs)} (${explainJobs.length} calls, overlapped), total ${secs(Date.now() - t0)}`,
);
const disagree = disagreements.length;
const compared = scenarios.length - notComparable;
const failed = disagree + preflightMismatch.length + harnessErrors.length + (deployed.size && compared === 0 ? 1 : 0);
for (const name of skippedPolicies) console.log(`note: ${name} has no MOCK route: nothing an emulator answers as API Gateway does`);
const against = deployed.size ? ` against deployments (${[...deployed.keys()].join(", ")})` : "";
if (notComparable) console.log(`note: ${notComparable} scenarios answered by a gateway response (not applied by the emulator) were not compared`);
console.log(`browser differential${against}: ${compared} scenarios, ${compared - disagree} agree, ${disagree} disagree, ${deviations} chromium-allows-authorization-wildcard`);
console.log(`${compared - disagree} passed, ${failed} failed`);
cleanup();
process.exit(failed ? 1 : 0);
