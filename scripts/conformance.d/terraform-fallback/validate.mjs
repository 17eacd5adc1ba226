// The name checks of the terraform fallback (see check.mjs): what
// `terraform validate` would reject in a module by name alone.
//
// Input: the module's files as parsed by HashiCorp's HCL parser (hcl2json:
// blocks become objects keyed by their labels, a block body is an array of
// bodies, expressions are "${...}" strings), and the provider schema from
// provider-schema.mjs. Output: one line per finding, "file:line: what; fix".
//
// The language's own names (top-level blocks, variable/output/terraform
// arguments, meta-arguments, lifecycle) are from the Terraform language docs:
// https://developer.hashicorp.com/terraform/language (Resources > Meta-arguments,
// Variables, Outputs, Terraform settings).

const TOP_LEVEL = ["check", "data", "import", "locals", "module", "moved", "output", "provider", "removed", "resource", "terraform", "variable"];
const META_ARGS = ["count", "depends_on", "for_each", "provider"];
const META_BLOCKS = ["connection", "lifecycle", "provisioner"];
const LIFECYCLE = ["create_before_destroy", "ignore_changes", "postcondition", "precondition", "prevent_destroy", "replace_triggered_by"];
const BLOCK_ARGS = {
  variable: ["default", "description", "ephemeral", "nullable", "sensitive", "type", "validation"],
  output: ["depends_on", "description", "ephemeral", "precondition", "sensitive", "value"],
  terraform: ["backend", "cloud", "experiments", "provider_meta", "required_providers", "required_version"],
};
// Reference roots that are not declarations of this module.
const BUILTIN_ROOTS = ["count", "each", "path", "self", "terraform"];

function levenshtein(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

// "; did you mean "x"?" for the closest candidate, when it is close enough.
function suggest(word, candidates) {
  let best = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? `; did you mean "${best}"?` : "";
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// "file:line" of the first line naming WORD, after the line holding AFTER.
function locate(file, word, after) {
  const lines = file.text.split("\n");
  let start = 0;
  if (after) {
    const at = lines.findIndex((l) => l.includes(after));
    if (at >= 0) start = at;
  }
  const re = new RegExp(`(^|[^\\w])${escapeRe(word)}([^\\w]|$)`);
  for (let i = start; i < lines.length; i++) if (re.test(lines[i])) return `${file.name}:${i + 1}`;
  return file.name;
}

// Findings in file order, then line order ("main.tf:12: ...").
function byPlace(a, b) {
  const [, fa, la] = /^([^:]*):?(\d*)/.exec(a);
  const [, fb, lb] = /^([^:]*):?(\d*)/.exec(b);
  return fa.localeCompare(fb) || Number(la || 0) - Number(lb || 0) || a.localeCompare(b);
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const bodies = (v) => (Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : []);

export async function validateModule(files, schema, referencesIn) {
  const findings = [];
  const declared = { variable: new Map(), locals: new Map(), resource: new Map(), data: new Map(), module: new Map(), output: new Map() };
  const scans = []; // [file, where, value] whose references are checked last

  const declare = (kind, key, file, header) => {
    if (declared[kind].has(key)) {
      findings.push(`${locate(file, key.split(".").pop(), header)}: duplicate ${kind} "${key}" (also declared in ${declared[kind].get(key)})`);
    } else {
      declared[kind].set(key, file.name);
    }
  };

  // checkBody: the arguments and nested blocks of one body against its schema.
  function checkBody(file, header, where, body, sb, meta) {
    const present = new Set();
    for (const [key, value] of Object.entries(body)) {
      if (meta && META_ARGS.includes(key)) continue;
      if (meta && key === "lifecycle") {
        for (const lc of bodies(value)) {
          for (const k of Object.keys(lc)) {
            if (!LIFECYCLE.includes(k)) findings.push(`${locate(file, k, header)}: ${where} lifecycle: unsupported argument "${k}"${suggest(k, LIFECYCLE)}`);
          }
        }
        continue;
      }
      if (meta && META_BLOCKS.includes(key)) continue;
      if (key === "dynamic") {
        for (const [name, dyn] of Object.entries(isObject(value) ? value : {})) {
          const block = sb.blocks[name];
          if (!block) {
            findings.push(`${locate(file, name, header)}: ${where}: dynamic block of an unsupported block type "${name}"${suggest(name, Object.keys(sb.blocks))}`);
            continue;
          }
          present.add(name);
          for (const d of bodies(dyn)) for (const content of bodies(d.content)) checkBody(file, header, `${where} > ${name}`, content, block.body, false);
        }
        continue;
      }
      if (sb.args[key]) {
        present.add(key);
        continue;
      }
      const block = sb.blocks[key];
      if (block) {
        present.add(key);
        for (const nested of bodies(value)) checkBody(file, header, `${where} > ${key}`, nested, block.body, false);
        continue;
      }
      const names = [...Object.keys(sb.args), ...Object.keys(sb.blocks)];
      findings.push(`${locate(file, key, header)}: ${where}: unsupported argument or block type "${key}"${suggest(key, names)}`);
    }
    for (const [name, spec] of [...Object.entries(sb.args), ...Object.entries(sb.blocks)]) {
      if (spec.required && !present.has(name)) {
        const kind = sb.args[name] ? "argument" : "block";
        findings.push(`${locate(file, header.split(" ")[0], header)}: ${where}: missing required ${kind} "${name}"`);
      }
    }
  }

  // checkFixed: a language block (variable, output, terraform) with a fixed set of arguments.
  function checkFixed(file, header, where, body, allowed) {
    for (const key of Object.keys(body)) {
      if (!allowed.includes(key)) findings.push(`${locate(file, key, header)}: ${where}: unsupported argument "${key}"${suggest(key, allowed)}`);
    }
  }

  for (const file of files) {
    for (const [top, value] of Object.entries(file.json)) {
      if (!TOP_LEVEL.includes(top)) {
        findings.push(`${locate(file, top)}: unsupported block type "${top}"${suggest(top, TOP_LEVEL)}`);
        continue;
      }
      if (top === "resource" || top === "data") {
        for (const [type, byName] of Object.entries(value)) {
          const types = schema[top];
          for (const [name, list] of Object.entries(byName)) {
            const header = `${top} "${type}" "${name}"`;
            const key = `${type}.${name}`;
            for (const body of bodies(list)) {
              declare(top, key, file, header);
              scans.push([file, header, body]);
              if (!types[type]) {
                findings.push(`${locate(file, type, header)}: ${header}: the aws provider ${schema.provider} has no ${top === "data" ? "data source" : "resource type"} "${type}"${suggest(type, Object.keys(types))}`);
                continue;
              }
              checkBody(file, header, header, body, types[type], true);
            }
          }
        }
      } else if (top === "variable" || top === "output") {
        for (const [name, list] of Object.entries(value)) {
          const header = `${top} "${name}"`;
          for (const body of bodies(list)) {
            declare(top, name, file, header);
            checkFixed(file, header, header, body, BLOCK_ARGS[top]);
            if (top === "output" && !("value" in body)) findings.push(`${locate(file, name, header)}: ${header}: missing required argument "value"`);
            const { type: _type, default: _default, ...rest } = body; // type and default hold no references
            scans.push([file, header, rest]);
          }
        }
      } else if (top === "terraform") {
        for (const body of bodies(value)) checkFixed(file, "terraform {", "terraform", body, BLOCK_ARGS.terraform);
      } else if (top === "locals") {
        for (const body of bodies(value)) {
          for (const name of Object.keys(body)) declare("locals", name, file, `${name} =`);
          scans.push([file, "locals", body]);
        }
      } else if (top === "module") {
        for (const [name, list] of Object.entries(value)) for (const body of bodies(list)) {
          declare("module", name, file, `module "${name}"`);
          scans.push([file, `module "${name}"`, body]);
        }
      }
    }
  }

  for (const [file, where, body] of scans) await checkReferences(file, where, body);
  return [...new Set(findings)].sort(byPlace);

  async function checkReferences(file, where, body) {
    for (const text of strings(body, true)) {
      if (!/(?<!\$)\$\{/.test(text)) continue;
      let refs;
      try {
        refs = await referencesIn(file.name, text);
      } catch (e) {
        findings.push(`${file.name}: ${where}: expression does not parse: ${String(e.message ?? e)}`);
        continue;
      }
      for (const ref of refs) checkReference(file, where, ref.value.split("."));
    }
  }

  function checkReference(file, where, parts) {
    const [root] = parts;
    const at = () => locate(file, parts.slice(0, 2).join("."), where);
    if (BUILTIN_ROOTS.includes(root)) return;
    if (root === "var" || root === "local" || root === "module") {
      const kind = { var: "variable", local: "locals", module: "module" }[root];
      if (!declared[kind].has(parts[1])) {
        findings.push(`${at()}: ${where}: reference to undeclared ${kind === "locals" ? "local value" : kind} "${parts.slice(0, 2).join(".")}"${suggest(parts[1], declared[kind].keys())}`);
      }
      return;
    }
    const isData = root === "data";
    const [type, name, ...rest] = isData ? parts.slice(1) : parts;
    const kind = isData ? "data" : "resource";
    const key = `${type}.${name}`;
    if (!declared[kind].has(key)) {
      findings.push(`${at()}: ${where}: reference to undeclared ${isData ? "data source" : "resource"} "${parts.slice(0, isData ? 3 : 2).join(".")}"${suggest(key, declared[kind].keys())}`);
      return;
    }
    const attr = rest.find((p) => !/^\d+$/.test(p) && p !== "*");
    const spec = schema[kind][type];
    if (attr && spec && !spec.attrs.includes(attr)) {
      findings.push(`${locate(file, attr, where)}: ${where}: ${type} has no attribute "${attr}"${suggest(attr, spec.attrs)}`);
    }
  }
}

// Every string in a parsed body, except under lifecycle (attribute names there).
function* strings(value, top = false) {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) if (!(top && k === "lifecycle")) yield* strings(v);
  }
}
