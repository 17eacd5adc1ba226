// The probe and audit pages in real Chromium (issue 32).
//
// probe: `corsform serve` on loopback answers for a golden policy; `probe
// --format html` and `--format json` of it are taken twice, once against the
// policy it serves (everything agrees) and once against a drifted copy (an
// origin renamed, so some checks differ). The page, opened from a file, must
// hold one cell per JSON check (origin, path, kind, method, asked method and
// headers), each with the JSON's verdict (allowed, blocked, no answer) and
// its agreement with the policy (`data-ok`).
//
// audit: `audit --format html` and `--format json` of three golden-audit
// cases audited together (a Terraform API over two files, a SAM API, two
// unreadable files); every JSON finding must be one row of the page, with the
// same file, rule, severity, line, column, message and help, under a section
// per API.
//
// Both: the page makes no request but itself. Screenshots:
// docs/book/src/images/probe.png (the drifted probe) and audit.png.
//
// Usage: node tests/browser/reports.mjs
// Env: CORSFORM_BIN (default target/release/corsform), CHROMIUM (default: chromium on PATH).

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setup } from "./chromium.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BIN = process.env.CORSFORM_BIN ? resolve(process.env.CORSFORM_BIN) : join(ROOT, "target/release/corsform");
const IMAGES = join(ROOT, "docs/book/src/images");



const { chromium, chromiumPath } = await setup("browser probe and audit pages test", BIN);

const work = mkdtempSync(join(tmpdir(), "corsform-reports-"));
const children = [];
process.on("exit", () => {
  for (const c of children) c.kill();
  rmSync(work, { recursive: true, force: true });
});

/** corsform's stdout when it exits with one of `codes` (probe and audit
 * exit 1 on findings; audit 2 when a file cannot be read, reported all the same). */
function corsform(args, codes = [0, 1], cwd = ROOT) {
  try {
    return execFileSync(BIN, args, { encoding: "utf8", maxBuffer: 256 << 20, cwd, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    if (codes.includes(e.status) && e.stdout) return e.stdout;
    throw new Error(`corsform ${args.join(" ")} exited ${e.status}:\n${e.stderr}`);
  }
}

function startServe(file) {
  return new Promise((ok, fail) => {
    const child = spawn(BIN, ["serve", file, "--listen", "127.0.0.1:0", "--quiet"], { stdio: ["ignore", "ignore", "pipe"], cwd: ROOT });
    children.push(child);
    let log = "";
    child.stderr.on("data", (d) => {
      log += d;
      const m = log.match(/^corsform serve: .* on (http:\/\/127\.0\.0\.1:\d+)\s*$/m);
      if (m) ok({ child, url: m[1] });
    });
    child.on("exit", (code) => fail(new Error(`corsform serve exited ${code}:\n${log}`)));
    setTimeout(() => fail(new Error(`corsform serve did not start in 10 s:\n${log}`)), 10_000);
  });
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
const failures = [];

/** Open an HTML string from a file; the page and every request it made. */
async function open(name, html) {
  const file = join(work, name);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: "load" });
  return { page, url, requests };
}

function noOtherRequests(label, { url, requests }) {
  for (const r of requests) if (r !== url) failures.push(`${label}: a request outside the page: ${r}`);
}

async function shot(page, name) {
  mkdirSync(IMAGES, { recursive: true });
  await page.screenshot({ path: join(IMAGES, name) });
  console.log(`screenshot: docs/book/src/images/${name}`);
}

// ---- probe ----
const GOLDEN = "golden/rest-several-origins/policy.toml";
const served = await startServe(GOLDEN);
const drifted = join(work, "drifted.toml");
const text = readFileSync(join(ROOT, GOLDEN), "utf8");
writeFileSync(drifted, text.replaceAll("https://shop.example.com", "https://new-shop.example.com"));
if (readFileSync(drifted, "utf8") === text) failures.push("probe: the drifted policy is the golden one (no origin renamed)");

// The drifted policy is read from the work folder by its bare name, so the
// page (and the screenshot) names `drifted.toml`.
for (const [label, policy, cwd, screenshot] of [
  ["probe (as deployed)", GOLDEN, ROOT, null],
  ["probe (drifted policy)", "drifted.toml", work, "probe.png"],
]) {
  const json = JSON.parse(corsform(["probe", served.url, "--policy", policy, "--format", "json"], [0, 1], cwd));
  const opened = await open(`${label.replace(/\W+/g, "-")}.html`, corsform(["probe", served.url, "--policy", policy, "--format", "html"], [0, 1], cwd));
  const cells = await opened.page.$$eval("td[data-verdict]", (tds) =>
    tds.map((td) => ({ ...td.dataset })),
  );
  const key = (o, path, kind, method, rm, rh) => JSON.stringify([o, path, kind, method, rm, rh]);
  const want = new Map();
  for (const c of json.checks) {
    const k = key(c.origin.value, c.path, c.kind, c.method, c.request_method || "", (c.request_headers || []).join(","));
    if (want.has(k)) failures.push(`${label}: two JSON checks share a cell: ${k}`);
    want.set(k, { verdict: c.browser, ok: String(c.ok) });
    // Against the policy serve answers with, the deployment lets in exactly
    // the origins the policy allows: the JSON's browser verdict, checked
    // against something it is not computed from.
    if (!screenshot && c.kind !== "no_route" && c.browser !== (c.allowed ? "allowed" : "blocked"))
      failures.push(`${label}: ${k}: the browser verdict is ${c.browser}, but the policy ${c.allowed ? "allows" : "refuses"} the origin`);
  }
  const seen = new Set();
  for (const c of cells) {
    const k = key(c.origin, c.path, c.kind, c.method, c.requestMethod, c.requestHeaders);
    const w = want.get(k);
    if (!w) failures.push(`${label}: a cell probe's JSON does not have: ${k}`);
    else if (w.verdict !== c.verdict || w.ok !== c.ok) failures.push(`${label}: ${k}: page ${c.verdict}/ok=${c.ok}, JSON ${w.verdict}/ok=${w.ok}`);
    if (seen.has(k)) failures.push(`${label}: two cells for ${k}`);
    seen.add(k);
  }
  for (const k of want.keys()) if (!seen.has(k)) failures.push(`${label}: no cell for ${k}`);
  const differ = json.checks.filter((c) => !c.ok).length;
  if (screenshot && differ === 0) failures.push(`${label}: nothing differs, so the drift is not exercised`);
  if (!screenshot && differ !== 0) failures.push(`${label}: ${differ} checks differ from the policy serve answers with`);
  noOtherRequests(label, opened);
  console.log(`${label}: ${cells.length} cells, ${json.checks.length} JSON checks, ${differ} differ from the policy`);
  if (screenshot) {
    // One differing cell opened, so the screenshot shows the difference.
    await opened.page.locator("td[data-ok=false] details").first().evaluate((d) => (d.open = true));
    await shot(opened.page, screenshot);
  }
  await opened.page.close();
}
served.child.kill();

// ---- audit ----
const CASES = ["golden-audit/tf-guide-rest-cors", "golden-audit/sam-comma-origins", "golden-audit/unreadable-files"];
{
  const label = "audit";
  const json = JSON.parse(corsform(["audit", ...CASES, "--format", "json"], [0, 1, 2]));
  const opened = await open("audit.html", corsform(["audit", ...CASES, "--format", "html"], [0, 1, 2]));
  const rows = await opened.page.$$eval("tr[data-code]", (trs) =>
    trs.map((tr) => ({
      file: tr.dataset.file,
      code: tr.dataset.code,
      severity: tr.dataset.severity,
      line: Number(tr.dataset.line),
      column: Number(tr.dataset.column),
      message: tr.querySelector("p.msg")?.textContent ?? "",
      help: tr.querySelector("p.help")?.textContent.replace(/^help: /, "") ?? null,
      api: tr.closest("section")?.querySelector("h2")?.textContent ?? null,
      source: tr.querySelector("pre")?.textContent ?? "",
    })),
  );
  const key = (f) => JSON.stringify([f.file, f.code, f.severity, f.line, f.column, f.message, f.help ?? null]);
  const want = json.findings.map(key).sort();
  const got = rows.map(key).sort();
  for (const k of want) if (!got.includes(k)) failures.push(`${label}: no row for the JSON finding ${k}`);
  for (const k of got) if (!want.includes(k)) failures.push(`${label}: a row the JSON does not have: ${k}`);
  if (want.length !== got.length) failures.push(`${label}: ${got.length} rows, ${want.length} JSON findings`);
  for (const r of rows) {
    if (!r.api) failures.push(`${label}: ${r.file}:${r.line} ${r.code} is in no API section`);
    if (r.line > 0 && !r.source.includes(`${String(r.line).padStart(4)} | `)) failures.push(`${label}: ${r.file}:${r.line} ${r.code}: its source line is not shown`);
  }
  const apis = [...new Set(rows.map((r) => r.api))];
  if (apis.length < 3) failures.push(`${label}: ${apis.length} API sections, want 3: ${apis.join("; ")}`);
  noOtherRequests(label, opened);
  console.log(`${label}: ${rows.length} rows, ${json.findings.length} JSON findings, ${apis.length} sections (${apis.join("; ")})`);
  await shot(opened.page, "audit.png");
  await opened.page.close();
}

await browser.close();
for (const f of failures.slice(0, 50)) console.log(`FAIL ${f}`);
console.log(`browser probe and audit pages: ${failures.length} disagree`);
process.exit(failures.length ? 1 : 0);
