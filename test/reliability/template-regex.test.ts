/**
 * Hostile regular expressions in an injection template (--injectConfigFile) through the CLI:
 * sprig's regex functions run Go's RE2 semantics in linear time, so a pattern that makes a
 * backtracking engine hang answers as Go does, and a match too large for the step budget is a
 * clear Go-style error naming the template, with exit 1 and nothing on stdout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkRun, runCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-regex-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function render(template: string) {
  const p = join(dir, `inject-${n++}.yaml`);
  writeFileSync(
    p,
    `policy: enabled\ntemplates:\n  sidecar: |\n${template
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\n`,
  );
  const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n';
  const dep =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: example/web:1\n';
  const r = await runCli(['-q', '--injectConfigFile', p, '-f', '-'], `${ns}---\n${dep}`);
  expect(checkRun(r, 'stream')).toBeUndefined();
  return r;
}

const sidecar = (labels: string) => `metadata:\n  labels:\n${labels}\nspec:\n  containers:\n  - name: istio-proxy\n    image: proxy`;

describe('regular expressions in templates through the CLI', () => {
  it('answers regexMatch "^(a+)+$" on 40 a\'s and a b with false, as Go does', async () => {
    const r = await render(
      sidecar(`    redos: {{ regexMatch "^(a+)+$" "${'a'.repeat(40)}b" | quote }}\n    ok: {{ regexMatch "^(a+)+$" "${'a'.repeat(40)}" | quote }}`),
    );
    expect(r.code).toBe(0);
    const d = parseAllDocuments(r.stdout)
      .map((x) => x.toJS())
      .find((x) => x?.kind === 'Deployment');
    expect(d.spec.template.metadata.labels).toMatchObject({ redos: 'false', ok: 'true' });
  });

  it("reports a pattern that does not compile with Go's message", async () => {
    const r = await render(sidecar('    x: {{ regexFind "a(?=b)" "ab" }}'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error calling regexFind: regexp: Compile(`a(?=b)`): error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
  });

  it('ends a match beyond the step budget with a clear error, exit 1, nothing on stdout', async () => {
    const r = await render(sidecar(`    x: {{ regexMatch "(?:a?){1000}b" (repeat 30000 "a") | quote }}`));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: Deployment shop\/web: injection template "sidecar" failed: template: sidecar:/);
    expect(r.stderr).toContain('error calling regexMatch: regexp: matching needs more than 50000000 steps');
  }, 120_000);
});
