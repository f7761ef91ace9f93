/**
 * The GitHub Actions example (integrations/github-actions): its inject-sidecar command line runs,
 * fails on drift and writes the Markdown summary it posts.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { runCli } from '../support/run-cli.js';
import { bookinfo } from '../cli/bookinfo.js';

const repo = resolve(import.meta.dirname, '../..');
const workflow = parse(readFileSync(join(repo, 'integrations/github-actions/inject-sidecar.yml'), 'utf8')) as {
  env: Record<string, string>;
  jobs: { check: { steps: { id?: string; run?: string }[] } };
};

/** The workflow's inject-sidecar command, its variables expanded, split into arguments. */
function commandLine(): string[] {
  const script = workflow.jobs.check.steps.find((s) => s.id === 'check')?.run ?? '';
  const line = script.split('\n').find((l) => l.startsWith('inject-sidecar ')) ?? '';
  const expanded = line.replace(/"\$(\w+)"/g, (_, name: string) => workflow.env[name] ?? '').replace(/ 2>summary\.md$/, '');
  return expanded.split(/\s+/).slice(1);
}

describe('GitHub Actions example', () => {
  it('checks the committed manifests and writes a Markdown summary; fails until they are injected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gha-'));
    mkdirSync(join(dir, workflow.env.MANIFESTS!));
    writeFileSync(join(dir, workflow.env.MANIFESTS!, 'app.yaml'), bookinfo);
    writeFileSync(
      join(dir, workflow.env.CONFIG!),
      `apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nmetadata:\n  name: c\nspec:\n  namespaces:\n    ${workflow.env.NAMESPACE}:\n      labels: {istio-injection: enabled}\n`,
    );
    const argv = commandLine().map((a) => (a === workflow.env.CONFIG || a === workflow.env.MANIFESTS ? join(dir, a) : a));
    expect(argv).toContain('--check');
    const before = await runCli(argv);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/^### inject-sidecar: check failed: 2 workloads/);
    expect(before.stderr).toContain('| Deployment details-v1 | drift:missing | namespace-label |');
    const fix = argv.map((a) => (a === '--check' ? '--in-place' : a));
    expect((await runCli(fix)).code).toBe(0);
    const after = await runCli(argv);
    expect(after.code).toBe(0);
    expect(after.stderr).toMatch(/^### inject-sidecar: check passed/);
  });
});
