/**
 * Input generator for the I/O measurements in measure.ts: a kpt-style ResourceList (or a plain
 * stream) with N Deployments plus N Services/ConfigMaps. Not a test; used by the measure script.
 */
export function deployment(i: number, indent: string): string {
  const lines = [
    `# workload ${i}`,
    `apiVersion: apps/v1`,
    `kind: Deployment`,
    `metadata:`,
    `  name: web-${i}`,
    `  namespace: ns-${i % 20}`,
    `  labels: {app: web-${i}, tier: frontend}`,
    `  annotations:`,
    `    config.kubernetes.io/index: '0'`,
    `    config.kubernetes.io/path: 'apps/web-${i}.yaml'`,
    `    internal.config.kubernetes.io/index: '0'`,
    `    internal.config.kubernetes.io/path: 'apps/web-${i}.yaml'`,
    `    internal.config.kubernetes.io/id: '${i * 2 + 1}'`,
    `spec:`,
    `  replicas: 2 # two is enough`,
    `  selector:`,
    `    matchLabels:`,
    `      app: web-${i}`,
    `  template:`,
    `    metadata:`,
    `      labels:`,
    `        app: web-${i}`,
    `    spec:`,
    `      containers:`,
    `      - name: app`,
    `        image: "registry.example.com/web:1.${i % 50}"`,
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
    `          httpGet: {path: /ready, port: 8080}`,
    `      volumes:`,
    `      - name: config`,
    `        configMap:`,
    `          name: cfg-${i}`,
  ];
  return lines.map((l, k) => (k === 0 ? l : indent + l)).join('\n') + '\n';
}

export function service(i: number, indent: string): string {
  const lines =
    i % 2 === 0
      ? [
          `apiVersion: v1`,
          `kind: Service`,
          `metadata:`,
          `  name: web-${i}`,
          `  namespace: ns-${i % 20}`,
          `spec:`,
          `  selector: {app: web-${i}}`,
          `  ports:`,
          `  - port: 80`,
          `    targetPort: 8080`,
        ]
      : [
          `apiVersion: v1`,
          `kind: ConfigMap`,
          `metadata:`,
          `  name: cfg-${i}`,
          `  namespace: ns-${i % 20}`,
          `data:`,
          `  settings.yaml: |`,
          `    level: info`,
          `    ---`,
          `    retries: 3`,
          `  enabled: "true"`,
        ];
  return lines.map((l, k) => (k === 0 ? l : indent + l)).join('\n') + '\n';
}

export function resourceList(n: number): string {
  let out = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n';
  for (let i = 0; i < n; i++) {
    out += '- ' + deployment(i, '  ');
    out += '- ' + service(i, '  ');
  }
  out += 'functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: fn\n  data:\n    revision: ""\n';
  return out;
}

export function stream(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    docs.push(deployment(i, ''));
    docs.push(service(i, ''));
  }
  return docs.join('---\n');
}
