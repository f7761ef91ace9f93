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
  const meta = [
    `  namespace: ns-${i % NAMESPACES}`,
    `  annotations:`,
    `    internal.config.kubernetes.io/path: 'apps/web-${i}.yaml'`,
    `    internal.config.kubernetes.io/index: '1'`,
    `    internal.config.kubernetes.io/id: '${id}'`,
  ];
  const lines =
    i % 2 === 0
      ? [
          `apiVersion: v1`,
          `kind: Service`,
          `metadata:`,
          `  name: web-${i}`,
          ...meta,
          `spec:`,
          `  selector: {app: web-${i}}`,
          `  ports:`,
          `  - name: http`,
          `    port: 80`,
          `    targetPort: 8080`,
        ]
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
  return (
    [
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
    ].join('\n') + '\n'
  );
}

/** Indents a document to sit as an item of `items:` (compact sequence, as kpt writes it). */
function item(doc: string): string {
  return '- ' + doc.replace(/\n(?=.)/g, '\n  ');
}

const FUNCTION_CONFIG =
  [
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
  return (
    [
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
    ].join('\n') +
    '\n' +
    FUNCTION_CONFIG
  );
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
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      name: 'shop',
      uid: '99999999-8888-7777-6666-555555555555',
      blockOwnerDeletion: true,
      controller: true,
    },
  ];
  meta.managedFields = [
    {
      apiVersion: String(o.apiVersion),
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
      },
      manager: 'argocd-controller',
      operation: 'Apply',
      time: '2026-01-02T03:04:05Z',
    },
    {
      apiVersion: String(o.apiVersion),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:observedGeneration': {} } },
      manager: 'kube-controller-manager',
      operation: 'Update',
      subresource: 'status',
      time: '2026-01-02T03:04:06Z',
    },
  ];
  const out: Record<string, unknown> = { ...o, metadata: meta };
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') {
    out.status = {
      availableReplicas: 1,
      conditions: [
        {
          lastTransitionTime: '2026-01-02T03:04:07Z',
          lastUpdateTime: '2026-01-02T03:04:07Z',
          message: `${kind} has minimum availability.`,
          reason: 'MinimumReplicasAvailable',
          status: 'True',
          type: 'Available',
        },
        {
          lastTransitionTime: '2026-01-02T03:04:05Z',
          lastUpdateTime: '2026-01-02T03:04:07Z',
          message: `ReplicaSet "web-${i}-5d9c7b" has successfully progressed.`,
          reason: 'NewReplicaSetAvailable',
          status: 'True',
          type: 'Progressing',
        },
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
      return stringify({
        apiVersion: 'config.kubernetes.io/v1',
        kind: 'ResourceList',
        items: objs.map((o, i) => withPath(o, fileName(o), i)),
        functionConfig: FUNCTION_CONFIG_VALUE,
      });
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
      return stringify(sortKeys({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: sorted, functionConfig: FUNCTION_CONFIG_VALUE }), {
        indentSeq: false,
      });
    }
    case 'tree': {
      if (!stream) return listOfTexts(objs.map((o, i) => stringify(withPath(o, fileName(o), i))));
      return new Map(objs.map((o) => [fileName(o), stringify(o)]));
    }
    case 'json': {
      if (stream) return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }, null, 2) + '\n';
      return (
        JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: objs, functionConfig: FUNCTION_CONFIG_VALUE }, null, 2) + '\n'
      );
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

// ---- live snapshots for --audit

/** Placeholders of the snapshot's object prototypes, replaced per object. */
const P = { ns: '@NS@', app: '@APP@', hash: '@HASH@', pod: '@POD@', uid: '@UID@', ownerUid: '@OWNER_UID@', rv: '@RV@' } as const;

const liveUid = (n: number): string => `${n.toString(16).padStart(8, '0')}-1b2c-4d5e-8f90-a1b2c3d4e5f6`;

const liveMeta = (manager: string): Record<string, unknown> => ({
  creationTimestamp: '2026-01-02T03:04:05Z',
  managedFields: [
    {
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
      manager,
      operation: 'Update',
      time: '2026-01-02T03:04:05Z',
    },
  ],
  resourceVersion: P.rv,
  uid: P.uid,
});

/** The app's pod template as the API server stores it (defaults filled in). */
function liveAppTemplate(): Record<string, unknown> {
  return {
    metadata: { labels: { app: P.app, version: 'v1' } },
    spec: {
      containers: [
        {
          image: 'registry.example.com/web:1.4',
          imagePullPolicy: 'IfNotPresent',
          name: 'app',
          ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
          readinessProbe: {
            failureThreshold: 3,
            httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' },
            periodSeconds: 10,
            successThreshold: 1,
            timeoutSeconds: 1,
          },
          resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccountName: P.app,
      terminationGracePeriodSeconds: 30,
    },
  };
}

/** `kubectl get -o yaml`'s item text of an object (sorted keys, `- ` not indented), with placeholders. */
const itemText = (o: Record<string, unknown>): string => '- ' + stringify(sortKeys(o), { indentSeq: false }).replace(/\n(?=.)/g, '\n  ');

/**
 * A snapshot as `kubectl get namespaces,pods,deployments,replicasets -o yaml` prints it, one
 * `kind: List` per namespace (`kubectl get -n NS` for each), with `pods` pods in all: per
 * Deployment a ReplicaSet and 4 pods, of which the first runs the sidecar `injected` gives (a pod
 * template as the CLI injects it: up to date), the others have none (missing). The texts are
 * built from object prototypes stringified once, so 100,000 pods generate in seconds.
 */
export function auditSnapshot(pods: number, injected: Record<string, unknown>): Map<string, string> {
  const app = liveAppTemplate();
  const deployment = sortKeys({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      ...liveMeta('kubectl-client-side-apply'),
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      generation: 1,
      labels: { app: P.app },
      name: P.app,
      namespace: P.ns,
    },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 4,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: P.app } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: app,
    },
    status: { availableReplicas: 4, observedGeneration: 1, readyReplicas: 4, replicas: 4, updatedReplicas: 4 },
  }) as Record<string, unknown>;
  const owner = (kind: string, name: string) => [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind, name, uid: P.ownerUid }];
  const rsTemplate = structuredClone(app) as { metadata: { labels: Record<string, string> } };
  rsTemplate.metadata.labels['pod-template-hash'] = P.hash;
  const replicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      ...liveMeta('kube-controller-manager'),
      generation: 1,
      labels: { app: P.app, 'pod-template-hash': P.hash },
      name: `${P.app}-${P.hash}`,
      namespace: P.ns,
      ownerReferences: owner('Deployment', P.app),
    },
    spec: { replicas: 4, selector: { matchLabels: { app: P.app, 'pod-template-hash': P.hash } }, template: rsTemplate },
    status: { availableReplicas: 4, fullyLabeledReplicas: 4, observedGeneration: 1, readyReplicas: 4, replicas: 4 },
  };
  const podOf = (template: Record<string, unknown>): Record<string, unknown> => {
    const t = structuredClone(template) as {
      metadata: { labels: Record<string, string> };
      spec: Record<string, unknown> & { containers: Record<string, unknown>[]; initContainers?: Record<string, unknown>[] };
    };
    t.metadata.labels = { ...t.metadata.labels, 'pod-template-hash': P.hash };
    const token = 'kube-api-access-x7k2p';
    for (const c of [...t.spec.containers, ...(t.spec.initContainers ?? [])]) {
      c.volumeMounts = [...((c.volumeMounts as unknown[]) ?? []), { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: token, readOnly: true }];
    }
    t.spec.volumes = [
      ...((t.spec.volumes as unknown[]) ?? []),
      { name: token, projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } },
    ];
    const statusOf = (c: Record<string, unknown>) => ({
      containerID: 'containerd://0123456789abcdef',
      image: c.image,
      imageID: `${String(c.image)}@sha256:0123456789abcdef`,
      lastState: {},
      name: c.name,
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: '2026-01-02T03:04:07Z' } },
    });
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...liveMeta('kubelet'),
        ...t.metadata,
        generateName: `${P.app}-${P.hash}-`,
        name: P.pod,
        namespace: P.ns,
        ownerReferences: owner('ReplicaSet', `${P.app}-${P.hash}`),
      },
      spec: { ...t.spec, enableServiceLinks: true, nodeName: 'node-1', preemptionPolicy: 'PreemptLowerPriority', priority: 0, serviceAccount: P.app },
      status: {
        conditions: [{ lastProbeTime: null, lastTransitionTime: '2026-01-02T03:04:07Z', status: 'True', type: 'Ready' }],
        containerStatuses: t.spec.containers.map(statusOf),
        hostIP: '10.0.0.1',
        phase: 'Running',
        podIP: '10.244.0.7',
        qosClass: 'Burstable',
        startTime: '2026-01-02T03:04:06Z',
      },
    };
  };
  const texts = {
    deployment: itemText(deployment),
    replicaSet: itemText(replicaSet),
    injected: itemText(podOf(injected)),
    plain: itemText(podOf(app)),
  };
  const fill = (text: string, v: Record<string, string>): string => text.replace(/@[A-Z_]+@/g, (m) => v[m] ?? m);
  const deployments = Math.max(1, Math.ceil(pods / 4));
  const namespaces = Math.min(NAMESPACES, deployments);
  const parts: string[][] = Array.from({ length: namespaces }, (_, n) => [
    'apiVersion: v1\nitems:\n',
    itemText({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { ...liveMeta('kubectl-create'), labels: { 'istio-injection': 'enabled', 'kubernetes.io/metadata.name': `ns-${n}` }, name: `ns-${n}` },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    }).replace(/@[A-Z_]+@/g, (m) => (m === P.uid ? liveUid(n) : '1')),
  ]);
  let uid = 1000;
  let made = 0;
  for (let d = 0; d < deployments; d++) {
    const ns = `ns-${d % namespaces}`;
    const name = `web-${d}`;
    const hash = (0x5d9c7b00 + d).toString(16);
    const dUid = liveUid(uid++);
    const rsUid = liveUid(uid++);
    const out = parts[d % namespaces]!;
    out.push(fill(texts.deployment, { [P.ns]: ns, [P.app]: name, [P.uid]: dUid, [P.rv]: String(uid) }));
    out.push(fill(texts.replicaSet, { [P.ns]: ns, [P.app]: name, [P.hash]: hash, [P.uid]: rsUid, [P.ownerUid]: dUid, [P.rv]: String(uid) }));
    for (let p = 0; p < 4 && made < pods; p++, made++) {
      const pod = `${name}-${hash}-${(0x10000 + p).toString(36)}`;
      out.push(
        fill(p === 0 ? texts.injected : texts.plain, {
          [P.ns]: ns,
          [P.app]: name,
          [P.hash]: hash,
          [P.pod]: pod,
          [P.uid]: liveUid(uid++),
          [P.ownerUid]: rsUid,
          [P.rv]: String(uid),
        }),
      );
    }
  }
  return new Map(parts.map((p, n) => [`ns-${n}.yaml`, p.join('') + 'kind: List\nmetadata:\n  resourceVersion: ""\n']));
}

/** The Deployment (and its Namespace) whose injection gives `auditSnapshot` its injected pod: named `zzapp` in `zzns`. */
export function auditTemplateInput(): string {
  const template = JSON.parse(JSON.stringify(liveAppTemplate()).replaceAll(P.app, 'zzapp')) as Record<string, unknown>;
  return [
    stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'zzns', labels: { 'istio-injection': 'enabled' } } }),
    stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'zzapp', namespace: 'zzns' },
      spec: { selector: { matchLabels: { app: 'zzapp' } }, template },
    }),
  ].join('---\n');
}

/** The injected pod template of `auditTemplateInput`'s injected output, with the snapshot's placeholders. */
export function auditInjectedTemplate(injectedOutput: string): Record<string, unknown> {
  const dep = injectedOutput
    .split(/^---$/m)
    .map((d) => parse(d) as Record<string, unknown> | null)
    .find((d) => d?.kind === 'Deployment') as { spec: { template: Record<string, unknown> } };
  return JSON.parse(JSON.stringify(dep.spec.template).replaceAll('zzapp', P.app).replaceAll('zzns', P.ns)) as Record<string, unknown>;
}
