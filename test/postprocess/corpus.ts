/** Test helper: pod templates from Istio's golden corpus (read from ../shared, never copied). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { Json, JsonObject, PodTemplate } from '../../src/kube/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = path.resolve(repoRoot, '../shared/istio-conformance');

export function readDocs(rel: string): JsonObject[] {
  const text = readFileSync(path.join(corpusDir, rel), 'utf8');
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as Json)
    .filter((d): d is JsonObject => typeof d === 'object' && d !== null && !Array.isArray(d));
}

/** The pod template of a workload document (`undefined` for kinds without one). */
export function podTemplateOf(doc: JsonObject): PodTemplate | undefined {
  const kind = doc.kind;
  const spec = doc.spec as JsonObject | undefined;
  let t: JsonObject | undefined;
  if (kind === 'Pod') t = { metadata: doc.metadata ?? {}, spec: doc.spec ?? {} } as JsonObject;
  else if (kind === 'CronJob') t = ((spec?.jobTemplate as JsonObject | undefined)?.spec as JsonObject | undefined)?.template as JsonObject | undefined;
  else if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'DeploymentConfig'].includes(String(kind))) {
    t = spec?.template as JsonObject | undefined;
  } else if (kind === 'List') return undefined;
  if (!t || typeof t.spec !== 'object') return undefined;
  return t as unknown as PodTemplate;
}

/** Every pod template in a corpus file (List items included). */
export function podTemplates(rel: string): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const doc of readDocs(rel)) {
    const items = doc.kind === 'List' && Array.isArray(doc.items) ? (doc.items as JsonObject[]) : [doc];
    for (const item of items) {
      const t = podTemplateOf(item);
      if (t) out.push(t);
    }
  }
  return out;
}

export function firstPod(rel: string): PodTemplate {
  const t = podTemplates(rel)[0];
  if (!t) throw new Error(`no pod template in ${rel}`);
  return structuredClone(t);
}

export function container(pod: PodTemplate, name: string): JsonObject {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers] as unknown as JsonObject[];
  const c = all.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

export function envOf(c: JsonObject, name: string): string | undefined {
  const env = (c.env ?? []) as JsonObject[];
  const e = env.find((x) => x.name === name);
  return e ? String(e.value) : undefined;
}
