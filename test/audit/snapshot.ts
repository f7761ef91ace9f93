/**
 * Snapshots in the shape `kubectl get ... -A -o yaml` prints: a `kind: List` of live objects
 * with uids, resourceVersions, managedFields, ownerReferences, generated pod names and status.
 */
import { readFileSync } from 'node:fs';
import { stringify, parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { createResource } from '../../src/io/index.js';
import { run } from '../../src/core/run.js';
import type { JsonObject } from '../../src/kube/types.js';

let uidCounter = 0;
const uid = () => `6f1c2a${String(++uidCounter).padStart(2, '0')}-1b2c-4d5e-8f90-a1b2c3d4e5f6`;
const managedFields = (manager: string) => [
  { apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } }, manager, operation: 'Update', time: '2026-12-01T10:00:00Z' },
];

/**
 * What the API server adds when it stores a pod template (written out here by hand, independently
 * of src/kube/defaults.ts): container and volume defaults, and for a Pod (`token`) the
 * ServiceAccount admission plugin's token volume, mounted into every container.
 */
export function stored(template: JsonObject, token?: string): JsonObject {
  const t = structuredClone(template) as { spec: Record<string, JsonObject[] | unknown> };
  const spec = t.spec as Record<string, unknown>;
  const containers = [...((spec.containers as JsonObject[]) ?? []), ...((spec.initContainers as JsonObject[]) ?? [])];
  for (const c of containers) {
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.imagePullPolicy ??= /:(?!latest$)[^/:]+$/.test(String(c.image)) ? 'IfNotPresent' : 'Always';
    for (const p of (c.ports as JsonObject[]) ?? []) p.protocol ??= 'TCP';
    for (const e of (c.env as JsonObject[]) ?? []) {
      const from = e.valueFrom as Record<string, JsonObject> | undefined;
      if (from?.fieldRef) from.fieldRef.apiVersion ??= 'v1';
      if (from?.resourceFieldRef) from.resourceFieldRef.divisor ??= '0';
    }
    for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const probe = c[k] as Record<string, unknown> | undefined;
      if (!probe) continue;
      Object.assign(probe, { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, ...probe });
      const get = probe.httpGet as JsonObject | undefined;
      if (get) get.scheme ??= 'HTTP';
    }
    if (token)
      c.volumeMounts = [
        ...((c.volumeMounts as JsonObject[]) ?? []),
        { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: token, readOnly: true },
      ];
  }
  const volumes = (spec.volumes as Record<string, Record<string, unknown>>[]) ?? [];
  for (const v of volumes) {
    for (const k of ['configMap', 'secret', 'downwardAPI', 'projected']) if (v[k]) v[k].defaultMode ??= 420;
    for (const item of (v.downwardAPI?.items as Record<string, JsonObject>[]) ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= 'v1';
    for (const src of (v.projected?.sources as Record<string, Record<string, unknown>>[]) ?? []) {
      if (src.serviceAccountToken) src.serviceAccountToken.expirationSeconds ??= 3600;
      for (const item of (src.downwardAPI?.items as Record<string, JsonObject>[]) ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= 'v1';
    }
  }
  if (token) {
    spec.volumes = [
      ...volumes,
      {
        name: token,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
          ],
        },
      },
    ];
  }
  Object.assign(spec, {
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    ...spec,
  });
  return t as unknown as JsonObject;
}

export type Obj = JsonObject & { metadata: JsonObject & { uid: string; name: string } };

export function namespace(name: string, labels: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      creationTimestamp: '2026-12-01T10:00:00Z',
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
      name,
      resourceVersion: '101',
      uid: uid(),
      managedFields: managedFields('kubectl-create'),
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  } as Obj;
}

const ownerRef = (o: Obj) => ({
  apiVersion: o.apiVersion,
  blockOwnerDeletion: true,
  controller: true,
  kind: o.kind,
  name: o.metadata.name,
  uid: o.metadata.uid,
});

export const appTemplate = (app: string, extraLabels: Record<string, string> = {}): JsonObject => ({
  metadata: { labels: { app, ...extraLabels } },
  spec: { containers: [{ name: app, image: `registry.example/${app}:1.0`, ports: [{ containerPort: 8080, name: 'http' }], resources: {} }] },
});

export function workload(kind: 'Deployment' | 'StatefulSet' | 'DaemonSet', ns: string, name: string, template: JsonObject): Obj {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: {
      annotations: { 'deployment.kubernetes.io/revision': '2' },
      creationTimestamp: '2026-12-01T10:00:00Z',
      generation: 2,
      name,
      namespace: ns,
      resourceVersion: '2001',
      uid: uid(),
      managedFields: managedFields('kubectl-client-side-apply'),
    },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: stored(template) },
    status: { availableReplicas: 1, observedGeneration: 2, readyReplicas: 1, replicas: 1 },
  } as Obj;
}

export function replicaSet(owner: Obj, hash: string, template: JsonObject): Obj {
  const t = structuredClone(template) as JsonObject & { metadata: JsonObject & { labels: Record<string, string> } };
  t.metadata.labels['pod-template-hash'] = hash;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: owner.metadata.namespace as string,
      ownerReferences: [ownerRef(owner)],
      resourceVersion: '2002',
      uid: uid(),
      labels: { app: owner.metadata.name, 'pod-template-hash': hash },
      managedFields: managedFields('kube-controller-manager'),
    },
    spec: { replicas: 1, selector: { matchLabels: { app: owner.metadata.name, 'pod-template-hash': hash } }, template: stored(t) },
    status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1 },
  } as Obj;
}

export function job(ns: string, name: string, template: JsonObject, owner?: Obj): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: ns,
      uid: uid(),
      resourceVersion: '3001',
      ...(owner ? { ownerReferences: [ownerRef(owner)] } : {}),
      managedFields: managedFields('kube-controller-manager'),
    },
    spec: { backoffLimit: 6, completions: 1, template: stored(template) },
    status: { active: 1, startTime: '2026-12-01T10:00:00Z' },
  } as Obj;
}

export function cronJob(ns: string, name: string, template: JsonObject): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: ns, uid: uid(), resourceVersion: '3000', managedFields: managedFields('kubectl') },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: stored(template) } } },
    status: { lastScheduleTime: '2026-12-01T10:00:00Z' },
  } as Obj;
}

/** A running pod from a template; `proxy` gives the istio-proxy status (classic or native, from the spec). */
export function pod(name: string, ns: string, template: JsonObject, owner?: Obj, proxy: { ready?: boolean; restartCount?: number } = {}): Obj {
  const t = stored(
    template,
    `kube-api-access-${name
      .slice(-5)
      .replace(/[^a-z0-9]/g, 'x')
      .padStart(5, 'z')}`,
  ) as { metadata?: JsonObject; spec: JsonObject & { containers: JsonObject[]; initContainers?: JsonObject[] } };
  const statusOf = (c: JsonObject) => ({
    containerID: `containerd://${'ab'.repeat(32)}`,
    image: c.image,
    imageID: `${String(c.image)}@sha256:${'cd'.repeat(32)}`,
    name: c.name,
    ready: c.name === 'istio-proxy' ? (proxy.ready ?? true) : true,
    restartCount: c.name === 'istio-proxy' ? (proxy.restartCount ?? 0) : 0,
    started: true,
    state: { running: { startedAt: '2026-12-01T10:00:05Z' } },
  });
  const native = (t.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(t.metadata ?? {}),
      creationTimestamp: '2026-12-01T10:00:01Z',
      generateName: owner ? `${owner.metadata.name}-` : undefined,
      name,
      namespace: ns,
      ...(owner ? { ownerReferences: [ownerRef(owner)] } : {}),
      resourceVersion: '4001',
      uid: uid(),
      managedFields: managedFields('kubelet'),
    },
    spec: { ...t.spec, nodeName: 'node-1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
    status: {
      phase: 'Running',
      podIP: '10.244.0.7',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-12-01T10:00:06Z' }],
      containerStatuses: t.spec.containers.map(statusOf),
      ...(native.length ? { initContainerStatuses: native.map(statusOf) } : {}),
    },
  } as unknown as Obj;
}

export function list(items: Obj[]): string {
  const clean = JSON.parse(JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }));
  return stringify(clean);
}

/**
 * The pod template a fresh render-time injection of Deployment `name` (default: the template's app
 * label) gives (the tool's own injection); `bare`: of a Pod of that name (no owner).
 */
export function injected(
  template: JsonObject,
  spec: JsonObject = {},
  ns = 'shop',
  name = String(((template.metadata as JsonObject | undefined)?.labels as JsonObject | undefined)?.app ?? 'x'),
  bare = false,
): JsonObject {
  const config = loadConfig({
    apiVersion: 'inject-sidecar.dev/v1alpha1',
    kind: 'SidecarInjection',
    metadata: { name: 'c' },
    spec: {
      ...spec,
      namespaces: { [ns]: { labels: typeof spec.revision === 'string' ? { 'istio.io/rev': spec.revision } : { 'istio-injection': 'enabled' } } },
    },
  });
  const r = bare
    ? createResource({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...((template.metadata as JsonObject) ?? {}), name, namespace: ns },
        spec: template.spec as JsonObject,
      })
    : createResource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { template } });
  const out = run([r], { config });
  const errors = out.results.filter((x) => x.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  if (!bare) return (r.value.spec as JsonObject).template as JsonObject;
  const { name: _n, namespace: _ns, ...metadata } = r.value.metadata as JsonObject;
  return { metadata, spec: r.value.spec as JsonObject };
}

/** The pod template of an Istio golden (injected by istioctl), read at test time. */
export function goldenTemplate(goldenDir: string, file: string): JsonObject {
  const docs = readFileSync(`${goldenDir}/${file}`, 'utf8')
    .split(/^---$/m)
    .map((d) => parse(d))
    .filter(Boolean);
  const dep = docs.find((d) => d.kind === 'Deployment' || d.kind === 'Pod');
  return (dep.kind === 'Pod' ? { metadata: dep.metadata, spec: dep.spec } : dep.spec.template) as JsonObject;
}
