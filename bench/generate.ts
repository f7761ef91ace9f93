/**
 * Input generators for the benchmarks: KRM ResourceLists shaped like what kpt and kustomize send
 * (per-item path/index/id annotations, comments, flow maps, quoted strings, probes), with N
 * workloads plus N Services/ConfigMaps and the Namespaces they live in (labelled for injection,
 * so every workload is injected). Deterministic: the same N gives the same bytes. It does not run
 * anything or decide what is measured (run.ts does).
 */
import { parse, stringify } from 'yaml';

const NAMESPACES = 20;

/** One workload: mostly Deployments, every 10th a StatefulSet, every 25th a DaemonSet. */
function workload(i: number, id: number): string {
  const kind = i % 25 === 7 ? 'DaemonSet' : i % 10 === 3 ? 'StatefulSet' : 'Deployment';
  const name = `web-${i}`;
  const lines = [
    `# workload ${i}`,
    `apiVersion: apps/v1`,
    `kind: ${kind}`,
    `metadata:`,
    `  name: ${name}`,
    `  namespace: ns-${i % NAMESPACES}`,
    `  labels: {app: ${name}, tier: frontend}`,
    `  annotations:`,
    `    config.kubernetes.io/index: '0'`,
    `    config.kubernetes.io/path: 'apps/${name}.yaml'`,
    `    internal.config.kubernetes.io/index: '0'`,
    `    internal.config.kubernetes.io/path: 'apps/${name}.yaml'`,
    `    internal.config.kubernetes.io/id: '${id}'`,
    `spec:`,
    ...(kind === 'DaemonSet' ? [] : [`  replicas: ${1 + (i % 3)} # sized by hand`]),
    ...(kind === 'StatefulSet' ? [`  serviceName: ${name}`] : []),
    `  selector:`,
    `    matchLabels:`,
    `      app: ${name}`,
    `  template:`,
    `    metadata:`,
    `      labels:`,
    `        app: ${name}`,
    `        version: v${i % 4}`,
    ...(i % 5 === 0 ? [`      annotations:`, `        prometheus.io/scrape: "true"`, `        prometheus.io/port: "9090"`] : []),
    `    spec:`,
    `      serviceAccountName: ${name}`,
    `      containers:`,
    `      - name: app`,
    `        image: "registry.example.com/web:1.${i % 50}"`,
    `        args: ["--port=8080", "--log-level=info"]`,
    `        ports:`,
    `        - containerPort: 8080`,
    `          name: http`,
    `        env:`,
    `        - name: MODE`,
    `          value: "production"`,
    `        - name: PORT`,
    `          value: "8080"`,
    `        resources:`,
    `          requests: {cpu: 100m, memory: 128Mi}`,
    `          limits:`,
    `            cpu: 2000m`,
    `            memory: 1Gi`,
    `        readinessProbe:`,
    `          httpGet:`,
    `            path: /ready`,
    `            port: 8080`,
    `        livenessProbe:`,
    `          httpGet:`,
    `            path: /healthz`,
    `            port: http`,
    `          initialDelaySeconds: 5`,
    ...(i % 4 === 0
      ? [`      - name: worker # background jobs`, `        image: registry.example.com/worker:2.${i % 7}`, `        command: [/bin/worker]`]
      : []),
    `      volumes:`,
    `      - name: config`,
    `        configMap:`,
    `          name: cfg-${i}`,
  ];
  return lines.join('\n') + '\n';
}

/** The other half: Services and ConfigMaps, alternating. */
function other(i: number, id: number): string {
  const meta = [`  namespace: ns-${i % NAMESPACES}`, `  annotations:`, `    internal.config.kubernetes.io/path: 'apps/web-${i}.yaml'`, `    internal.config.kubernetes.io/index: '1'`, `    internal.config.kubernetes.io/id: '${id}'`];
  const lines =
    i % 2 === 0
      ? [`apiVersion: v1`, `kind: Service`, `metadata:`, `  name: web-${i}`, ...meta, `spec:`, `  selector: {app: web-${i}}`, `  ports:`, `  - name: http`, `    port: 80`, `    targetPort: 8080`]
      : [
          `apiVersion: v1`,
          `kind: ConfigMap`,
          `metadata:`,
          `  name: cfg-${i}`,
          ...meta,
          `data:`,
          `  settings.yaml: |`,
          `    level: info`,
          `    retries: 3`,
          `  enabled: "true"`,
        ];
  return lines.join('\n') + '\n';
}

function namespace(n: number, id: number): string {
  return [
    `apiVersion: v1`,
    `kind: Namespace`,
    `metadata:`,
    `  name: ns-${n}`,
    `  labels:`,
    `    istio-injection: enabled`,
    `  annotations:`,
    `    internal.config.kubernetes.io/path: 'namespaces.yaml'`,
    `    internal.config.kubernetes.io/index: '${n}'`,
    `    internal.config.kubernetes.io/id: '${id}'`,
  ].join('\n') + '\n';
}

/** Indents a document to sit as an item of `items:` (compact sequence, as kpt writes it). */
function item(doc: string): string {
  return '- ' + doc.replace(/\n(?=.)/g, '\n  ');
}

const FUNCTION_CONFIG = [
  'functionConfig:',
  '  apiVersion: inject-sidecar.dev/v1alpha1',
  '  kind: SidecarInjection',
  '  metadata:',
  '    name: inject',
  '    annotations:',
  '      config.kubernetes.io/local-config: "true"',
  '  spec:',
  '    revision: ""',
].join('\n') + '\n';

/** The documents of the inputs: the Namespaces, then each workload followed by its Service/ConfigMap. */
function documents(workloads: number): string[] {
  const docs: string[] = [];
  let id = 0;
  for (let n = 0; n < Math.min(NAMESPACES, workloads); n++) docs.push(namespace(n, id++));
  for (let i = 0; i < workloads; i++) {
    docs.push(workload(i, id++));
    docs.push(other(i, id++));
  }
  return docs;
}

/** A ResourceList with `workloads` workloads, as many Services/ConfigMaps, and their Namespaces. */
export function resourceList(workloads: number): string {
  return ['apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n', ...documents(workloads).map(item), FUNCTION_CONFIG].join('');
}

/** The start-up input: one small Deployment (and its Namespace) with a function config. */
export function smallResourceList(): string {
  return [
    'apiVersion: config.kubernetes.io/v1',
    'kind: ResourceList',
    'items:',
    '- apiVersion: v1',
    '  kind: Namespace',
    '  metadata:',
    '    name: shop',
    '    labels:',
    '      istio-injection: enabled',
    '- apiVersion: apps/v1',
    '  kind: Deployment',
    '  metadata:',
    '    name: web',
    '    namespace: shop',
    '  spec:',
    '    selector:',
    '      matchLabels:',
    '        app: web',
    '    template:',
    '      metadata:',
    '        labels:',
    '          app: web',
    '      spec:',
    '        containers:',
    '        - name: app',
    '          image: nginx:1.27',
    '          ports:',
    '          - containerPort: 80',
  ].join('\n') + '\n' + FUNCTION_CONFIG;
}

// ---- input shapes (npm run bench measures every shape in stream and KRM mode)

/**
 * The objects of `resourceList(n)` as values, in its order: the Namespaces, then each workload
 * followed by its Service/ConfigMap. `kpt` keeps kpt's path/index/id annotations; without it the
 * objects carry none (what a chart, kubectl or a plain repository has).
 */
export function objects(workloads: number, kpt = false): Record<string, unknown>[] {
  return documents(workloads).map((d) => {
    const o = parse(d) as Record<string, unknown>;
    if (!kpt) {
      const meta = o.metadata as Record<string, unknown>;
      delete meta.annotations;
    }
    return o;
  });
}

/** Keys sorted at every level (what Go's encoders and kustomize write). */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
  return out;
}

/** An object as `kubectl get -o yaml` shows it: server fields, managedFields, ownerReferences, status. */
function asLive(o: Record<string, unknown>, i: number): Record<string, unknown> {
  const meta = { ...(o.metadata as Record<string, unknown>) };
  const kind = String(o.kind);
  meta.creationTimestamp = '2026-01-02T03:04:05Z';
  meta.resourceVersion = String(100000 + i);
  meta.uid = `0000${i.toString(16).padStart(8, '0')}-1111-2222-3333-444455556666`.slice(-36);
  if (kind !== 'Namespace') meta.generation = 1;
  meta.ownerReferences = [
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name: 'shop', uid: '99999999-8888-7777-6666-555555555555', blockOwnerDeletion: true, controller: true },
  ];
  meta.managedFields = [
    {
      apiVersion: String(o.apiVersion),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } },
      manager: 'argocd-controller',
      operation: 'Apply',
      time: '2026-01-02T03:04:05Z',
    },
    { apiVersion: String(o.apiVersion), fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:observedGeneration': {} } }, manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', time: '2026-01-02T03:04:06Z' },
  ];
  const out: Record<string, unknown> = { ...o, metadata: meta };
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') {
    out.status = {
      availableReplicas: 1,
      conditions: [
        { lastTransitionTime: '2026-01-02T03:04:07Z', lastUpdateTime: '2026-01-02T03:04:07Z', message: `${kind} has minimum availability.`, reason: 'MinimumReplicasAvailable', status: 'True', type: 'Available' },
        { lastTransitionTime: '2026-01-02T03:04:05Z', lastUpdateTime: '2026-01-02T03:04:07Z', message: `ReplicaSet "web-${i}-5d9c7b" has successfully progressed.`, reason: 'NewReplicaSetAvailable', status: 'True', type: 'Progressing' },
      ],
      observedGeneration: 1,
      readyReplicas: 1,
      replicas: 1,
      updatedReplicas: 1,
    };
  } else if (kind === 'Service') out.status = { loadBalancer: {} };
  else if (kind === 'Namespace') out.status = { phase: 'Active' };
  return sortKeys(out) as Record<string, unknown>;
}

const FUNCTION_CONFIG_VALUE = {
  apiVersion: 'inject-sidecar.dev/v1alpha1',
  kind: 'SidecarInjection',
  metadata: { name: 'inject', annotations: { 'config.kubernetes.io/local-config': 'true' } },
  spec: { revision: '' },
};

/** A ResourceList whose items are the given documents' text (each indented under `- `). */
function listOfTexts(texts: string[], compactSeq = true): string {
  const pad = compactSeq ? '' : '  ';
  const parts = ['apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n'];
  for (const t of texts) parts.push(pad + '- ' + t.replace(/\n(?=.)/g, `\n${pad}  `));
  parts.push(FUNCTION_CONFIG);
  return parts.join('');
}

/** kpt's path annotations for a file name (what kpt and kustomize add to every item). */
function withPath(o: Record<string, unknown>, path: string, index: number): Record<string, unknown> {
  const meta = { ...(o.metadata as Record<string, unknown>) };
  meta.annotations = {
    ...((meta.annotations as Record<string, unknown> | undefined) ?? {}),
    'config.kubernetes.io/index': String(index),
    'config.kubernetes.io/path': path,
    'internal.config.kubernetes.io/index': String(index),
    'internal.config.kubernetes.io/path': path,
  };
  return { ...o, metadata: meta };
}

function fileName(o: Record<string, unknown>): string {
  const meta = o.metadata as Record<string, unknown>;
  const ns = typeof meta.namespace === 'string' ? meta.namespace : 'cluster';
  return `${ns}/${String(o.kind).toLowerCase()}-${String(meta.name)}.yaml`;
}

export const SHAPES = ['kpt', 'stringify', 'kubectl', 'helm', 'kustomize', 'tree', 'json'] as const;
export type Shape = (typeof SHAPES)[number];

/** What each shape is, for the report. */
export const SHAPE_NOTES: Record<Shape, string> = {
  kpt: 'the original input: comments, flow maps, quoted strings, kpt annotations',
  stringify: 'yaml.stringify output: no comments, sequences indented under their key',
  kubectl: 'kubectl get -o yaml: a List, sorted keys, status, managedFields, ownerReferences',
  helm: 'helm template: `---` stream, `# Source:` comment on every document',
  kustomize: 'kustomize build: sorted keys, no comments, `- ` not indented',
  tree: 'one object per file in a directory tree (one directory per namespace)',
  json: 'JSON: a List (stream mode) or a ResourceList (KRM mode)',
};

/**
 * An input of `workloads` workloads (and as many Services/ConfigMaps, and their Namespaces) in
 * the given shape. `stream`: a YAML (or JSON) stream for `-f`; otherwise a ResourceList for KRM
 * mode. For `tree` in stream mode the result is a map of relative file paths to contents.
 */
export function shapeInput(shape: Shape, workloads: number, stream: boolean): string | Map<string, string> {
  if (shape === 'kpt') {
    return stream ? documents(workloads).join('---\n') : resourceList(workloads);
  }
  const objs = objects(workloads);
  switch (shape) {
    case 'stringify': {
      if (stream) return objs.map((o) => stringify(o)).join('---\n');
      return stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: objs.map((o, i) => withPath(o, fileName(o), i)), functionConfig: FUNCTION_CONFIG_VALUE });
    }
    case 'kubectl': {
      const live = objs.map(asLive);
      if (stream) return stringify({ apiVersion: 'v1', items: live, kind: 'List', metadata: { resourceVersion: '' } }, { indentSeq: false });
      return listOfTexts(live.map((o) => stringify(o, { indentSeq: false })));
    }
    case 'helm': {
      const texts = objs.map((o) => `# Source: shop/templates/${String(o.kind).toLowerCase()}.yaml\n${stringify(o)}`);
      if (stream) return texts.map((t) => `---\n${t}`).join('');
      return listOfTexts(texts);
    }
    case 'kustomize': {
      const sorted = objs.map((o, i) => sortKeys(withPath(o, fileName(o), i)) as Record<string, unknown>);
      if (stream) return objs.map((o) => stringify(sortKeys(o), { indentSeq: false })).join('---\n');
      return stringify(sortKeys({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: sorted, functionConfig: FUNCTION_CONFIG_VALUE }), { indentSeq: false });
    }
    case 'tree': {
      if (!stream) return listOfTexts(objs.map((o, i) => stringify(withPath(o, fileName(o), i))));
      return new Map(objs.map((o) => [fileName(o), stringify(o)]));
    }
    case 'json': {
      if (stream) return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }, null, 2) + '\n';
      return JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: objs, functionConfig: FUNCTION_CONFIG_VALUE }, null, 2) + '\n';
    }
  }
}

/** `files` one-object files (a Namespace and, after it, Deployments in it), for the many-files case. */
export function oneObjectFiles(files: number): Map<string, string> {
  const out = new Map<string, string>([['ns/namespace.yaml', namespace(0, 0).replace(/ {2}annotations:[\s\S]*$/, '')]]);
  for (let i = 0; i < files - 1; i++) {
    const text = workload(i * NAMESPACES, i + 1).replace(/^ {2}annotations:\n(?: {4}.*\n)+/m, '');
    out.set(`d${String(Math.floor(i / 1000)).padStart(3, '0')}/web-${i}.yaml`, text);
  }
  return out;
}
