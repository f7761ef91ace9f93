/**
 * The example package as its README describes it: the demo command's decisions, and which files change.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { runCli } from './support/run-cli.js';

const root = new URL('../', import.meta.url).pathname;

describe('examples/shop', () => {
  it('the demo command injects what the README says, and only that', async () => {
    const { code, stdout, stderr } = await runCli(['--config', `${root}examples/shop/inject-sidecar.yaml`, '-f', `${root}examples/shop`]);
    expect(code).toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines.pop()).toBe('6 workloads: 4 injected, 0 upgraded, 0 unchanged, 2 skipped, 0 removed, 0 errors');
    const decisions = lines.map((l) => /^(\w+ [\w/-]+): (injected|skipped)/.exec(l)?.slice(1, 3).join(' '));
    expect(decisions).toEqual([
      'Deployment shop/cart injected',
      'Deployment shop/catalog injected',
      'StatefulSet shop/db skipped',
      'DaemonSet ops/node-agent skipped',
      'CronJob ops/sales-report injected',
      'Deployment shop/web injected',
    ]);
    // Four injected workloads, each with a native istio-proxy (kubeVersion 1.33).
    expect(stdout.match(/- name: istio-proxy\n\s+image: docker\.io\/istio\/proxyv2:1\.28\.0/g)?.length).toBe(4);
    expect(stdout.match(/restartPolicy: Always/g)?.length).toBe(4);
    // Untouched files come out byte for byte.
    for (const file of ['db.yaml', 'node-agent.yaml', 'namespaces.yaml']) {
      expect(stdout).toContain(readFileSync(`${root}examples/shop/${file}`, 'utf8'));
    }
    expect(stdout).toContain('cpu: 2000m # two cores at peak');
    // Like kustomize build: no function config and no Kptfile in a stream for kubectl apply.
    expect(stdout).not.toContain('kind: SidecarInjection');
    expect(stdout).not.toContain('kind: Kptfile');
    expect(stdout).toContain('path: /app-health/web/readyz');
  });
});

describe('npm run demo (needs npm run build)', () => {
  it('shows the summary and a shortened diff of one workload in one screen; the YAML only with --full', () => {
    const demo = spawnSync(process.execPath, [`${root}scripts/demo.mjs`], { encoding: 'utf8' });
    expect(demo.status, demo.stderr).toBe(0);
    const lines = demo.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(42);
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
    expect(demo.stdout).toMatch(/^injected +Deployment shop\/cart +namespace-label +rev default +docker\.io\/istio\/proxyv2:1\.28\.0$/m);
    expect(demo.stdout).toContain('6 workloads: 4 injected, 0 upgraded, 0 unchanged, 2 skipped, 0 removed, 0 errors');
    expect(demo.stdout).toMatch(/^- {13}tcpSocket:$/m);
    expect(demo.stdout).toMatch(/^\+ {13}httpGet:$/m);
    expect(demo.stdout).not.toContain('kind: SidecarInjection');
    const full = spawnSync(process.execPath, [`${root}scripts/demo.mjs`, '--full'], { encoding: 'utf8' });
    expect(full.status).toBe(0);
    expect(full.stdout.match(/- name: istio-proxy$/gm)).toHaveLength(4);
  });
});
