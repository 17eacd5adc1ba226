// The Node helper of a policy with [environments] (golden/rest-environments)
// picks its environment from CORSFORM_ENVIRONMENT when it is loaded: set, it
// answers that environment's origins and max age and refuses the other's;
// unset or unknown, it sends no CORS header at all and logs an error.
// Run: node --test tests/lambda/
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const helper = pathToFileURL(path.join(here, "..", "..", "golden", "rest-environments", "lambda-node", "cors.mjs")).href;

let loads = 0;
/** A fresh instance of the helper loaded with CORSFORM_ENVIRONMENT = env (undefined: unset), and what it logged. */
async function load(env) {
  const saved = process.env.CORSFORM_ENVIRONMENT;
  const logged = [];
  const error = console.error;
  if (env === undefined) delete process.env.CORSFORM_ENVIRONMENT;
  else process.env.CORSFORM_ENVIRONMENT = env;
  console.error = (...args) => logged.push(args.join(" "));
  try {
    // A distinct URL is a distinct module instance, so each load reads the variable again.
    const mod = await import(`${helper}?load=${loads++}`);
    return { mod, logged };
  } finally {
    console.error = error;
    if (saved === undefined) delete process.env.CORSFORM_ENVIRONMENT;
    else process.env.CORSFORM_ENVIRONMENT = saved;
  }
}

function preflightEvent(origin) {
  return {
    httpMethod: "OPTIONS",
    resource: "/orders",
    headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
  };
}

function getEvent(origin) {
  return { httpMethod: "GET", resource: "/orders", headers: { origin } };
}

const handler = async () => ({ statusCode: 200, body: "ok" });

test("dev answers its own origins and refuses prod's", async () => {
  const { mod, logged } = await load("dev");
  assert.deepEqual(logged, []);
  for (const origin of ["http://localhost:5173", "https://dev.example.com"]) {
    const pre = mod.preflight(preflightEvent(origin));
    assert.equal(pre.headers["Access-Control-Allow-Origin"], origin);
    assert.equal(pre.headers["Access-Control-Max-Age"], "600");
    const res = await mod.withCors(handler)(getEvent(origin));
    assert.equal(res.headers["Access-Control-Allow-Origin"], origin);
  }
  const pre = mod.preflight(preflightEvent("https://app.example.com"));
  assert.equal(pre.headers["Access-Control-Allow-Origin"], undefined);
});

test("prod answers its own origin with its own max age and refuses dev's", async () => {
  const { mod, logged } = await load("prod");
  assert.deepEqual(logged, []);
  const pre = mod.preflight(preflightEvent("https://app.example.com"));
  assert.equal(pre.headers["Access-Control-Allow-Origin"], "https://app.example.com");
  assert.equal(pre.headers["Access-Control-Max-Age"], "7200");
  for (const origin of ["http://localhost:5173", "https://dev.example.com"]) {
    const res = await mod.withCors(handler)(getEvent(origin));
    assert.equal(res.headers["Access-Control-Allow-Origin"], undefined);
    assert.equal(mod.preflight(preflightEvent(origin)).headers["Access-Control-Allow-Origin"], undefined);
  }
});

for (const [label, env] of [["unset", undefined], ["unknown", "production"], ["empty", ""]]) {
  test(`${label} CORSFORM_ENVIRONMENT: no CORS headers for any origin, and an error logged`, async () => {
    const { mod, logged } = await load(env);
    assert.equal(logged.length, 1);
    assert.match(logged[0], /CORSFORM_ENVIRONMENT/);
    assert.match(logged[0], /dev, prod/);
    for (const origin of ["http://localhost:5173", "https://dev.example.com", "https://app.example.com"]) {
      const pre = mod.preflight(preflightEvent(origin));
      assert.equal(Object.keys(pre.headers).filter((h) => h.toLowerCase().startsWith("access-control-")).length, 0);
      const res = await mod.withCors(handler)(getEvent(origin));
      assert.equal(Object.keys(res.headers).filter((h) => h.toLowerCase().startsWith("access-control-")).length, 0);
      assert.equal(res.statusCode, 200);
    }
  });
}
