/**
 * The config file named by --config: a YAML error names it as the config with line and column, a
 * missing one says it is the config file, and value problems name the field and what is accepted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n';
const head = 'apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\n';

function config(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'config-file-')), 'inject-sidecar.yaml');
  writeFileSync(file, text);
  return file;
}

describe('--config FILE', () => {
  it('a YAML error names the config file, line and column', async () => {
    const file = config(`${head}spec:\n  proxy: {tag: 1\n  policy: enabled\n`);
    const r = await runCli(['--config', file, '-f', '-'], ns);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^inject-sidecar: config ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
  });

  it('a missing file is named as the config file', async () => {
    const r = await runCli(['--config', 'no-such-inject-sidecar.yaml', '-f', '-'], ns);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('inject-sidecar: config file no-such-inject-sidecar.yaml: no such file\n');
  });

  it('value errors name the field and the accepted values', async () => {
    const file = config(`${head}spec:\n  defaultNamespce: shop\n  nativeSidecars: yes\n  proxy:\n    hub: "docker.io/istio/"\n`);
    const r = await runCli(['--config', file, '-f', '-'], ns);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.defaultNamespce: unknown field; did you mean defaultNamespace?');
    expect(r.stderr).toContain('spec.nativeSidecars: expected true, false or auto');
    expect(r.stderr).toContain('spec.proxy.hub: expected a registry and repository');
  });

  it('more than one document is an error', async () => {
    const file = config(`${head}---\n${head}`);
    const r = await runCli(['--config', file, '-f', '-'], ns);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('expected one document, found 2');
  });
});
