// What scripts/conformance runs instead of `terraform validate` and
// `terraform fmt -check` when terraform is missing (and beside terraform
// otherwise, so this path is exercised on every run and cannot rot).
//
//   node check.mjs MODULES_DIR SCHEMA_CACHE REPORT_DIR MODULE_DIR...
//
// MODULES_DIR holds node_modules (installed by scripts/conformance from this
// folder's package-lock.json). For module number i (from 0) it writes
// REPORT_DIR/i.validate and REPORT_DIR/i.fmt: empty when the check passed,
// the findings otherwise. Exit 0 when every module was checked (passed or
// not), 2 when the checker itself could not run.
//
// fmt:      HashiCorp's hclwrite.Format, compiled to wasm (@cdktf/hcl-tools),
//           must leave every .tf file byte for byte as it is. `terraform fmt`
//           is that formatter plus rewrites of legacy 0.11 syntax, which
//           corsform never writes.
// validate: HashiCorp's HCL parser, compiled to wasm (@cdktf/hcl2json), must
//           accept every file; then, by name (./validate.mjs): block types,
//           resource and data source types, their arguments and nested blocks
//           against the aws provider schema (./provider-schema.mjs), required
//           arguments, and every reference (var., local., resources, data
//           sources and their attributes). Unlike terraform validate it does
//           not check value types or provider-side validation.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { loadSchema } from "./provider-schema.mjs";
import { validateModule } from "./validate.mjs";

const [modulesDir, schemaCache, reportDir, ...moduleDirs] = process.argv.slice(2);
if (!modulesDir || !schemaCache || !reportDir) {
  console.error("usage: node check.mjs MODULES_DIR SCHEMA_CACHE REPORT_DIR MODULE_DIR...");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(modulesDir), "package.json"));
const { parse, getReferencesInExpression } = require("@cdktf/hcl2json");
const { format } = require("@cdktf/hcl-tools");

// unifiedDiff: `diff -u` of the file as written and as the formatter wants it.
function unifiedDiff(file, text, formatted) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "corsform-fmt-"));
  const want = path.join(tmp, path.basename(file));
  fs.writeFileSync(want, formatted);
  try {
    execFileSync("diff", ["-u", "--label", file, "--label", `${file} (formatted)`, file, want], { encoding: "utf8" });
    return "";
  } catch (e) {
    return e.stdout || String(e);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function checkModule(dir, schema) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".tf")).sort();
  const fmt = [];
  const parsed = [];
  const syntax = [];
  if (files.length === 0) syntax.push(`${dir}: no .tf file`);
  for (const name of files) {
    const file = path.join(dir, name);
    const text = fs.readFileSync(file, "utf8");
    try {
      parsed.push({ name, text, json: await parse(name, text) });
    } catch (e) {
      syntax.push(`${name}: HCL syntax: ${String(e.message ?? e).replace(/^parse config: /, "")}`);
      continue;
    }
    const formatted = await format(text);
    if (formatted !== text) fmt.push(`${name} is not formatted as terraform fmt would:\n${unifiedDiff(file, text, formatted)}`);
  }
  const validate = syntax.length ? syntax : await validateModule(parsed, schema, getReferencesInExpression);
  return { validate, fmt };
}

try {
  const schema = loadSchema(modulesDir, schemaCache);
  fs.mkdirSync(reportDir, { recursive: true });
  for (const [i, dir] of moduleDirs.entries()) {
    const { validate, fmt } = await checkModule(dir, schema);
    fs.writeFileSync(path.join(reportDir, `${i}.validate`), validate.map((l) => `${l}\n`).join(""));
    fs.writeFileSync(path.join(reportDir, `${i}.fmt`), fmt.join(""));
  }
  console.log(`aws provider ${schema.provider} names from @cdktf/provider-aws ${schema.package}`);
} catch (e) {
  console.error(`terraform fallback could not run: ${e.stack ?? e}`);
  process.exit(2);
}
