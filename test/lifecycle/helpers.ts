/** Shared by the lifecycle tests: drive the CLI with strings, and list the inputs to run over. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
export { runCli, type CliRun } from '../support/run-cli.js';

export const repoRoot = new URL('../../', import.meta.url).pathname;
export const goldenRoot = join(repoRoot, 'test/golden/cases');

export interface Source {
  name: string;
  /** Manifests (a YAML stream). */
  text: string;
  /** Function config path, if the source has one. */
  config?: string;
  /** Extra injection flags of the source (never a mode flag). */
  args: string[];
}

const MODE_FLAGS = new Set(['--explain', '--check', '--uninject']);

/**
 * Every golden input in stream form whose case injects (no mode flag), and every example
 * directory's manifests. KRM inputs (ResourceLists) are left out: their items are manifests the
 * stream cases already cover.
 */
export function sources(): Source[] {
  const out: Source[] = [];
  for (const name of readdirSync(goldenRoot).sort()) {
    const dir = join(goldenRoot, name);
    const text = readFileSync(join(dir, 'input.yaml'), 'utf8');
    if (/^kind:\s*ResourceList\s*$/m.test(text)) continue;
    const args = existsSync(join(dir, 'args'))
      ? readFileSync(join(dir, 'args'), 'utf8')
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
    if (args.some((a) => MODE_FLAGS.has(a))) continue;
    const config = existsSync(join(dir, 'config.yaml')) ? join(dir, 'config.yaml') : undefined;
    out.push({ name: `golden/${name}`, text, args, ...(config ? { config } : {}) });
  }
  for (const example of ['shop', 'kustomize']) {
    const dir = join(repoRoot, 'examples', example);
    const files = collectYaml(dir).filter((f) => !/inject-sidecar\.yaml$|kustomization\.yaml$|Kptfile$/.test(f));
    const text = files.map((f) => readFileSync(f, 'utf8').replace(/\n*$/, '\n')).join('---\n');
    const config = join(dir, 'inject-sidecar.yaml');
    out.push({ name: `examples/${example}`, text, args: [], ...(existsSync(config) ? { config } : {}) });
  }
  return out;
}

function collectYaml(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...collectYaml(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out;
}

/** argv for a source: its flags and config, then `extra`, reading stdin. */
export function argvFor(src: Source, extra: string[] = []): string[] {
  return [...src.args, ...(src.config ? ['--config', src.config] : []), ...extra, '-f', '-'];
}
