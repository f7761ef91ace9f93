/**
 * Output fidelity of changed documents: injecting changes only the lines of changed fields, and
 * `--uninject` gives the source back byte for byte, whatever the source's layout. Runs over
 * generated bookinfo-like manifests in every layout style a hand-written or Helm-rendered file
 * has (both sequence-indent styles, mixed; 2- or 4-space maps; flow sequences with or without
 * spaces; trailing spaces; blank and whitespace-only lines; block scalars; `{}` on its own line;
 * quoted annotations; comments or none), and over Istio's injection corpora, master's and each
 * release's (read from the shared checkout at run time, when present).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { removedLines } from '../support/line-diff.js';
import { repoRoot, runCli } from './helpers.js';
import { corpusConfigFlags } from '../../scripts/conformance.js';

interface Style {
  /** Per list: `- ` indented under its key (wide) or in the key's column (compact). */
  wide: { containers: boolean; ports: boolean; env: boolean; drop: boolean; volumes: boolean };
  indent: 2 | 4;
  args: 'flow-tight' | 'flow' | 'block';
  quote: 'double' | 'single' | 'plain' | 'none';
  resources: 'inline' | 'next-line' | 'block';
  probe: 'flow' | 'block';
  comments: boolean;
  blockScalar: '|' | '>-' | '|-';
  /** Line numbers (mod the line count) that get trailing spaces, or are followed by a blank/whitespace-only line. */
  trailing: number[];
  blanks: { at: number; ws: string }[];
}

interface Line {
  text: string;
  /** The line holds a field injection changes (a prometheus annotation, the rewritten probe). */
  changes?: boolean;
  /** Inside a block scalar: blank lines there would change the value. */
  inBlock?: boolean;
}

/** A bookinfo-like Deployment in the given style (a Namespace with injection enabled first). */
function render(st: Style): string {
  const out: Line[] = [];
  // columns: a map nested under a key is indented by st.indent; a list's `- ` goes in the key's
  // column (compact) or st.indent further (wide); an item's keys sit two after its `-`
  const at = (col: number, text: string, extra: Partial<Line> = {}) => out.push({ text: ' '.repeat(col) + text, ...extra });
  const n1 = (col: number) => col + st.indent;
  const list = (col: number, wide: boolean) => (wide ? col + st.indent : col);
  const c = (text: string) => (st.comments ? ` # ${text}` : '');
  if (st.comments) at(0, '# bookinfo-like details service');
  at(0, 'apiVersion: apps/v1');
  at(0, 'kind: Deployment');
  at(0, 'metadata:');
  at(st.indent, 'name: details-v1' + c('the workload'));
  at(st.indent, 'namespace: bookinfo');
  at(st.indent, 'labels:');
  at(2 * st.indent, 'app: details');
  at(0, 'spec:');
  at(st.indent, 'replicas: 1');
  at(st.indent, 'selector:');
  at(2 * st.indent, 'matchLabels:');
  at(3 * st.indent, 'app: details');
  at(st.indent, 'template:');
  at(2 * st.indent, 'metadata:');
  at(3 * st.indent, 'labels:');
  at(4 * st.indent, 'app: details');
  at(4 * st.indent, 'version: v1');
  if (st.quote !== 'none') {
    const q = (v: string) => (st.quote === 'double' ? `"${v}"` : st.quote === 'single' ? `'${v}'` : v);
    at(3 * st.indent, 'annotations:');
    at(4 * st.indent, `prometheus.io/scrape: "true"`);
    at(4 * st.indent, `prometheus.io/path: ${q('/metrics')}`, { changes: true });
    at(4 * st.indent, `prometheus.io/port: "9080"`, { changes: true });
  }
  at(2 * st.indent, 'spec:');
  if (st.comments) at(3 * st.indent, '# the app container, then its sidecar');
  at(3 * st.indent, 'containers:');
  const cd = list(3 * st.indent, st.wide.containers);
  at(cd, '- name: details');
  const k = cd + 2; // the container's keys
  at(k, 'image: docker.io/istio/examples-bookinfo-details-v1:1.20.2');
  at(k, 'imagePullPolicy: IfNotPresent');
  if (st.args === 'flow-tight') at(k, 'args: ["--port","9080"]');
  else if (st.args === 'flow') at(k, 'args: ["--port", "9080"]' + c('listen'));
  else {
    at(k, 'args:');
    at(list(k, st.wide.containers), '- --port');
    at(list(k, st.wide.containers), '- "9080"');
  }
  at(k, 'ports:');
  at(list(k, st.wide.ports), '- containerPort: 9080');
  at(k, 'env:');
  const ed = list(k, st.wide.env);
  at(ed, '- name: LOG_DIR');
  at(ed + 2, 'value: "/tmp/logs"');
  at(ed, '- name: BANNER');
  at(ed + 2, `value: ${st.blockScalar}`);
  at(n1(ed + 2), 'details of a book', { inBlock: true });
  at(n1(ed + 2), 'and its reviews', { inBlock: true });
  if (st.probe === 'flow') at(k, 'readinessProbe: {httpGet: {path: /health, port: 9080}, periodSeconds: 5}', { changes: true });
  else {
    at(k, 'readinessProbe:');
    at(n1(k), 'httpGet:');
    at(n1(n1(k)), 'path: /health', { changes: true });
    at(n1(n1(k)), 'port: 9080', { changes: true });
    at(n1(k), 'periodSeconds: 5');
  }
  if (st.resources === 'inline') at(k, 'resources: {}');
  else if (st.resources === 'next-line') {
    at(k, 'resources:');
    at(n1(k), '{}');
  } else {
    at(k, 'resources:');
    at(n1(k), 'limits:');
    at(n1(n1(k)), 'cpu: 500m' + c('half a core'));
  }
  at(k, 'securityContext:');
  at(n1(k), 'allowPrivilegeEscalation: false');
  at(n1(k), 'capabilities:');
  at(n1(n1(k)), 'drop:');
  at(list(n1(n1(k)), st.wide.drop), '- ALL');
  at(n1(k), 'runAsNonRoot: true');
  at(3 * st.indent, 'volumes:');
  const vd = list(3 * st.indent, st.wide.volumes);
  at(vd, '- name: tmp');
  at(vd + 2, 'emptyDir: {}');
  // trailing spaces and blank lines (never before the first line, nor inside the block scalar)
  const n = out.length;
  const lines = out.map((l) => ({ ...l }));
  for (const t of st.trailing) {
    const l = lines[t % n]!;
    if (!l.inBlock) l.text += ' ';
  }
  const blanksAfter = new Map<number, string>();
  for (const b of st.blanks) {
    const i = b.at % n;
    if (!lines[i]!.inBlock && !lines[i + 1]?.inBlock) blanksAfter.set(i, b.ws);
  }
  let text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: enabled\n---\n';
  lines.forEach((l, i) => {
    text += l.text + '\n';
    if (blanksAfter.has(i)) text += blanksAfter.get(i)! + '\n';
  });
  changing.set(text, new Set(lines.filter((l) => l.changes).map((l) => l.text.trimEnd())));
  return text;
}

/** For each rendered text, the lines (trailing spaces trimmed) injection may change. */
const changing = new Map<string, Set<string>>();

const style: fc.Arbitrary<Style> = fc.record({
  wide: fc.record({ containers: fc.boolean(), ports: fc.boolean(), env: fc.boolean(), drop: fc.boolean(), volumes: fc.boolean() }),
  indent: fc.constantFrom(2 as const, 4 as const),
  args: fc.constantFrom('flow-tight' as const, 'flow' as const, 'block' as const),
  quote: fc.constantFrom('double' as const, 'single' as const, 'plain' as const, 'none' as const),
  resources: fc.constantFrom('inline' as const, 'next-line' as const, 'block' as const),
  probe: fc.constantFrom('flow' as const, 'block' as const),
  comments: fc.boolean(),
  blockScalar: fc.constantFrom('|' as const, '>-' as const, '|-' as const),
  trailing: fc.array(fc.nat(80), { maxLength: 6 }),
  blanks: fc.array(fc.record({ at: fc.nat(80), ws: fc.constantFrom('', ' ', '    ') }), { maxLength: 4 }),
});

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as unknown);

describe('changed documents keep their layout', () => {
  it('a psa-style Deployment: only the changed lines differ, and uninject restores every byte', async () => {
    const text = render({
      wide: { containers: false, ports: false, env: true, drop: true, volumes: false },
      indent: 2,
      args: 'flow-tight',
      quote: 'double',
      resources: 'next-line',
      probe: 'block',
      comments: false,
      blockScalar: '|',
      trailing: [],
      blanks: [],
    })
      .replace('IfNotPresent\n', 'IfNotPresent \n')
      .replace('\n          - name: BANNER\n', '\n  \n          - name: BANNER\n');
    const injected = await runCli(['-f', '-'], text);
    expect(injected.code, injected.stderr).toBe(0);
    expect(injected.stdout).toContain('name: istio-proxy');
    for (const kept of [
      'args: ["--port","9080"]',
      '        resources:\n          {}\n',
      '            drop:\n              - ALL\n',
      'imagePullPolicy: IfNotPresent \n',
    ]) {
      expect(text).toContain(kept);
      expect(injected.stdout).toContain(kept);
    }
    expect(injected.stdout).toContain('prometheus.io/path: "/stats/prometheus"');
    expect(removedLines(text, injected.stdout).map((l) => l.trim())).toEqual([
      'prometheus.io/path: "/metrics"',
      'prometheus.io/port: "9080"',
      'path: /health',
      'port: 9080',
    ]);
    const back = await runCli(['--uninject', '-f', '-'], injected.stdout);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toBe(text);
  });

  it('in every generated style', async () => {
    await fc.assert(
      fc.asyncProperty(style, async (st) => {
        const text = render(st);
        const injected = await runCli(['-f', '-'], text);
        expect(injected.code, injected.stderr).toBe(0);
        expect(injected.stdout).toContain('name: istio-proxy');
        const allowed = changing.get(text)!;
        for (const line of removedLines(text, injected.stdout)) expect(allowed, `removed: ${JSON.stringify(line)}`).toContain(line.trimEnd());
        const back = await runCli(['--uninject', '-f', '-'], injected.stdout);
        expect(back.code, back.stderr).toBe(0);
        expect(back.stdout).toBe(text);
      }),
      { numRuns: 60 },
    );
  });
});

const istio = resolve(repoRoot, '../shared/istio-conformance');
/** Master's corpus and each release's: every golden input. */
const corpora = [
  istio,
  ...(existsSync(join(istio, 'releases'))
    ? readdirSync(join(istio, 'releases'))
        .sort()
        .map((t) => join(istio, 'releases', t))
    : []),
].filter((dir) => existsSync(join(dir, 'inputs')));
const inputsOf = (dir: string) =>
  readdirSync(join(dir, 'inputs'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();

/**
 * Injection removes `prometheus.istio.io/scrape-targets` (as Istio does) and uninject rebuilds it
 * from the sidecar's ISTIO_PROMETHEUS_ANNOTATIONS, which does not say how the value was quoted:
 * the record keeps the quote (`quoted`), and only when the source had one.
 */
describe('an annotation the injection removes comes back in its quotes', () => {
  const source = (value: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
      annotations:
        prometheus.io/scrape: "true"
        prometheus.istio.io/scrape-targets: ${value}
    spec:
      containers:
      - name: web
        image: web:1
`;
  for (const value of ['"8080:/metrics,9100:/custom"', "'8080:/metrics,9100:/custom'", '8080:/metrics,9100:/custom']) {
    it(value, async () => {
      const text = source(value);
      const injected = await runCli(['-f', '-'], text);
      expect(injected.code, injected.stderr).toBe(0);
      expect(injected.stdout).not.toMatch(/^ +prometheus\.istio\.io\/scrape-targets:/m);
      // a plain source needs no hint, so the record has none for it
      expect(injected.stdout.includes('quoted')).toBe(value.startsWith('"') || value.startsWith("'"));
      const back = await runCli(['--uninject', '-f', '-'], injected.stdout);
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toBe(text);
      // re-injection keeps the record (the key is not in the injected text any more)
      const again = await runCli(['-f', '-'], injected.stdout);
      expect(again.stdout).toBe(injected.stdout);
    });
  }
});

describe.skipIf(corpora.length === 0)("uninject(inject(x)) == x over Istio's injection corpora", () => {
  it.each(corpora.map((dir) => [dir.slice(istio.length + 1) || 'master', dir]))('%s: every input that injects', async (_name, dir) => {
    const flags = ['--emulate', 'kube-inject', ...corpusConfigFlags(dir)];
    let injectedCount = 0;
    const inputs = inputsOf(dir);
    for (const f of inputs) {
      const src = readFileSync(join(dir, 'inputs', f), 'utf8');
      const pristine = await runCli([...flags, '--uninject', '-f', '-'], src);
      if (pristine.code !== 0) continue;
      if (!src.includes('sidecar.istio.io/status')) expect(pristine.stdout, f).toBe(src);
      const injected = await runCli([...flags, '-f', '-'], pristine.stdout);
      if (injected.code !== 0 || injected.stdout === pristine.stdout) continue;
      injectedCount++;
      const back = await runCli([...flags, '--uninject', '-f', '-'], injected.stdout);
      expect(back.code, `${f}: ${back.stderr}`).toBe(0);
      expect(docs(back.stdout)).toEqual(docs(pristine.stdout));
      expect(back.stdout, f).toBe(pristine.stdout);
    }
    // 48-57 of 55-65 inputs per corpus inject (the others: skipped kinds, opted out, errors)
    expect(injectedCount).toBeGreaterThanOrEqual(Math.floor((inputs.length * 2) / 3));
  });
});
