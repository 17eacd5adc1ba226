// The aws provider's resource and data-source schema (names only), read from
// the jsii assembly that ships in npm @cdktf/provider-aws.
//
// Why this source: without terraform there is no `terraform providers schema`,
// but the CDKTF bindings were generated from that very schema, and their
// assembly (node_modules/@cdktf/provider-aws/.jsii, one JSON document) keeps
// every Terraform name in its docs: a resource class says "Represents a
// {@link .../docs/resources/api_gateway_rest_api aws_api_gateway_rest_api}", and
// each property of its config struct links to "...#rest_api_id ...". Nested
// blocks are config properties typed as another struct (or a list of one).
//
// The result is compact JSON, cached by the caller:
//   { provider: "5.99.1", package: "19.65.1",
//     resource: { aws_x: Body }, data: { aws_x: Body } }
//   Body = { args: { name: { required } }, blocks: { name: { required, body: Body } },
//            attrs: [names that can be referenced, computed ones included] }

import fs from "node:fs";

const LINK = /\{@link https:\/\/registry\.terraform\.io\/providers\/hashicorp\/aws\/([^/]+)\/docs\/(resources|data-sources)\/\S+ (aws_\w+)\}/;
const ARG = /#(\w+) \w+#\w+\}/;

// camelCase getter -> snake_case Terraform attribute (computed attributes
// have no docs link; the generator made their getter names this way).
const snake = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// The struct a property's type names, if any, and whether it is a list of it.
function structOf(type, types) {
  if (type.union) {
    for (const t of type.union.types) {
      const found = structOf(t, types);
      if (found) return found;
    }
    return null;
  }
  if (type.collection?.kind === "array") {
    const inner = structOf(type.collection.elementtype, types);
    return inner && { ...inner, list: true };
  }
  const t = type.fqn && types[type.fqn];
  return t && t.kind === "interface" && t.datatype ? { fqn: type.fqn, list: false } : null;
}

function bodyOf(structFqn, types, seen = new Set()) {
  const body = { args: {}, blocks: {}, attrs: [] };
  if (seen.has(structFqn)) return body; // recursive structs (rare): stop
  seen = new Set(seen).add(structFqn);
  for (const prop of types[structFqn]?.properties ?? []) {
    const docs = `${prop.docs?.summary ?? ""} ${prop.docs?.remarks ?? ""}`;
    const name = ARG.exec(docs)?.[1];
    if (!name) continue;
    const required = !prop.optional;
    const struct = structOf(prop.type, types);
    if (struct) {
      body.blocks[name] = { required, body: bodyOf(struct.fqn, types, seen) };
    } else {
      body.args[name] = { required };
    }
  }
  return body;
}

// The config struct: the third parameter of the construct's initializer.
function configFqn(cls) {
  return cls.initializer?.parameters?.[2]?.type?.fqn;
}

export function extractSchema(jsiiPath) {
  const assembly = JSON.parse(fs.readFileSync(jsiiPath, "utf8"));
  const types = assembly.types;
  const schema = { package: assembly.version, provider: null, resource: {}, data: {} };
  for (const cls of Object.values(types)) {
    if (cls.kind !== "class") continue;
    if (cls.base !== "cdktf.TerraformResource" && cls.base !== "cdktf.TerraformDataSource") continue;
    const link = LINK.exec(cls.docs?.summary ?? "");
    const config = configFqn(cls);
    if (!link || !config) continue;
    const [, provider, kind, tfType] = link;
    schema.provider ??= provider;
    const body = bodyOf(config, types);
    const attrs = new Set([...Object.keys(body.args), ...Object.keys(body.blocks)]);
    for (const prop of cls.properties ?? []) {
      if (prop.static || prop.name.endsWith("Input")) continue;
      attrs.add(snake(prop.name));
    }
    body.attrs = [...attrs].sort();
    schema[kind === "resources" ? "resource" : "data"][tfType] = body;
  }
  return schema;
}

// loadSchema(modulesDir, cacheFile): the cached schema, extracted on first use.
export function loadSchema(modulesDir, cacheFile) {
  if (fs.existsSync(cacheFile)) return JSON.parse(fs.readFileSync(cacheFile, "utf8"));
  const schema = extractSchema(`${modulesDir}/node_modules/@cdktf/provider-aws/.jsii`);
  if (Object.keys(schema.resource).length < 1000) {
    throw new Error(`only ${Object.keys(schema.resource).length} resource types read from @cdktf/provider-aws: its assembly format changed`);
  }
  const tmp = `${cacheFile}.${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(schema));
  fs.renameSync(tmp, cacheFile);
  return schema;
}
