/**
 * Istio injector-config mode through the command line: a Helm-rendered Istio in the same input is
 * used with no flags, istioctl's file flags work as a drop-in, the input's
 * MutatingWebhookConfigurations decide stage A, and configuration problems are reported.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cli } from '../../src/cli/cli.js';
import { CORPUS_DIR, corpusAvailable, corpusConfigFlags } from '../../scripts/conformance.js';

async function run(argv: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await cli(argv, {
    readStdin: () => Promise.resolve(stdin),
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdinIsTTY: stdin === '',
  });
  return { code, stdout, stderr };
}

const workload = (ns: string, podLabels = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels:
        app: web${podLabels}
    spec:
      containers:
      - name: web
        image: example/web:1
`;

const namespace = (name: string, labels: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: ${labels}
`;

/** A small injector ConfigMap whose one template marks the pod, so tests see which config ran. */
const injectorConfigMap = (marker: string, ns = 'istio-system', name = 'istio-sidecar-injector') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${ns}
data:
  values: '{"global":{"marker":"${marker}"}}'
  config: |
    policy: enabled
    templates:
      sidecar: |
        metadata:
          labels:
            rendered-by: {{ .Values.global.marker }}
        spec:
          containers:
          - name: istio-proxy
            image: {{ .Values.global.marker }}/proxy
`;

function docs(text: string): Record<string, any>[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, any>)
    .filter(Boolean);
}

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-istio-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('Istio injector configuration from the input', () => {
  it('uses an istio-sidecar-injector ConfigMap in the stream and says so', async () => {
    const input = tmpFile('all.yaml', [injectorConfigMap('from-cm'), workload('shop')].join('---\n'));
    const r = await run(['-f', input, '--emulate', 'kube-inject']);
    expect(r.code, r.stderr).toBe(0);
    const dep = docs(r.stdout).find((d) => d.kind === 'Deployment')!;
    expect(dep.spec.template.metadata.labels['rendered-by']).toBe('from-cm');
    expect(dep.spec.template.spec.containers.map((c: { image: string }) => c.image)).toContain('from-cm/proxy');
    expect(r.stderr).toMatch(/Istio injector configuration: ConfigMap istio-system\/istio-sidecar-injector/);
  });

  it('a revision selects the -<revision> ConfigMap', async () => {
    const input = tmpFile(
      'all.yaml',
      [injectorConfigMap('default-rev'), injectorConfigMap('canary-rev', 'istio-system', 'istio-sidecar-injector-canary'), workload('shop')].join('---\n'),
    );
    const r = await run(['-f', input, '--emulate', 'kube-inject', '--revision', 'canary']);
    expect(r.code, r.stderr).toBe(0);
    expect(docs(r.stdout).find((d) => d.kind === 'Deployment')!.spec.template.metadata.labels['rendered-by']).toBe('canary-rev');
  });

  it('a configured ConfigMap that is not in the input is an error, and nothing is written', async () => {
    const input = tmpFile('all.yaml', workload('shop'));
    const config = tmpFile(
      'config.yaml',
      'apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nspec:\n  emulate: kube-inject\n  istio:\n    injectorConfigMap: istio-system/my-injector\n',
    );
    const r = await run(['-f', input, '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/istio-system\/my-injector is configured but not in the input/);
  });

  it("an injection template that does not parse fails the workloads with Go's message", async () => {
    const bad = injectorConfigMap('x').replace('{{ .Values.global.marker }}/proxy', '{{ nope }}');
    const r = await run(['-f', tmpFile('all.yaml', [bad, workload('shop')].join('---\n')), '--emulate', 'kube-inject']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/function "nope" not defined/);
  });
});

describe('a template may not change the identity of the pod (issue 12, finding 8)', () => {
  const renaming = (meta: string) => injectorConfigMap('x').replace('        metadata:\n', `        metadata:\n${meta}`);
  const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
  - name: web
    image: example/web:1
`;

  it('a template moving the pod to kube-system under another name fails the workload; nothing is written', async () => {
    const input = tmpFile('all.yaml', [renaming('          name: evil\n          namespace: kube-system\n'), workload('shop')].join('---\n'));
    const r = await run(['-f', input, '--emulate', 'kube-inject']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error: Deployment shop\/web: injection template "sidecar" may not change the pod's metadata\.name \(from "" to "evil"\)/);
  });

  it('a bare Pod cannot be renamed or moved either, one field at a time', async () => {
    const renamed = await run(['-f', tmpFile('all.yaml', [renaming('          name: evil\n'), pod].join('---\n')), '--emulate', 'kube-inject']);
    expect(renamed.code).toBe(1);
    expect(renamed.stdout).toBe('');
    expect(renamed.stderr).toMatch(/error: Pod shop\/web: injection template "sidecar" may not change the pod's metadata\.name \(from "web" to "evil"\)/);
    const moved = await run(['-f', tmpFile('all.yaml', [renaming('          namespace: kube-system\n'), pod].join('---\n')), '--emulate', 'kube-inject']);
    expect(moved.code).toBe(1);
    expect(moved.stderr).toMatch(
      /error: Pod shop\/web: injection template "sidecar" may not change the pod's metadata\.namespace \(from "shop" to "kube-system"\)/,
    );
  });

  it("the pod's own name and namespace (or empty values) may be written back", async () => {
    const same = renaming('          name: web\n          namespace: shop\n');
    const r = await run(['-f', tmpFile('all.yaml', [same, pod].join('---\n')), '--emulate', 'kube-inject']);
    expect(r.code, r.stderr).toBe(0);
    const out = docs(r.stdout).find((d) => d.kind === 'Pod')!;
    expect(out.metadata).toMatchObject({ name: 'web', namespace: 'shop', labels: { 'rendered-by': 'x' } });
    const empty = await run(['-f', tmpFile('all.yaml', [renaming('          name: ""\n'), workload('shop')].join('---\n')), '--emulate', 'kube-inject']);
    expect(empty.code, empty.stderr).toBe(0);
  });
});

describe('an injection template past its execution budget (issue 12, finding 3)', () => {
  const hostile = injectorConfigMap('x').replace('        metadata:\n', '        {{ $a := until 10000000 }}\n        metadata:\n');
  const asItems = (text: string) =>
    text
      .split('---\n')
      .map((d) => '- ' + d.trimEnd().replaceAll('\n', '\n  '))
      .join('\n');

  it('in KRM mode: an error result on the workload, every item returned, exit 1', async () => {
    const list = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: inject-sidecar.dev/v1alpha1
  kind: SidecarInjection
  spec:
    emulate: kube-inject
items:
${asItems([hostile, workload('shop')].join('---\n'))}
`;
    const r = await run([], list);
    expect(r.code).toBe(1);
    const out = docs(r.stdout)[0]!;
    expect(out.items).toHaveLength(2);
    const errors = out.results.filter((x: { severity: string }) => x.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(
      /^injection template "sidecar" failed: template: sidecar:\d+:\d+: executing "sidecar" at <until 10000000>: allocations exceed the limit of 33554432 bytes$/,
    );
    expect(errors[0].resourceRef).toMatchObject({ kind: 'Deployment', name: 'web', namespace: 'shop' });
  });
});

describe('webhook emulation with the ConfigMap values', () => {
  it("sidecarInjectorWebhook.enableNamespacesByDefault adds the chart's auto. webhook", async () => {
    const on = injectorConfigMap('auto').replace(
      '{"global":{"marker":"auto"}}',
      '{"global":{"marker":"auto"},"sidecarInjectorWebhook":{"enableNamespacesByDefault":true}}',
    );
    const plain = namespace('plain', '{team: a}');
    const withAuto = await run(['-f', tmpFile('all.yaml', [on, plain, workload('plain')].join('---\n'))]);
    expect(withAuto.code, withAuto.stderr).toBe(0);
    expect(docs(withAuto.stdout).find((d) => d.kind === 'Deployment')!.spec.template.metadata.labels['rendered-by']).toBe('auto');
    const without = await run(['-f', tmpFile('all.yaml', [injectorConfigMap('auto'), plain, workload('plain')].join('---\n'))]);
    expect(without.code, without.stderr).toBe(0);
    expect(docs(without.stdout).find((d) => d.kind === 'Deployment')!.spec.template.metadata.labels['rendered-by']).toBeUndefined();
  });

  it("the injector config's policy decides stage B", async () => {
    const disabled = injectorConfigMap('p').replace('policy: enabled', 'policy: disabled');
    const ns = namespace('shop', '{istio-injection: enabled}');
    const r = await run(['-f', tmpFile('all.yaml', [disabled, ns, workload('shop')].join('---\n'))]);
    expect(r.code, r.stderr).toBe(0);
    expect(docs(r.stdout).find((d) => d.kind === 'Deployment')!.spec.template.metadata.labels['rendered-by']).toBeUndefined();
    const optIn = await run(['-f', tmpFile('all.yaml', [disabled, ns, workload('shop', '\n        sidecar.istio.io/inject: "true"')].join('---\n'))]);
    expect(docs(optIn.stdout).find((d) => d.kind === 'Deployment')!.spec.template.metadata.labels['rendered-by']).toBe('p');
  });
});

describe("stage A from the input's MutatingWebhookConfigurations", () => {
  // KubeSphere-style selectors: only namespaces of a workspace, and not disabled ones.
  const mwc = `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: istio-sidecar-injector
  labels:
    istio.io/rev: default
webhooks:
- name: namespace.sidecar-injector.istio.io
  namespaceSelector:
    matchExpressions:
    - {key: kubesphere.io/workspace, operator: Exists}
    - {key: istio-injection, operator: NotIn, values: [disabled]}
  objectSelector:
    matchExpressions:
    - {key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}
`;

  it('injects where those selectors match, and not where the standard ones would', async () => {
    const input = tmpFile(
      'all.yaml',
      [
        mwc,
        injectorConfigMap('ks'),
        namespace('ws-ns', '{kubesphere.io/workspace: demo}'),
        namespace('labelled', '{istio-injection: enabled}'),
        workload('ws-ns'),
        workload('labelled').replace('name: web', 'name: other'),
      ].join('---\n'),
    );
    const r = await run(['-f', input]);
    expect(r.code, r.stderr).toBe(0);
    const deps = docs(r.stdout).filter((d) => d.kind === 'Deployment');
    const byNs = Object.fromEntries(deps.map((d) => [d.metadata.namespace, d]));
    expect(byNs['ws-ns'].spec.template.metadata.labels['rendered-by']).toBe('ks');
    // istio-injection=enabled alone does not match the platform's selector
    expect(byNs['labelled'].spec.template.metadata.labels['rendered-by']).toBeUndefined();
    expect(r.stderr).toMatch(/MutatingWebhookConfiguration istio-sidecar-injector/);
  });
});

describe.skipIf(!corpusAvailable())('drop-in for istioctl kube-inject', () => {
  // istioctl kube-inject's files, from the master corpus
  const kubeInjectFlags = [...corpusConfigFlags(), '--emulate', 'kube-inject'];

  it('--injectConfigFile/--meshConfigFile/--valuesFile with --emulate kube-inject', async () => {
    const r = await run(['-f', join(CORPUS_DIR, 'inputs/hello.yaml'), ...kubeInjectFlags, '--native-sidecars', 'true']);
    expect(r.code, r.stderr).toBe(0);
    const dep = docs(r.stdout)[0]!;
    const init = dep.spec.template.spec.initContainers.map((c: { name: string }) => c.name);
    expect(init).toEqual(['istio-init', 'istio-proxy']);
    expect(dep.spec.template.spec.initContainers[1].image).toBe('registry.istio.io/testing/proxyv2:latest');
    expect(r.stderr).toMatch(/templates from file .*inject-config\.yaml, values from file .*values\.json, mesh config from file .*mesh\.yaml/);
  });

  it('a proxyMetadata key the template writes unquoted as a number fails as in istiod (env name 0o17 is int 15)', async () => {
    const hello = readFileSync(join(CORPUS_DIR, 'inputs/hello.yaml'), 'utf8');
    const flags = kubeInjectFlags;
    const withMetadata = (key: string) =>
      hello.replace(
        '      labels:\n        app: hello\n',
        `      annotations:\n        proxy.istio.io/config: "proxyMetadata: {'${key}': x}"\n      labels:\n        app: hello\n`,
      );
    // a key that stays a string is an env var of the proxy
    const ok = await run(['-f', tmpFile('ok.yaml', withMetadata('META_X')), ...flags]);
    expect(ok.code, ok.stderr).toBe(0);
    const proxy = docs(ok.stdout)[0]!.spec.template.spec.containers.find((c: { name: string }) => c.name === 'istio-proxy');
    expect(proxy.env).toContainEqual({ name: 'META_X', value: 'x' });
    // `- name: 0o17` reads as int 15; istiod's decode into a corev1.Pod refuses a number in a string
    const bad = await run(['-f', tmpFile('bad.yaml', withMetadata('0o17')), ...flags]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      /failed parsing generated injected YAML of template "sidecar".*spec\.(containers|initContainers)\[\d+\]\.env\[\d+\]\.name must be a string, not a number \(15\)/,
    );
  });

  it("nativeSidecars reaches templates that read istiod's ENABLE_NATIVE_SIDECARS (Istio before 1.27)", async () => {
    const cm = injectorConfigMap('m').replace(
      'rendered-by: {{ .Values.global.marker }}',
      'env-native: "{{ env `ENABLE_NATIVE_SIDECARS` `false` }}"\n            field-native: "{{ .NativeSidecars }}"',
    );
    const input = tmpFile('all.yaml', [cm, workload('shop')].join('---\n'));
    for (const native of ['true', 'false']) {
      const r = await run(['-f', input, '--emulate', 'kube-inject', '--native-sidecars', native]);
      expect(r.code, r.stderr).toBe(0);
      const labels = docs(r.stdout).find((d) => d.kind === 'Deployment')!.spec.template.metadata.labels;
      expect(labels).toMatchObject({ 'env-native': native, 'field-native': native });
    }
  });

  it('a Helm-rendered Istio (its ConfigMaps) in the same input is picked up with no flags', async () => {
    const helm = readFileSync(join(CORPUS_DIR, 'config/configmaps.yaml'), 'utf8');
    const app = readFileSync(join(CORPUS_DIR, 'inputs/hello.yaml'), 'utf8');
    const r = await run(['-f', tmpFile('all.yaml', `${helm}\n---\n${app}`), '--emulate', 'kube-inject', '--native-sidecars', 'true']);
    expect(r.code, r.stderr).toBe(0);
    const dep = docs(r.stdout).find((d) => d.kind === 'Deployment')!;
    expect(dep.spec.template.spec.initContainers[1].image).toBe('registry.istio.io/testing/proxyv2:latest');
    expect(r.stderr).toMatch(/ConfigMap istio-system\/istio-sidecar-injector, mesh config from ConfigMap istio-system\/istio/);
  });
});
