/**
 * Builds and runs the Go renderer (`test/template/go/render.go`) for differential tests, and
 * renders the same cases with the TypeScript engine. The Go program is a module of its own
 * (test/template/go/go.mod) pinning sprig v3.3.0 and sigs.k8s.io/yaml, the versions Istio builds
 * its injector with; it is compiled once per test run with the machine's Go, its modules from the
 * module proxy (scripts/peers.sh downloads them ahead). Test-only; never imported by src/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template, type FuncMap, type FuncCorpusSamples } from '../../src/template/index.js';
import type { CorpusCase } from './corpus.js';
import { typedFixture } from './typed-fixtures.js';
import * as sprigModule from '../../src/template/funcs/sprig.js';
import * as istioModule from '../../src/template/funcs/istio.js';

const here = path.dirname(fileURLToPath(import.meta.url));

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

export interface BuiltRenderer {
  bin: string;
  /** sprig.TxtFuncMap() is compiled in (`funcs: 'sprig'` cases): always, since the module pins it. */
  sprig: boolean;
  /** Istio's toYaml over sigs.k8s.io/yaml is compiled in (`funcs: 'yaml'` cases): always. */
  yaml: boolean;
}

let built: BuiltRenderer | undefined;

/** Compiles render.go once per run (module mode: go.sum pins every module it needs). */
export function buildRenderer(): BuiltRenderer {
  if (built) return built;
  const dir = mkdtempSync(path.join(tmpdir(), 'tmpl-diff-'));
  const bin = path.join(dir, 'render');
  const env = { ...process.env, GO111MODULE: 'on', GOFLAGS: '-mod=readonly' };
  try {
    execFileSync('go', ['build', '-o', bin, '.'], { cwd: path.join(here, 'go'), env, stdio: 'pipe' });
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`building test/template/go failed (run scripts/peers.sh to fetch its modules):\n${stderr}`);
  }
  built = { bin, sprig: true, yaml: true };
  return built;
}

/** The names of the functions in Go's sprig.TxtFuncMap() (empty without sprig). */
export function goSprigNames(): string[] {
  const { bin } = buildRenderer();
  return JSON.parse(execFileSync(bin, ['-names'], { stdio: 'pipe' }).toString()) as string[];
}

/** What sigs.k8s.io/yaml.Unmarshal (go-yaml v2, then JSON) reads from each text: JSON text or Go's error. */
export function unmarshalWithGo(texts: readonly string[]): GoResult[] {
  const { bin } = buildRenderer();
  const r = spawnSync(bin, ['-unmarshal'], { input: JSON.stringify(texts), maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`render.go -unmarshal failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as GoResult[];
}

/** Runs the Go renderer over the cases. */
export function renderWithGo(cases: readonly CorpusCase[]): GoResult[] {
  const { bin } = buildRenderer();
  const r = spawnSync(bin, [], { input: JSON.stringify(cases), maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`render.go failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as GoResult[];
}

/**
 * The function libraries and their corpus samples. Imported statically: vite cannot resolve a
 * variable dynamic import, which silently left sprig out of the comparison before.
 */
export function loadLibraries(): Promise<{ sprig?: FuncMap; samples: FuncCorpusSamples }> {
  const samples: Array<FuncCorpusSamples[number]> = [];
  for (const m of [sprigModule, istioModule] as Array<Record<string, unknown>>) {
    if (Array.isArray(m['corpusSamples'])) samples.push(...(m['corpusSamples'] as FuncCorpusSamples));
  }
  return Promise.resolve({ sprig: sprigModule.sprigFuncs(), samples });
}

/**
 * The entries of `funcs` whose names occur in the template text (as render.go does for speed):
 * a template can only call names it contains, so lookups behave as with the whole map.
 */
function usedFuncs(funcs: FuncMap, template: string): FuncMap {
  const out: FuncMap = {};
  for (const name of template.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    const f = Object.hasOwn(funcs, name) ? funcs[name] : undefined;
    if (f !== undefined) out[name] = f;
  }
  return out;
}

/** Renders one case with the TypeScript engine, shaped like render.go's result. */
export function renderWithTs(c: CorpusCase, sprig?: FuncMap, toYaml?: FuncMap): GoResult {
  try {
    const funcs: FuncMap[] = [];
    if (c.options?.funcs === 'sprig') {
      if (!sprig) return { error: 'sprig is not available' };
      funcs.push(usedFuncs(sprig, c.template));
    }
    if (c.options?.funcs === 'yaml') {
      if (!toYaml) return { error: 'toYaml is not available' };
      funcs.push(toYaml);
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
