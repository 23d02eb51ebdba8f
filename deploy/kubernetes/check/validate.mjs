// Validates Kubernetes manifests against the official API schemas (kubernetes-models: the
// Kubernetes OpenAPI definitions compiled into validators), plus a few rules of this project:
// every container has resources and runs as non-root, and every Deployment has probes; across
// the files given together, a Service selects the pods of a Deployment and never those of a Job;
// a Deployment with a read-only root mounts a writable /tmp (-tls writes there) and gives its
// pods a grace period longer than SPARKMOCK_DRAIN_DELAY plus SPARKMOCK_SHUTDOWN_TIMEOUT.
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

// seconds reads a Go duration made of h, m, s and ms parts ("1m30s", "5s", "250ms").
function seconds(d) {
  let total = 0, rest = String(d);
  for (const m of rest.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001 }[m[2]];
    rest = rest.replace(m[0], "");
  }
  return rest === "" ? total : NaN;
}

function envOf(c, name, fallback) {
  const e = (c.env ?? []).find((e) => e.name === name);
  return e ? e.value : fallback;
}

function selects(selector, labels) {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

// crossRules are the rules between the documents of one run (a Service and the pods it selects).
function crossRules(docs) {
  const problems = [];
  for (const svc of docs.filter((d) => d.kind === "Service")) {
    const where = `Service ${svc.metadata?.name}`;
    const sel = svc.spec?.selector;
    for (const w of docs.filter((d) => d.kind === "Job" || d.kind === "Deployment")) {
      const hit = selects(sel, w.spec?.template?.metadata?.labels);
      if (w.kind === "Job" && hit) problems.push(`${where}: its selector also selects the pods of Job ${w.metadata?.name}`);
    }
    if (!docs.some((w) => w.kind === "Deployment" && selects(sel, w.spec?.template?.metadata?.labels))) {
      problems.push(`${where}: its selector selects no Deployment's pods`);
    }
  }
  return problems;
}

function projectRules(doc) {
  const problems = [];
  const pod = podSpecOf(doc);
  if (!pod) return problems;
  if (doc.kind === "Deployment") {
    for (const c of pod.containers ?? []) {
      if (c.securityContext?.readOnlyRootFilesystem && !(c.volumeMounts ?? []).some((m) => m.mountPath === "/tmp")) {
        problems.push(`container ${c.name}: a read-only root needs a writable /tmp (an emptyDir) for -tls`);
      }
      const drain = envOf(c, "SPARKMOCK_DRAIN_DELAY", "0s"), shutdown = envOf(c, "SPARKMOCK_SHUTDOWN_TIMEOUT", "10s");
      const need = seconds(drain) + seconds(shutdown), grace = pod.terminationGracePeriodSeconds ?? 30;
      if (!(grace > need)) {
        problems.push(`container ${c.name}: terminationGracePeriodSeconds ${grace} must exceed the drain delay ${drain} plus the shutdown timeout ${shutdown}`);
      }
    }
  }
  if (pod.securityContext?.runAsNonRoot !== true) problems.push("pod securityContext.runAsNonRoot must be true");
  for (const c of pod.containers ?? []) {
    if (!c.resources?.requests || !c.resources?.limits) problems.push(`container ${c.name}: resources.requests and limits are required`);
    if (doc.kind === "Deployment" && (!c.readinessProbe || !c.livenessProbe)) problems.push(`container ${c.name}: readinessProbe and livenessProbe are required`);
  }
  return problems;
}

let failed = 0, checked = 0;
const all = [];
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const d of docs) {
    if (d.errors.length) { console.log(`${file}: YAML: ${d.errors[0].message}`); failed++; continue; }
    const doc = d.toJS();
    if (!doc) continue;
    all.push(doc);
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
for (const p of crossRules(all)) { failed++; console.log(`between the files: ${p}`); }
console.log(`${checked} documents checked, ${failed} invalid`);
process.exit(failed || checked === 0 ? 1 : 0);
