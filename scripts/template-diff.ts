/**
 * Shows what changed in an Istio injection template between two corpora (releases or master):
 * `node --import tsx scripts/template-diff.ts OLD NEW [--template sidecar]`, where OLD and NEW are
 * corpus names (`master`, a release tag) or corpus directories. Prints `diff -u` of the two
 * templates from their `config/inject-config.yaml`. The release procedure is in CONTRIBUTING.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { listCorpora } from './conformance.js';

function templateOf(corpus: string, name: string): string {
  const dir = listCorpora().find((c) => c.name === corpus)?.dir ?? corpus;
  const file = join(dir, 'config/inject-config.yaml');
  if (!existsSync(file))
    throw new Error(
      `no corpus ${corpus} (have ${listCorpora()
        .map((c) => c.name)
        .join(', ')})`,
    );
  const templates = (parse(readFileSync(file, 'utf8')) as { templates?: Record<string, string> }).templates ?? {};
  const text = templates[name];
  if (text === undefined) throw new Error(`${corpus} has no template ${name} (has ${Object.keys(templates).join(', ')})`);
  return text;
}

function main(argv: string[]): number {
  const t = argv.indexOf('--template');
  const name = t >= 0 ? (argv[t + 1] ?? 'sidecar') : 'sidecar';
  const [from, to] = t >= 0 ? argv.filter((_, i) => i !== t && i !== t + 1) : argv;
  if (!from || !to) {
    process.stderr.write('usage: template-diff OLD NEW [--template NAME]\n');
    return 2;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'template-diff-'));
  try {
    const a = join(tmp, `${from.replaceAll('/', '_')}.${name}`);
    const b = join(tmp, `${to.replaceAll('/', '_')}.${name}`);
    try {
      writeFileSync(a, templateOf(from, name));
      writeFileSync(b, templateOf(to, name));
    } catch (e) {
      process.stderr.write(`template-diff: ${(e as Error).message}\n`);
      return 2;
    }
    const r = spawnSync('diff', ['-u', a, b], { encoding: 'utf8' });
    process.stdout.write(r.stdout ?? '');
    return r.status === 0 || r.status === 1 ? 0 : 2;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
