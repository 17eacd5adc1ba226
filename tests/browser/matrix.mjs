// The matrix pages in real Chromium (issue 32): `explain --matrix --format html`
// opened from a file, and the same page as `corsform serve` hosts it at
// /__corsform/. For each policy below, and for each page:
//   - every cell's `data-verdict` equals explain's own verdict for that request
//     (`explain --matrix --format json`: one cell per origin, method and path,
//     none missing, none extra);
//   - the page makes no network request except for itself (Playwright's request
//     events: the page's CSP allows no fetch, this checks that it holds);
//   - on serve's try-it page (its second origin), "Try every row": each row's
//     real fetch result equals the cell's prediction for the page's origin,
//     which is explain's, and every request stays on the two served origins
//     (checkTryIt; two generated policies allow the page's loopback origin);
// then it prints how long a 200-route policy's page takes to load (served,
// from a file, and the try-it page; DOMContentLoaded) and writes the
// screenshots matrix.png and serve-try-it.png in docs/book/src/images/.
//
// The load time is printed, never asserted: the project measures speed in
// scripts/bench (which runs this script with --bench-only), not as timed
// assertions that fail on a loaded machine.
//
// Usage: node tests/browser/matrix.mjs [--bench-only]   (--bench-only: the load time alone, for scripts/bench)
// Env: CORSFORM_BIN (default target/release/corsform), CHROMIUM (default: chromium on PATH).

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setup } from "./chromium.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BIN = process.env.CORSFORM_BIN ? resolve(process.env.CORSFORM_BIN) : join(ROOT, "target/release/corsform");
const IMAGES = join(ROOT, "docs/book/src/images");
const benchOnly = process.argv.includes("--bench-only");



const { chromium, chromiumPath } = await setup("browser matrix pages test", BIN);

const work = mkdtempSync(join(tmpdir(), "corsform-matrix-"));

/** A generated HTTP API policy of `n` routes, two methods each, two origins. */
function bigPolicy(n) {
  let s = 'version = 1\n[api]\nname = "big"\ntype = "http"\n[cors]\n';
  s += 'allow_origins = ["https://app.example.com", "https://admin.example.com"]\nallow_headers = ["content-type"]\n';
  for (let i = 0; i < n; i++) s += `[[routes]]\npath = "/items${i}/{id}"\nmethods = ["GET", "PUT"]\n`;
  const file = join(work, "big.toml");
  writeFileSync(file, s);
  return file;
}

// Policies: two origins and a pattern (REST), credentials, environments, and
// hostile text in names and origins (the page must escape what it shows).
const POLICIES = [
  { name: "rest-several-origins", file: "golden/rest-several-origins/policy.toml", env: null, shot: "matrix.png" },
  { name: "http-spa-credentials", file: "golden/http-spa-credentials/policy.toml", env: null },
  { name: "http-environments (prod)", file: "golden/http-environments/policy.toml", env: "prod" },
  { name: "http-hostile-text", file: "golden/http-hostile-text/policy.toml", env: null },
  { name: "http-public-readonly", file: "golden/http-public-readonly/policy.toml", env: null },
];
const BIG = { name: "200 routes", file: bigPolicy(200), env: null };

/** A free loopback port (for --page-listen: the try-it origin the policy allows). */
function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * Policies that allow a loopback origin, served with --page-listen on its
 * port, so the try-it requests come from an allowed origin: REST with
 * credentials, a method Allow-Methods leaves out and a route that allows
 * another origin only; HTTP with 127.0.0.1 and an extra method.
 */
async function loopbackPolicies() {
  const [a, b] = [await freePort(), await freePort()];
  const rest = join(work, "loopback-rest.toml");
  writeFileSync(
    rest,
    `version = 1
[api]
name = "loopback"
type = "rest"
[cors]
allow_origins = ["https://app.example.com", "http://localhost:${a}"]
allow_methods = ["GET", "POST", "PUT"]
allow_headers = ["content-type"]
allow_credentials = true
[[routes]]
path = "/items"
methods = ["GET", "POST", "PUT", "DELETE"]
[[routes]]
path = "/items/{id}"
methods = ["GET", "PATCH"]
integration = "mock"
[[routes]]
path = "/partners"
methods = ["GET", "PUT"]
[routes.cors]
allow_origins = ["https://partner.example.com"]
`,
  );
  const http = join(work, "loopback-http.toml");
  writeFileSync(
    http,
    `version = 1
[api]
name = "loopback-http"
type = "http"
[cors]
allow_origins = ["http://127.0.0.1:${b}"]
allow_methods = ["GET", "PUT"]
[[routes]]
path = "/a/{id}"
methods = ["GET", "PUT", "DELETE"]
`,
  );
  return [
    // Served from the work folder by its relative name: the screenshot's title reads "loopback-rest.toml".
    { name: "loopback REST, credentials", file: "loopback-rest.toml", cwd: work, env: null, serveArgs: ["--page-listen", `127.0.0.1:${a}`], tryShot: "serve-try-it.png" },
    { name: "loopback HTTP", file: http, env: null, serveArgs: ["--page-listen", `127.0.0.1:${b}`] },
  ];
}

// A policy's file as seen from the repository's root (a generated one is
// served from the work folder, `cwd`, under its bare name).
const fileOf = (p) => (p.cwd ? join(p.cwd, p.file) : p.file);
const envArgs = (p) => (p.env ? ["--env", p.env] : []);
// Run from the repository's root with its relative paths, so the pages (and
// the screenshots) name `golden/...`, not where the checkout happens to be.
const corsform = (args) => execFileSync(BIN, args, { encoding: "utf8", maxBuffer: 256 << 20, cwd: ROOT });

function startServe(p) {
  return new Promise((resolveStart, reject) => {
    const args = ["serve", p.file, "--listen", "127.0.0.1:0", "--quiet", ...envArgs(p), ...(p.serveArgs || [])];
    const child = spawn(BIN, args, { stdio: ["ignore", "ignore", "pipe"], cwd: p.cwd || ROOT });
    let log = "";
    child.stderr.on("data", (d) => {
      log += d;
      const m = log.match(/^corsform serve: matrix page on (http:\/\/127\.0\.0\.1:\d+\/__corsform\/)\s*$/m);
      const t = log.match(/^corsform serve: try-it page on (http:\/\/\S+\/__corsform\/) /m);
      if (m && t) resolveStart({ child, url: m[1], tryUrl: t[1] });
    });
    child.on("exit", (code) => reject(new Error(`corsform serve ${p.name} exited ${code}:\n${log}`)));
    setTimeout(() => reject(new Error(`corsform serve ${p.name} did not announce its page in 10 s:\n${log}`)), 10_000);
  });
}

const children = [];
const cleanup = () => {
  for (const c of children) c.kill();
  rmSync(work, { recursive: true, force: true });
};
process.on("exit", cleanup);

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });

/** Open `url` and return its cells, the requests it made and its load time. */
async function openPage(url) {
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: "load" });
  const cells = await page.$$eval("td[data-verdict]", (tds) =>
    tds.map((td) => ({ origin: td.dataset.origin, method: td.dataset.method, path: td.dataset.path, verdict: td.dataset.verdict })),
  );
  const dcl = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    return nav ? nav.domContentLoadedEventEnd - nav.startTime : NaN;
  });
  return { page, requests, cells, dcl };
}

const failures = [];
let checked = 0;
let tried = 0;

/** Compare a page's cells with explain's JSON, and its requests with itself. */
function check(label, url, got, expected) {
  const key = (c) => JSON.stringify([c.origin, c.method, c.path]);
  const want = new Map(expected.map((c) => [key(c), c.allowed ? "allowed" : "blocked"]));
  const seen = new Set();
  for (const c of got.cells) {
    const k = key(c);
    if (!want.has(k)) failures.push(`${label}: a cell explain does not have: ${k}`);
    else if (want.get(k) !== c.verdict) failures.push(`${label}: ${k}: page says ${c.verdict}, explain ${want.get(k)}`);
    seen.add(k);
    checked++;
  }
  for (const k of want.keys()) if (!seen.has(k)) failures.push(`${label}: no cell for ${k}`);
  for (const r of got.requests) if (r !== url) failures.push(`${label}: a request outside the page: ${r}`);
}

async function run(p, { compare, shot, measureTry = false }) {
  const expected = JSON.parse(corsform(["explain", fileOf(p), "--matrix", "--format", "json", ...envArgs(p)])).rows.flat();
  const html = join(work, `${p.name.replace(/[^a-z0-9]+/gi, "-")}.html`);
  writeFileSync(html, corsform(["explain", fileOf(p), "--matrix", "--format", "html", ...envArgs(p)]));
  const served = await startServe(p);
  children.push(served.child);
  const result = {};
  for (const [kind, url] of [["file", pathToFileURL(html).href], ["served", served.url]]) {
    const got = await openPage(url);
    if (compare) check(`${p.name} (${kind})`, url, got, expected);
    result[kind] = got.dcl;
    if (shot && kind === "served") {
      // One cell opened, so the screenshot shows explain's reasoning too.
      await got.page.locator("td[data-verdict] details").first().evaluate((d) => (d.open = true));
      mkdirSync(IMAGES, { recursive: true });
      await got.page.screenshot({ path: join(IMAGES, shot) });
      console.log(`screenshot: docs/book/src/images/${shot}`);
    }
    await got.page.close();
  }
  if (compare) await checkTryIt(p, served);
  if (measureTry) {
    // The try-it page: the same matrix plus a prediction per row, from serve's second origin.
    const got = await openPage(served.tryUrl);
    result.tryIt = got.dcl;
    await got.page.close();
  }
  served.child.kill();
  return { cells: expected.length, ...result };
}

/**
 * The try-it page on serve's second origin: every row's button pressed at
 * once ("Try every row"); each row's real fetch result (resolved: allowed,
 * TypeError: blocked) must equal the cell's prediction for the page's origin,
 * that prediction must be explain's for that origin, method and path, and
 * every request the page makes must go to the page's origin or the API's.
 */
async function checkTryIt(p, served) {
  const label = `${p.name} (try it)`;
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(served.tryUrl, { waitUntil: "load" });
  const pageOrigin = new URL(served.tryUrl).origin;
  const apiBase = await page.getAttribute("#try-all", "data-api");
  if (!apiBase) {
    failures.push(`${label}: no try-every-row button`);
    await page.close();
    return;
  }
  // The script shows the buttons: hidden until it runs (readable without it).
  await page.click("#try-all");
  await page.waitForSelector("html[data-tried]", { timeout: 60_000 });
  const rows = await page.$$eval("td[data-try-path]", (tds) =>
    tds.map((td) => ({
      origin: td.dataset.tryOrigin,
      method: td.dataset.tryMethod,
      path: td.dataset.tryPath,
      credentials: td.dataset.credentials === "true",
      predicted: td.dataset.predicted,
      browser: td.dataset.browser,
    })),
  );
  if (!rows.length) failures.push(`${label}: no try-it cells`);
  let allowed = 0;
  for (const r of rows) {
    const what = `${r.method} ${r.path} from ${r.origin}`;
    if (r.origin !== pageOrigin) failures.push(`${label}: ${what}: the cell names ${r.origin}, the page's origin is ${pageOrigin}`);
    if (r.browser !== r.predicted) failures.push(`${label}: ${what}: Chromium ${r.browser}, corsform predicts ${r.predicted}`);
    let ex;
    try {
      ex = JSON.parse(corsform(["explain", fileOf(p), "--origin", r.origin, "--method", r.method, "--path", r.path, "--format", "json", ...(r.credentials ? ["--credentials"] : []), ...envArgs(p)]));
    } catch (e) {
      // exit 1: blocked, the JSON is on stdout all the same
      ex = JSON.parse(e.stdout);
    }
    if ((ex.allowed ? "allowed" : "blocked") !== r.predicted) failures.push(`${label}: ${what}: the cell predicts ${r.predicted}, explain says ${ex.allowed ? "allowed" : "blocked"}`);
    if (r.browser === "allowed") allowed++;
    tried++;
  }
  for (const u of requests) {
    const o = new URL(u).origin;
    if (o !== pageOrigin && o !== new URL(apiBase).origin) failures.push(`${label}: a request outside the served origins: ${u}`);
  }
  console.log(`try-it ${p.name}: ${rows.length} rows from ${pageOrigin}, ${allowed} allowed and ${rows.length - allowed} blocked by Chromium`);
  if (p.tryShot) {
    mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: join(IMAGES, p.tryShot) });
    console.log(`screenshot: docs/book/src/images/${p.tryShot}`);
  }
  await page.close();
}

if (!benchOnly) {
  for (const p of [...POLICIES, ...(await loopbackPolicies())]) {
    const r = await run(p, { compare: true, shot: p.shot });
    console.log(`matrix page ${p.name}: ${r.cells} cells, file and served pages agree with explain`);
  }
}
// The 200-route page: checked like the others, and its load time printed.
// The first load warms Chromium up; the figure is the median of five.
const times = [];
const fileTimes = [];
const tryTimes = [];
let bigCells = 0;
for (let i = 0; i < 5; i++) {
  const r = await run(BIG, { compare: i === 0 && !benchOnly, measureTry: true });
  bigCells = r.cells;
  times.push(r.served);
  fileTimes.push(r.file);
  tryTimes.push(r.tryIt);
}
// Served: serve builds the matrix for the request, then Chromium parses and
// lays it out; file: Chromium's part alone; try-it: the served page on
// serve's second origin (a prediction and a button more per row).
for (const [kind, t] of [["served", times], ["file", fileTimes], ["try-it, served", tryTimes]]) {
  t.sort((a, b) => a - b);
  console.log(
    `matrix page load, 200 routes (${bigCells} cells), ${kind}, DOMContentLoaded: median ${t[2].toFixed(0)} ms (min ${t[0].toFixed(0)}, max ${t[4].toFixed(0)}; measured, not asserted)`,
  );
}

await browser.close();
for (const f of failures.slice(0, 50)) console.log(`FAIL ${f}`);
if (benchOnly) process.exit(0);
console.log(`browser matrix pages: ${checked} cells checked, ${tried} try-it fetches checked, ${failures.length} disagree`);
process.exit(failures.length ? 1 : 0);
