// Checks Kubernetes manifests against the API's schemas, offline, in two passes:
//  1. every document is looked up by apiVersion and kind in kubernetes-models (Kubernetes' OpenAPI
//     schemas compiled to validators) or @kubernetes-models/istio (Istio's CRDs) and validated:
//     types, required fields, formats;
//  2. the same documents as TypeScript object literals typed with kubernetes-types (Istio's with
//     the models' interfaces), so that the compiler's excess-property check finds any field the
//     API does not have (a typo such as `completionMod`, which the API server would drop).
// One line per document; exit 1 on any error or unknown kind.
//   node tools/k8s-validate/validate.mjs deploy/k8s/*.yaml
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));

// The TypeScript type of a kind: [module, type name].
function typeOf(apiVersion, kind) {
  if (apiVersion.includes("istio.io/")) return [`@kubernetes-models/istio/${apiVersion}/${kind}`, `I${kind}`];
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  return [`kubernetes-types/${group.split(".")[0]}/${version}`, kind];
}

// "apps/v1" + "Deployment" -> the module that holds its model.
function modulePath(apiVersion, kind) {
  if (apiVersion.includes("istio.io/")) return `@kubernetes-models/istio/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

let failed = 0;
const typed = [];  // [where, apiVersion, kind, object] for the second pass
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      console.log(`${file}: YAML error: ${doc.errors[0].message}`);
      failed++;
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    const where = `${file}: ${object.kind ?? "?"} ${object.metadata?.name ?? "?"}`;
    let Model;
    try {
      const mod = await import(modulePath(String(object.apiVersion), String(object.kind)));
      Model = mod[object.kind];
    } catch {
      console.log(`${where}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      failed++;
      continue;
    }
    try {
      new Model(object).validate();
      typed.push([where, String(object.apiVersion), String(object.kind), object]);
    } catch (e) {
      console.log(`${where}: INVALID: ${e.message.split("\n").slice(0, 5).join(" ")}`);
      failed++;
    }
  }
}
// Pass 2: one .ts file, a typed constant per document; diagnostics mapped back by line.
const dir = mkdtempSync(join(tmpdir(), "loadgen-k8s-"));
const file = join(here, ".manifests-check.ts");
let source = "";
const firstLine = [];
typed.forEach(([, apiVersion, kind, object], i) => {
  const [module, type] = typeOf(apiVersion, kind);
  firstLine.push(source.split("\n").length - 1);
  source += `import type { ${type} as T${i} } from "${module}";\nexport const d${i}: T${i} = ${JSON.stringify(object, null, 1)};\n`;
});
writeFileSync(file, source);
const program = ts.createProgram([file], { strict: true, noEmit: true, module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] });
const bad = new Map();
for (const d of ts.getPreEmitDiagnostics(program)) {
  const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line : 0;
  let doc = 0;
  while (doc + 1 < firstLine.length && firstLine[doc + 1] <= line) doc++;
  if (!bad.has(doc)) bad.set(doc, ts.flattenDiagnosticMessageText(d.messageText, " ").slice(0, 300));
}
rmSync(file, { force: true });
rmSync(dir, { recursive: true, force: true });
typed.forEach(([where, apiVersion], i) => {
  if (bad.has(i)) {
    console.log(`${where}: INVALID: ${bad.get(i)}`);
    failed++;
  } else {
    console.log(`${where}: valid (${apiVersion})`);
  }
});
process.exit(failed > 0 ? 1 : 0);
