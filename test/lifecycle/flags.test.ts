/** The lifecycle flags: combinations that make no sense are usage errors (exit 2) or config errors. */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n  containers: [{name: a, image: a}]\n';

describe('lifecycle flags', () => {
  it('two modes at once', async () => {
    const r = await runCli(['--explain', '--check', '-f', '-'], POD);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--explain and --check cannot be used together');
  });
  it('bad values name the flag and the choices', async () => {
    expect((await runCli(['--format', 'json', '-f', '-'], POD)).stderr).toContain('--format must be full or patch, not "json"');
    expect((await runCli(['--jobs', 'never', '-f', '-'], POD)).stderr).toContain('--jobs must be native, classic or skip');
    expect((await runCli(['--webhook-coexistence', 'off', '-f', '-'], POD)).code).toBe(2);
  });
  it('check and explain change nothing: no --in-place, no patches', async () => {
    expect((await runCli(['--check', '--in-place', '-f', 'x.yaml'], '')).code).toBe(2);
    const r = await runCli(['--explain', '--format', 'patch', '-f', '-'], POD);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
  it('--explain in stream mode passes the input through unchanged', async () => {
    const r = await runCli(['--explain', '-f', '-'], POD);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(POD);
    expect(r.stderr).toContain('Stage A');
  });
  it('patch output in KRM mode is an error result, and the ResourceList is still written', async () => {
    const list = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- ${POD.trimEnd().split('\n').join('\n  ')}\nfunctionConfig:\n  apiVersion: inject-sidecar.dev/v1alpha1\n  kind: SidecarInjection\n  metadata: {name: x}\n  spec: {output: patch}\n`;
    const r = await runCli([], list);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('kind: ResourceList');
    expect(r.stdout).toContain('output: patch is for stream mode');
  });
});
