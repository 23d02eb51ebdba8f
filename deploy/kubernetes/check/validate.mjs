// Validates Kubernetes manifests against the official API schemas (kubernetes-models: the
// Kubernetes OpenAPI definitions compiled into validators), plus a few rules of this project:
// every container has resources and runs as non-root, and every Deployment has probes.
// Usage: node validate.mjs FILE...   Exit code 1 when any document is invalid.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as apps from "kubernetes-models/apps/v1";
import * as core from "kubernetes-models/v1";
import * as batch from "kubernetes-models/batch/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";

const models = {
  "apps/v1": apps, "v1": core, "batch/v1": batch, "autoscaling/v2": autoscaling,
};

function podSpecOf(doc) {
  if (doc.kind === "Deployment" || doc.kind === "Job") return doc.spec?.template?.spec;
  return undefined;
}

function projectRules(doc) {
  const problems = [];
  const pod = podSpecOf(doc);
  if (!pod) return problems;
  if (pod.securityContext?.runAsNonRoot !== true) problems.push("pod securityContext.runAsNonRoot must be true");
  for (const c of pod.containers ?? []) {
    if (!c.resources?.requests || !c.resources?.limits) problems.push(`container ${c.name}: resources.requests and limits are required`);
    if (doc.kind === "Deployment" && (!c.readinessProbe || !c.livenessProbe)) problems.push(`container ${c.name}: readinessProbe and livenessProbe are required`);
  }
  return problems;
}

let failed = 0, checked = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const d of docs) {
    if (d.errors.length) { console.log(`${file}: YAML: ${d.errors[0].message}`); failed++; continue; }
    const doc = d.toJS();
    if (!doc) continue;
    const where = `${file}: ${doc.kind ?? "?"} ${doc.metadata?.name ?? "?"}`;
    const Model = models[doc.apiVersion]?.[doc.kind];
    if (!Model) { console.log(`${where}: no schema for apiVersion ${doc.apiVersion} kind ${doc.kind}`); failed++; continue; }
    checked++;
    const problems = [];
    try { new Model(doc).validate(); } catch (e) { problems.push(e.message); }
    problems.push(...projectRules(doc));
    if (problems.length) { failed++; console.log(`${where}: INVALID\n  ${problems.join("\n  ")}`); }
    else console.log(`${where}: valid`);
  }
}
console.log(`${checked} documents checked, ${failed} invalid`);
process.exit(failed || checked === 0 ? 1 : 0);
