/**
 * Issue 14 findings 4, 9, 10 and issue 13 item 5: what reaches the user around the YAML: the
 * summary (text, markdown, json), the totals line, progress on a terminal, stream output without
 * tool configuration, an empty input, KRM mode's stderr.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli } from '../../src/cli/cli.js';
import { HELP } from '../../src/cli/args.js';
import { formatMarkdown, summarize } from '../../src/cli/summary.js';
import { runCli } from '../support/run-cli.js';
import { app, bookinfo, namespaceObject } from './bookinfo.js';

const input = `${namespaceObject('bookinfo')}---\n${bookinfo}---\n${app('reviews', 'v1', '\n        sidecar.istio.io/inject: "false"')}`;

describe('--summary', () => {
  it('text: one short line per workload (action, reason, revision, image), the totals line last', async () => {
    const r = await runCli(['-n', 'bookinfo', '--summary', 'text', '-f', '-'], input);
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^injected +Deployment details-v1 +namespace-label +rev default +docker\.io\/istio\/proxyv2:\S+$/);
    expect(lines[2]).toMatch(/^skipped +Deployment reviews-v1 +pod-label\s*$/);
    expect(lines[3]).toBe('3 workloads: 2 injected, 0 upgraded, 0 unchanged, 1 skipped, 0 removed, 0 errors');
  });

  it('markdown: a table for a pull-request comment, with upgrades shown old → new', async () => {
    const old = await runCli(['-n', 'bookinfo', '-q', '-f', '-'], input);
    const upgraded = old.stdout.replace(/proxyv2:[\w.-]+/g, 'proxyv2:1.0.0');
    const r = await runCli(['-n', 'bookinfo', '--summary', 'markdown', '-f', '-'], upgraded);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^### inject-sidecar: 3 workloads: 0 injected, 2 upgraded, 0 unchanged, 1 skipped/);
    expect(r.stderr).toContain('| Workload | Action | Reason | Revision | Proxy image | Why |');
    expect(r.stderr).toMatch(
      /\| Deployment details-v1 \| upgraded \| namespace-label \| default \| `docker\.io\/istio\/proxyv2:1\.0\.0` → `docker\.io\/istio\/proxyv2:[\w.-]+` \|/,
    );
    expect(r.stderr).toMatch(/\| Deployment reviews-v1 \| skipped \| pod-label \|/);
  });

  it('a second run over its own output counts unchanged workloads', async () => {
    const first = await runCli(['-n', 'bookinfo', '-q', '-f', '-'], input);
    const r = await runCli(['-n', 'bookinfo', '-f', '-'], first.stdout);
    expect(r.stderr.trimEnd().split('\n').pop()).toBe('3 workloads: 0 injected, 0 upgraded, 2 unchanged, 1 skipped, 0 removed, 0 errors');
  });

  it('markdown escapes table syntax coming from the manifests', async () => {
    const r = await runCli(['--summary', 'markdown', '-f', '-'], bookinfo.replace('name: details-v1', 'name: "a|b<script>"'));
    expect(r.stderr).toContain('a\\|b\\<script\\>');
    expect(r.stderr).not.toContain('<script>');
  });

  it('markdown: an image cannot break out of its code span or the table', () => {
    const result = {
      message: 'injected: x',
      severity: 'info' as const,
      resourceRef: { apiVersion: 'v1', kind: 'Pod', name: 'p' },
      tags: { action: 'injected', reason: 'r', image: 'a|b`c\nd' },
    };
    const md = formatMarkdown(summarize([result], 'inject'));
    const row = md.split('\n').find((l) => l.startsWith('| Pod p |')) ?? '';
    expect(row).toContain("`a\\|b'c d`");
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(8);
  });

  it('json: totals and workloads', async () => {
    const r = await runCli(['-n', 'bookinfo', '--summary', 'json', '-f', '-'], input);
    const s = JSON.parse(r.stderr) as { totals: Record<string, number>; workloads: { workload: string; category: string; image?: string }[] };
    expect(s.totals).toMatchObject({ injected: 2, skipped: 1, error: 0 });
    expect(s.workloads.map((w) => `${w.workload} ${w.category}`)).toEqual([
      'Deployment details-v1 injected',
      'Deployment ratings-v1 injected',
      'Deployment reviews-v1 skipped',
    ]);
  });

  it('rejects an unknown format', async () => {
    const r = await runCli(['--summary', 'html', '-f', '-'], input);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--summary must be text, markdown, json or prometheus');
  });

  it('--quiet drops the totals line; undecided workloads are counted', async () => {
    expect((await runCli(['-q', '-f', '-'], bookinfo)).stderr).toBe('');
    expect((await runCli(['-f', '-'], bookinfo)).stderr.trimEnd().split('\n').pop()).toBe(
      '2 workloads: 0 injected, 0 upgraded, 0 unchanged, 0 skipped, 0 removed, 2 undecided, 0 errors',
    );
  });
});

describe('stream output', () => {
  const config = `apiVersion: inject-sidecar.dev/v1alpha1
kind: SidecarInjection
metadata:
  name: cfg
spec:
  defaultNamespace: bookinfo
`;
  const local = `apiVersion: v1
kind: ConfigMap
metadata:
  name: values
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  a: b
`;
  const kptfile = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\n';

  it('leaves out the function config, Kptfiles and local-config objects (kustomize build does)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stream-'));
    writeFileSync(join(dir, 'a-app.yaml'), input);
    writeFileSync(join(dir, 'b-local.yaml'), `${local}---\n${kptfile}`);
    writeFileSync(join(dir, 'config.yaml'), config);
    const r = await runCli(['--config', join(dir, 'config.yaml'), '-f', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('kind: SidecarInjection');
    expect(r.stdout).not.toContain('local-config');
    expect(r.stdout).not.toContain('kind: Kptfile');
    expect(r.stdout).toContain('kind: Namespace');
    expect(r.stdout.match(/- name: istio-proxy$/gm)).toHaveLength(2);
  });

  it('a ConfigMap given as the function config is left out when it is in the stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stream-'));
    writeFileSync(join(dir, 'app.yaml'), input);
    writeFileSync(join(dir, 'fn.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fn\ndata:\n  defaultNamespace: bookinfo\n');
    const r = await runCli(['--config', join(dir, 'fn.yaml'), '-f', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('name: fn');
    expect(r.stdout).toContain('kind: Namespace');
  });

  it('--help says what the stream leaves out, and calls it ready for kubectl apply no more', () => {
    expect(HELP).not.toContain('ready for kubectl apply');
    expect(HELP).toContain('config.kubernetes.io/local-config: "true"');
  });

  it('--in-place keeps them in their files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stream-'));
    writeFileSync(join(dir, 'app.yaml'), `${input}---\n${local}`);
    const r = await runCli(['-n', 'bookinfo', '--in-place', '-f', join(dir, 'app.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(dir, 'app.yaml'), 'utf8');
    expect(text).toContain('local-config');
    expect(text.match(/- name: istio-proxy$/gm)).toHaveLength(2);
  });
});

describe('empty input', () => {
  for (const [name, text] of [
    ['empty', ''],
    ['comments only', '# nothing yet\n---\n# still nothing\n'],
  ]) {
    it(`${name}: exit 0 and a warning`, async () => {
      const r = await runCli(['-f', '-'], text);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('no objects in input');
    });
  }
});

describe('KRM mode stderr', () => {
  const list = (items: unknown[]) => stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items });

  it('does not repeat the results (kpt shows them); errors and the totals line stay', async () => {
    const docs = input.split(/^---\n/m).map((d) => (d.includes('kind: Deployment') ? d.replace(/^metadata:\n/m, 'metadata:\n  namespace: bookinfo\n') : d));
    const { parse } = await import('yaml');
    const r = await runCli([], list(docs.map((d) => parse(d))));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('injected: namespace label');
    expect(r.stderr).toBe('3 workloads: 2 injected, 0 upgraded, 0 unchanged, 1 skipped, 0 removed, 0 errors\n');
    // kustomize's container functions get LOG_TO_STDERR=true: it shows stderr, never the results.
    let stderr = '';
    const code = await cli([], {
      readStdin: async () => list(docs.map((d) => parse(d))),
      stdout: () => {},
      stderr: (t) => void (stderr += t),
      logToStderr: true,
    });
    expect(code).toBe(0);
    expect(stderr).toContain('Deployment bookinfo/details-v1: injected: namespace label');
    expect(stderr.trimEnd().split('\n').pop()).toBe('3 workloads: 2 injected, 0 upgraded, 0 unchanged, 1 skipped, 0 removed, 0 errors');
  });
});

describe('progress', () => {
  const many = Array.from({ length: 40 }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n`).join('---\n');
  /** Runs with a fake clock that advances `step` ms per reading; returns the exit code and stderr. */
  async function runTimed(argv: string[], tty: boolean, step: number): Promise<{ code: number; stderr: string }> {
    let t = 0;
    let stderr = '';
    const code = await cli(argv, {
      readStdin: async () => many,
      stdout: () => {},
      stderr: (s) => void (stderr += s),
      stderrIsTTY: tty,
      now: () => (t += step),
    });
    return { code, stderr };
  }

  it('is shown on a terminal when the run lasts more than a second, and cleared', async () => {
    const slow = await runTimed(['-f', '-'], true, 1000);
    expect(slow.code).toBe(0);
    expect(slow.stderr).toMatch(/^\rinject-sidecar: 16\/40 documents\rinject-sidecar: 32\/40 documents\r\x1b\[K/);
  });

  it('is not shown for a short run, with --quiet, or when stderr is not a terminal', async () => {
    expect((await runTimed(['-f', '-'], true, 10)).stderr).not.toContain('documents');
    expect((await runTimed(['-q', '-f', '-'], true, 1000)).stderr).toBe('');
    expect((await runTimed(['-f', '-'], false, 1000)).stderr).not.toContain('documents');
  });
});
