/**
 * Which resources hold pod templates, and where: a kind -> path table instead of reflection on
 * the object (Istio's IntoObject). Built-in entries match by kind whatever the apiVersion, as
 * istioctl kube-inject does (it registers its kinds unversioned), except Argo Rollouts which
 * match by group. Users add CRDs through the function config. This module does not decide
 * whether to inject; it only finds pod templates.
 */
import { isObject, type Json, type JsonObject } from './types.js';

export interface WorkloadKindEntry {
  /** `group/version`, `group/*` (any version), or undefined for any apiVersion. */
  apiVersion?: string;
  kind: string;
  /** Dotted path of the pod template; `.` means the object itself is the pod. */
  podTemplatePath: string;
}

export const BUILTIN_WORKLOAD_KINDS: readonly WorkloadKindEntry[] = [
  { kind: 'Pod', podTemplatePath: '.' },
  { kind: 'Deployment', podTemplatePath: 'spec.template' },
  { kind: 'StatefulSet', podTemplatePath: 'spec.template' },
  { kind: 'DaemonSet', podTemplatePath: 'spec.template' },
  { kind: 'ReplicaSet', podTemplatePath: 'spec.template' },
  { kind: 'ReplicationController', podTemplatePath: 'spec.template' },
  { kind: 'Job', podTemplatePath: 'spec.template' },
  { kind: 'CronJob', podTemplatePath: 'spec.jobTemplate.spec.template' },
  { kind: 'DeploymentConfig', podTemplatePath: 'spec.template' },
  { apiVersion: 'argoproj.io/*', kind: 'Rollout', podTemplatePath: 'spec.template' },
];

export type Path = (string | number)[];

export function parsePath(dotted: string): Path {
  return dotted === '.' ? [] : dotted.split('.');
}

export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += (out ? '.' : '') + p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

function apiVersionMatches(pattern: string | undefined, apiVersion: string): boolean {
  if (pattern === undefined) return true;
  if (pattern.endsWith('/*')) return apiVersion.startsWith(pattern.slice(0, -1));
  return pattern === apiVersion;
}

/** The first table entry that matches the object's apiVersion and kind (user entries come first). */
export function findWorkloadKind(obj: JsonObject, table: readonly WorkloadKindEntry[]): WorkloadKindEntry | undefined {
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  return table.find((e) => e.kind === kind && apiVersionMatches(e.apiVersion, apiVersion));
}

export function getIn(obj: Json | undefined, path: Readonly<Path>): Json | undefined {
  let cur: Json | undefined = obj;
  for (const p of path) {
    if (typeof p === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[p];
    } else {
      if (!isObject(cur)) return undefined;
      cur = Object.hasOwn(cur, p) ? cur[p] : undefined;
    }
  }
  return cur;
}
