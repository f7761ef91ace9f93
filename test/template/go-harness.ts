/**
 * Builds and runs the Go renderer (`test/template/go/render.go`) for differential tests, and
 * renders the same cases with the TypeScript engine. The Go program is compiled once per test run
 * into a temporary directory, in GOPATH mode so Debian's sprig package is found offline when
 * installed. Test-only; never imported by src/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template, type FuncMap, type FuncCorpusSamples } from '../../src/template/index.js';
import type { CorpusCase } from './corpus.js';
import { typedFixture } from './typed-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SPRIG_GOPATH = '/usr/share/gocode';

export interface GoResult {
  output?: string;
  error?: string;
}

export function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

let built: { bin: string; sprig: boolean } | undefined;

/** Compiles render.go once (with sprig when Debian's package is installed). */
export function buildRenderer(): { bin: string; sprig: boolean } {
  if (built) return built;
  const dir = mkdtempSync(path.join(tmpdir(), 'tmpl-diff-'));
  const bin = path.join(dir, 'render');
  const sprig = existsSync(path.join(SPRIG_GOPATH, 'src/github.com/Masterminds/sprig'));
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: sprig ? SPRIG_GOPATH : dir,
    GOFLAGS: '',
    GOCACHE: process.env.GOCACHE ?? path.join(tmpdir(), 'inject-sidecar-gocache'),
  };
  const args = ['build', ...(sprig ? ['-tags', 'sprig'] : []), '-o', bin, '.'];
  execFileSync('go', args, { cwd: path.join(here, 'go'), env, stdio: 'pipe' });
  built = { bin, sprig };
  return built;
}

/** Runs the Go renderer over the cases. */
export function renderWithGo(cases: readonly CorpusCase[]): GoResult[] {
  const { bin } = buildRenderer();
  const r = spawnSync(bin, [], { input: JSON.stringify(cases), maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`render.go failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as GoResult[];
}

/** The function libraries other engineers publish, when present. */
export async function loadLibraries(): Promise<{ sprig?: FuncMap; samples: FuncCorpusSamples }> {
  const samples: Array<FuncCorpusSamples[number]> = [];
  let sprig: FuncMap | undefined;
  for (const mod of ['sprig', 'istio']) {
    try {
      const m = (await import(`../../src/template/funcs/${mod}.js`)) as Record<string, unknown>;
      if (mod === 'sprig') {
        const f = m['sprigFuncs'] ?? m['sprigFuncMap'] ?? m['SPRIG_FUNCS'];
        sprig = typeof f === 'function' ? (f as () => FuncMap)() : (f as FuncMap | undefined);
      }
      if (Array.isArray(m['corpusSamples'])) samples.push(...(m['corpusSamples'] as FuncCorpusSamples));
    } catch {
      // library not written yet
    }
  }
  return { ...(sprig ? { sprig } : {}), samples };
}

/** Renders one case with the TypeScript engine, shaped like render.go's result. */
export function renderWithTs(c: CorpusCase, sprig?: FuncMap): GoResult {
  try {
    const funcs: FuncMap[] = [];
    if (c.options?.funcs === 'sprig') {
      if (!sprig) return { error: 'sprig is not available' };
      funcs.push(sprig);
    }
    const t = new Template(c.name, { funcs, missingKey: c.options?.missingkey ?? 'default' });
    t.parse(c.template);
    // Decode data as Go does: through JSON text.
    const data = c.typed ? typedFixture(c.typed) : c.data === undefined ? null : JSON.parse(JSON.stringify(c.data));
    return { output: t.execute(data) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
