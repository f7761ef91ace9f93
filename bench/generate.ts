/**
 * Input generators for the benchmarks: KRM ResourceLists shaped like what kpt and kustomize send
 * (per-item path/index/id annotations, comments, flow maps, quoted strings, probes), with N
 * workloads plus N Services/ConfigMaps and the Namespaces they live in (labelled for injection,
 * so every workload is injected). Deterministic: the same N gives the same bytes. It does not run
 * anything or decide what is measured (run.ts does).
 */

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

/** A ResourceList with `workloads` workloads, as many Services/ConfigMaps, and their Namespaces. */
export function resourceList(workloads: number): string {
  const parts = ['apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n'];
  let id = 0;
  for (let n = 0; n < Math.min(NAMESPACES, workloads); n++) parts.push(item(namespace(n, id++)));
  for (let i = 0; i < workloads; i++) {
    parts.push(item(workload(i, id++)));
    parts.push(item(other(i, id++)));
  }
  parts.push(FUNCTION_CONFIG);
  return parts.join('');
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
