/**
 * Issue 14, findings 1 and 2: manifests without metadata.namespace (-n/--namespace, messages that
 * name the namespace or say how to give one) and a --check that fails on what it cannot decide.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli.js';
import { bookinfo, namespaceObject } from './bookinfo.js';

const proxies = (s: string) => s.match(/- name: istio-proxy$/gm)?.length ?? 0;

describe('-n/--namespace', () => {
  it('without a namespace: no empty name, and the message says how to give one', async () => {
    const r = await runCli(['-f', '-'], bookinfo);
    expect(r.stderr).not.toMatch(/namespace {2}/);
    expect(r.stderr).toContain('no namespace: give -n/--namespace or spec.defaultNamespace');
    expect(proxies(r.stdout)).toBe(0);
  });

  it('--explain without a namespace shows no empty name in the trail', async () => {
    const r = await runCli(['--explain', '-f', '-'], bookinfo);
    expect(r.stderr).toContain('unknown (no namespace given)');
    expect(r.stderr).not.toContain('metadata.name=)');
    expect(r.stderr).not.toMatch(/input: +namespace *$/m);
  });

  it('-n names the namespace of objects without one: decided from its labels, injected', async () => {
    const r = await runCli(['-n', 'bookinfo', '-f', '-'], `${namespaceObject('bookinfo')}---\n${bookinfo}`);
    expect(r.code).toBe(0);
    expect(proxies(r.stdout)).toBe(2);
    expect(r.stderr).toContain('Deployment details-v1: injected');
    // Like kubectl apply -n: the manifests keep their (missing) namespace.
    expect(r.stdout).not.toMatch(/^ {2}namespace: bookinfo$/m);
    // The namespace-dependent parts of the sidecar use it.
    expect(r.stdout).toContain('namespaces/bookinfo/deployments/details-v1');
  });

  it('--namespace overrides spec.defaultNamespace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nmetadata:\n  name: c\nspec:\n  defaultNamespace: other\n');
    const r = await runCli(['--config', config, '--namespace', 'bookinfo', '-f', '-'], `${namespaceObject('bookinfo')}---\n${bookinfo}`);
    expect(r.code).toBe(0);
    expect(proxies(r.stdout)).toBe(2);
  });

  it('an unknown namespace is named in the message', async () => {
    const r = await runCli(['-n', 'reviews', '-f', '-'], bookinfo);
    expect(r.stderr).toContain('namespace reviews is not in the input');
  });

  it('uninject with -n gives the manifests back byte for byte', async () => {
    const injected = await runCli(['-n', 'bookinfo', '-f', '-'], `${namespaceObject('bookinfo')}---\n${bookinfo}`);
    const back = await runCli(['--uninject', '-n', 'bookinfo', '-f', '-'], injected.stdout);
    expect(back.stdout).toBe(`${namespaceObject('bookinfo')}---\n${bookinfo}`);
  });
});

describe('--check on what it cannot decide', () => {
  it('fails with drift kind undecided when namespace labels decide and are unknown', async () => {
    const r = await runCli(['--check', '-f', '-'], bookinfo);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('drift (undecided)');
    const last = r.stderr.trimEnd().split('\n').pop();
    expect(last).toContain('check failed: 2 workloads');
    expect(last).toContain('undecided: 2');
  });

  it('passes once the namespace is known', async () => {
    const r = await runCli(['--check', '-n', 'bookinfo', '-f', '-'], `${namespaceObject('bookinfo', 'istio-injection: disabled')}---\n${bookinfo}`);
    expect(r.code).toBe(0);
    expect(r.stderr.trimEnd().split('\n').pop()).toContain('check passed');
  });

  it('--explain counts undecided workloads in its last line', async () => {
    const r = await runCli(['--explain', '-f', '-'], bookinfo);
    expect(r.stderr.trimEnd().split('\n').pop()).toMatch(/2 undecided/);
  });
});
