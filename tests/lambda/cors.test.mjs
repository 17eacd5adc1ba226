// Drives the generated Node helpers (golden/<case>/lambda-node/cors.mjs) with
// the REST (v1) and HTTP API (v2) events of scenarios.json, shared with the
// Python runner so both helpers are held to the same expectations.
// Run: node --test tests/lambda/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const scenarios = JSON.parse(readFileSync(path.join(here, "scenarios.json"), "utf8"));

const handlers = {
  ok: async () => ({
    statusCode: 200,
    headers: { "Content-Type": "text/plain", "access-control-allow-origin": "https://evil.example" },
    body: "ok",
  }),
  vary: async () => ({ statusCode: 200, headers: { vary: "Accept-Encoding" }, body: "x" }),
  throws: async () => {
    throw new Error("boom (expected by the test)");
  },
  bare: async () => ({ items: [] }),
  // Issue 12: a Vary (and a CORS header) in multiValueHeaders, beside Set-Cookie.
  multi_vary: async () => ({
    statusCode: 200,
    headers: { "Content-Type": "text/plain" },
    multiValueHeaders: {
      Vary: ["Accept-Encoding", "Cookie"],
      "Set-Cookie": ["a=1", "b=2"],
      "Access-Control-Allow-Origin": ["https://evil.example"],
    },
    body: "x",
  }),
  // Issue 12: headers that are not a map must not break the helper.
  string_headers: async () => ({ statusCode: 200, headers: "Content-Type: text/plain", body: "x" }),
};

/** The CORS part of a header map (access-control-* and Vary), keyed as sent. */
function corsPart(headers) {
  return Object.fromEntries(
    Object.entries(headers ?? {}).filter(([k]) => k.toLowerCase().startsWith("access-control-") || k.toLowerCase() === "vary"),
  );
}

for (const s of scenarios) {
  test(`${s.case}: ${s.name}`, async () => {
    const mod = await import(pathToFileURL(path.join(root, "golden", s.case, "lambda-node", "cors.mjs")).href);
    const quiet = console.error;
    console.error = () => {};
    let response;
    try {
      response = await mod.withCors(handlers[s.handler])(structuredClone(s.event), {});
    } finally {
      console.error = quiet;
    }
    assert.equal(response.statusCode, s.expect.statusCode);
    assert.deepEqual(corsPart(response.headers), s.expect.cors);
    for (const [k, v] of Object.entries(s.expect.other ?? {})) assert.equal(response.headers[k], v);
    if (s.expect.multi !== undefined) assert.deepEqual(response.multiValueHeaders, s.expect.multi);
    // No header may appear twice under different spellings.
    const lower = Object.keys(response.headers).map((k) => k.toLowerCase());
    assert.equal(new Set(lower).size, lower.length, `duplicate headers: ${Object.keys(response.headers)}`);
  });
}

test("preflight() is null for events that are not preflights", async () => {
  const mod = await import(pathToFileURL(path.join(root, "golden", "rest-several-origins", "lambda-node", "cors.mjs")).href);
  assert.equal(mod.preflight({ httpMethod: "GET", resource: "/cart", headers: { Origin: "https://shop.example.com" } }), null);
  assert.equal(mod.preflight({ httpMethod: "OPTIONS", resource: "/cart", headers: { Origin: "https://shop.example.com" } }), null);
  assert.deepEqual(mod.corsHeaders("https://shop.example.com"), {
    "Access-Control-Allow-Origin": "https://shop.example.com",
    "Access-Control-Allow-Credentials": "true",
    Vary: "Origin",
  });
  assert.deepEqual(mod.corsHeaders("https://other.example.com"), { Vary: "Origin" });
});
