/**
 * Istio conformance runner: runs every case of Istio's golden corpora (`../shared/istio-conformance`
 * for Istio's master, and `releases/<tag>/` beside it for each release; format in its README)
 * through the CLI exactly as a user would run the drop-in `istioctl
 * kube-inject` command line (`-f input --injectConfigFile --meshConfigFile --valuesFile --emulate
 * kube-inject`), with the case's overlays written to temporary files, and compares the output with
 * the golden semantically (the README's "Comparing" rules, implemented in `compareManifests`).
 *
 * `npm run conformance` prints pass/fail per case, a readable diff for each failure, and the pass
 * count. `--builtin` also checks "one truth": for each case the built-in profile supports, the
 * built-in renderer (given the corpus values and mesh as raw overlays) must produce the same output
 * as the template path. `--webhook` decides as the admission webhook instead (the namespace is
 * labelled `istio-injection=enabled`; kube-inject-only cases are left out). `--lenient` also
 * ignores Go `omitempty` zero values (triage only). `--case NAME` runs one case. `--corpus NAME`
 * (`master` or a release tag, repeatable) picks corpora; without it every corpus runs, and a table
 * of pass counts per corpus closes the output. The test suite imports this module
 * (test/conformance/*.test.ts); the expectations (recorded pass counts, argued differences) are
 * in conformance/.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { cli } from '../src/cli/cli.js';
import { deepMerge } from '../src/config/settings.js';
import { SpecSchema } from '../src/config/schema.js';
import { DEVELOPMENT_BRANCH } from '../src/inject/builtin/releases.js';
import type { Json, JsonObject } from '../src/kube/types.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = resolve(REPO_ROOT, '../shared/istio-conformance');

// ---- cases ------------------------------------------------------------------------------------

export interface ConformanceCase {
  name: string;
  input: string;
  golden: string | null;
  expectError: string | null;
  values: JsonObject;
  mesh: JsonObject;
  templates?: Record<string, string>;
  nativeSidecars: boolean;
  compliancePolicy?: string;
  revision: string;
  kubeInjectOnly: boolean;
  webhookOnly: boolean;
  platform?: string;
  namespaceAnnotations?: Record<string, string>;
  expectWarning?: string;
  notes: string | null;
}

/** One golden corpus: Istio's master (`master`) or a release (`releases/<tag>`, named by its tag). */
export interface Corpus {
  name: string;
  dir: string;
}

/** `1.31.0-rc.0` as numbers for ordering: [1, 31, 0, -1] (a pre-release sorts before its release). */
function versionKey(tag: string): number[] {
  const [core = '', pre] = tag.split('-', 2);
  return [...core.split('.').map((n) => Number(n) || 0), pre === undefined ? 0 : -1];
}

export function compareVersions(a: string, b: string): number {
  const x = versionKey(a);
  const y = versionKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Every corpus present: master first, then the releases from oldest to newest. */
export function listCorpora(root = CORPUS_DIR): Corpus[] {
  const out: Corpus[] = corpusAvailable(root) ? [{ name: 'master', dir: root }] : [];
  const releases = join(root, 'releases');
  if (!existsSync(releases)) return out;
  const tags = readdirSync(releases).filter((t) => corpusAvailable(join(releases, t)));
  for (const tag of tags.sort(compareVersions)) out.push({ name: tag, dir: join(releases, tag) });
  return out;
}

/** istioctl's flags naming a corpus's own injector config, mesh config and values (its `config/`). */
export function corpusConfigFlags(dir = CORPUS_DIR): string[] {
  return [
    '--injectConfigFile',
    join(dir, 'config/inject-config.yaml'),
    '--meshConfigFile',
    join(dir, 'config/mesh.yaml'),
    '--valuesFile',
    join(dir, 'config/values.json'),
  ];
}

export function corpusAvailable(dir = CORPUS_DIR): boolean {
  return existsSync(join(dir, 'cases.yaml'));
}

export function loadCases(dir = CORPUS_DIR): ConformanceCase[] {
  const doc = parse(readFileSync(join(dir, 'cases.yaml'), 'utf8')) as { cases: ConformanceCase[] };
  return doc.cases;
}

// ---- semantic comparison (README "Comparing") -------------------------------------------------

const EMPTY_DROPPED_UNDER = new Set(['status', 'strategy', 'updateStrategy', 'resources', 'metadata']);
const WORKLOAD_ZERO_FIELDS: Readonly<Record<string, Json>> = { paused: false, minReadySeconds: 0, test: false };
const JSON_ANNOTATIONS = new Set(['sidecar.istio.io/status', 'proxy.istio.io/overrides', 'k8s.v1.cni.cncf.io/networks']);
const JSON_ENV = new Set(['ISTIO_KUBE_APP_PROBERS', 'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'ISTIO_PROMETHEUS_ANNOTATIONS']);
const STATUS_ANNOTATION = 'sidecar.istio.io/status';
/**
 * This project's own bookkeeping annotations (the record that lets a later run strip an injection
 * exactly). Istio has no such record; they are a deliberate addition, listed in
 * conformance/known-differences.yaml, and not compared.
 */
const OWN_ANNOTATION_PREFIX = 'inject-sidecar.dev/';

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

const BINARY_SUFFIX: Record<string, bigint> = { Ki: 2n ** 10n, Mi: 2n ** 20n, Gi: 2n ** 30n, Ti: 2n ** 40n, Pi: 2n ** 50n, Ei: 2n ** 60n };
const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** A Kubernetes quantity's exact value as a reduced fraction `num/den`; undefined if not a quantity. */
export function quantityValue(q: Json): string | undefined {
  const text = typeof q === 'number' ? String(q) : typeof q === 'string' ? q.trim() : undefined;
  if (text === undefined) return undefined;
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE]|)$/.exec(text);
  if (!m) return undefined;
  const [, sign, number, suffix] = m as unknown as [string, string, string, string];
  const [intPart, frac = ''] = number.split('.');
  let num = BigInt(`${intPart || '0'}${frac}` || '0');
  let den = 10n ** BigInt(frac.length);
  if (sign === '-') num = -num;
  if (suffix in BINARY_SUFFIX) num *= BINARY_SUFFIX[suffix]!;
  else {
    const exp = /^[eE]/.test(suffix) ? Number(suffix.slice(1)) : DECIMAL_SUFFIX[suffix]!;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  const g = gcd(num, den) || 1n;
  return `${num / g}/${den / g}`;
}

function normalizeQuantities(map: Json): Json {
  if (!isObj(map)) return map;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(map)) {
    const q = quantityValue(v);
    out[k] = q === undefined ? v : `quantity(${q})`;
  }
  return out;
}

function maybeJson(text: Json): Json {
  if (typeof text !== 'string') return text;
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return text;
  try {
    return { $json: normalize(JSON.parse(t) as Json, []) };
  } catch {
    return text;
  }
}

/** Applies the README's normalization rules; `path` is the key path from the document root. */
interface NormalizeOptions {
  ignoreStatus?: boolean;
  /** Triage only (`--lenient`): also drop Go `omitempty` zero values of probes and env. */
  lenient?: boolean;
}

function normalize(v: Json, path: readonly string[], opts: NormalizeOptions = {}): Json {
  if (Array.isArray(v)) return v.map((x) => normalize(x, [...path, '[]'], opts));
  if (!isObj(v)) return v;
  const key = path[path.length - 1];
  const parent = path[path.length - 2];
  const out: JsonObject = {};
  for (const [k, raw] of Object.entries(v)) {
    if (k === 'creationTimestamp' && raw === null) continue;
    let x = normalize(raw, [...path, k], opts);
    if (EMPTY_DROPPED_UNDER.has(k) && isObj(x) && Object.keys(x).length === 0) continue;
    if ((k === 'limits' || k === 'requests') && key === 'resources') x = normalizeQuantities(x);
    if ((k === 'divisor' && key === 'resourceFieldRef') || (k === 'sizeLimit' && key === 'emptyDir')) {
      const q = quantityValue(x);
      if (q !== undefined) x = `quantity(${q})`;
    }
    if (key === 'annotations') {
      if (opts.ignoreStatus && k === STATUS_ANNOTATION) continue;
      if (k.startsWith(OWN_ANNOTATION_PREFIX)) continue;
      if (JSON_ANNOTATIONS.has(k)) x = maybeJson(x);
    }
    if (opts.lenient && ((k === 'initialDelaySeconds' && x === 0) || (k === 'value' && x === '' && parent === 'env'))) continue;
    out[k] = x;
  }
  // env entries holding JSON
  if (key === '[]' && parent === 'env' && typeof out.name === 'string' && JSON_ENV.has(out.name)) out.value = maybeJson(out.value ?? null);
  return out;
}

function normalizeDocument(doc: Json, opts: NormalizeOptions): Json {
  let d = normalize(doc, [], opts);
  if (!isObj(d)) return d;
  d = { ...d };
  // A top-level status whose fields are all zero is Go printing counters (replicas: 0).
  if (isObj(d.status) && Object.values(d.status).every((x) => x === 0 || x === null || x === '' || x === false || (isObj(x) && Object.keys(x).length === 0))) {
    delete d.status;
  }
  if (isObj(d.spec) && typeof d.kind === 'string' && d.kind !== 'Pod') {
    const spec = { ...d.spec };
    for (const [k, zero] of Object.entries(WORKLOAD_ZERO_FIELDS)) if (spec[k] === zero) delete spec[k];
    d.spec = spec;
  }
  return d;
}

/** Splits a YAML stream into documents (YAML 1.2 core scalars), dropping empty ones. */
export function splitDocuments(text: string): Json[] {
  return parseAllDocuments(text, { schema: 'core' })
    .map((d) => {
      if (d.errors.length) throw new Error(`invalid YAML: ${d.errors[0]!.message}`);
      return d.toJS({ maxAliasCount: 1000 }) as Json;
    })
    .filter((d) => d !== null && d !== undefined);
}

function show(v: Json | undefined): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}...` : s;
}

function diffValues(a: Json | undefined, b: Json | undefined, path: string, out: string[]): void {
  if (out.length >= 40) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    if (a.length !== b.length) {
      const names = (l: Json[]) => l.map((x) => (isObj(x) && typeof x.name === 'string' ? x.name : isObj(x) ? '{..}' : show(x))).join(', ');
      out.push(`${path}: list length golden ${a.length} [${names(a)}], actual ${b.length} [${names(b)}]`);
    }
    for (let i = 0; i < n && i < Math.min(a.length, b.length); i++) diffValues(a[i], b[i], `${path}[${i}]`, out);
    return;
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) diffValues(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path || '(root)'}: golden ${show(a)}, actual ${show(b)}`);
}

/**
 * Compares two manifest streams semantically; returns the differences (empty = equal).
 * `ignoreStatus` drops `sidecar.istio.io/status` on both sides (webhook-only goldens).
 */
export function compareManifests(goldenText: string, actualText: string, opts: NormalizeOptions = {}): string[] {
  const golden = splitDocuments(goldenText).map((d) => normalizeDocument(d, opts));
  const actual = splitDocuments(actualText).map((d) => normalizeDocument(d, opts));
  const out: string[] = [];
  if (golden.length !== actual.length) out.push(`document count: golden ${golden.length}, actual ${actual.length}`);
  for (let i = 0; i < Math.min(golden.length, actual.length); i++) {
    const before = out.length;
    diffValues(golden[i], actual[i], '', out);
    const g = golden[i];
    const label = isObj(g) ? `${String(g.kind)} ${isObj(g.metadata) ? String(g.metadata.name) : ''}` : `document ${i}`;
    for (let j = before; j < out.length; j++) out[j] = `[doc ${i} ${label}] ${out[j]}`;
  }
  return out;
}

// ---- running a case ---------------------------------------------------------------------------

export interface CaseRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  argv: string[];
}

export interface CaseResult {
  name: string;
  pass: boolean;
  /** Why it failed: differences, or an unexpected error / success. */
  problems: string[];
  run: CaseRun;
}

export type RenderMode = 'templates' | 'builtin';

/** How the CLI decides: as istioctl kube-inject (the goldens' own path), or as the admission webhook. */
export type Emulation = 'kube-inject' | 'webhook';

/**
 * Istio's goldens are what Istio itself produces: a classic sidecar in Jobs, and no label against
 * a live webhook. The lifecycle defaults (`jobs: native`, `webhookCoexistence: label`) are this
 * tool's additions, so the comparison turns them off.
 */
const ISTIO_PARITY = ['--jobs', 'classic', '--webhook-coexistence', 'warn'];

async function runCli(argv: string[]): Promise<CaseRun> {
  argv = [...ISTIO_PARITY, ...argv];
  let stdout = '';
  let stderr = '';
  let exitCode: number;
  try {
    exitCode = await cli(argv, {
      readStdin: () => Promise.resolve(''),
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      stdinIsTTY: true,
    });
  } catch (e) {
    exitCode = 70;
    stderr += `internal error: ${(e as Error).stack ?? String(e)}\n`;
  }
  return { exitCode, stdout, stderr, argv };
}

/** The case's effective values, mesh and injector config texts (README "Running a case"). */
export function caseInputs(c: ConformanceCase, dir = CORPUS_DIR): { values: JsonObject; mesh: JsonObject; injectConfig: string | undefined } {
  const baseValues = JSON.parse(readFileSync(join(dir, 'config/values.json'), 'utf8')) as JsonObject;
  const baseMesh = parse(readFileSync(join(dir, 'config/mesh.yaml'), 'utf8')) as JsonObject;
  const values = deepMerge(baseValues, c.values ?? {}) as JsonObject;
  const mesh = deepMerge(baseMesh, c.mesh ?? {}) as JsonObject;
  let injectConfig: string | undefined;
  if (c.templates && Object.keys(c.templates).length) {
    const config = parse(readFileSync(join(dir, 'config/inject-config.yaml'), 'utf8')) as JsonObject;
    config.templates = { ...(isObj(config.templates) ? config.templates : {}), ...c.templates };
    // JSON is YAML too, and keeps the template texts byte for byte.
    injectConfig = JSON.stringify(config, null, 2);
  }
  return { values, mesh, injectConfig };
}

/**
 * Runs one case through the CLI; `builtin` renders with the built-in profile instead of the
 * templates, at `istioVersion` when given (`spec.istioVersion`: a release corpus' own minor).
 */
export async function runCase(
  c: ConformanceCase,
  mode: RenderMode = 'templates',
  dir = CORPUS_DIR,
  emulate: Emulation = 'kube-inject',
  istioVersion?: string,
): Promise<CaseRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'inject-sidecar-conformance-'));
  try {
    const { values, mesh, injectConfig } = caseInputs(c, dir);
    const argv = ['-f', join(dir, c.input), '--emulate', emulate, '--native-sidecars', String(c.nativeSidecars)];
    if (c.revision) argv.push('--revision', c.revision);
    if (c.compliancePolicy) argv.push('--compliance-policy', c.compliancePolicy);
    const spec: JsonObject = {};
    const ns = namespaceOf(readFileSync(join(dir, c.input), 'utf8')) ?? 'default';
    if (emulate === 'webhook') {
      // The webhook only sees pods of namespaces that ask for injection.
      spec.defaultNamespace = ns;
      spec.namespaces = { [ns]: { labels: { 'istio-injection': 'enabled' }, annotations: c.namespaceAnnotations ?? {} } };
    } else if (c.namespaceAnnotations) {
      // The namespace of the input's workloads carries these annotations (OpenShift UID ranges).
      spec.namespaces = { [ns]: { annotations: c.namespaceAnnotations } };
    }
    if (c.platform && 'platform' in SpecSchema.shape) spec.platform = c.platform;
    if (mode === 'templates') {
      const valuesFile = join(tmp, 'values.json');
      const meshFile = join(tmp, 'mesh.yaml');
      writeFileSync(valuesFile, JSON.stringify(values, null, 2));
      writeFileSync(meshFile, stringify(mesh));
      let injectFile = join(dir, 'config/inject-config.yaml');
      if (injectConfig !== undefined) {
        injectFile = join(tmp, 'inject-config.yaml');
        writeFileSync(injectFile, injectConfig);
      }
      argv.push('--injectConfigFile', injectFile, '--meshConfigFile', meshFile, '--valuesFile', valuesFile);
    } else {
      spec.values = values;
      spec.meshConfig = mesh;
      if (istioVersion !== undefined) spec.istioVersion = istioVersion;
    }
    if (Object.keys(spec).length) {
      const configFile = join(tmp, 'config.yaml');
      writeFileSync(configFile, stringify({ apiVersion: 'inject-sidecar.dev/v1alpha1', kind: 'SidecarInjection', spec }));
      argv.push('--config', configFile);
    }
    return await runCli(argv);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function namespaceOf(text: string): string | undefined {
  for (const d of splitDocuments(text)) {
    if (isObj(d) && isObj(d.metadata) && typeof d.metadata.namespace === 'string') return d.metadata.namespace;
  }
  return undefined;
}

/** Runs a case and checks it against its golden (or its expected error). */
export async function checkCase(c: ConformanceCase, dir = CORPUS_DIR, lenient = false, emulate: Emulation = 'kube-inject'): Promise<CaseResult> {
  const run = await runCase(c, 'templates', dir, emulate);
  const problems: string[] = [];
  if (c.golden === null) {
    if (run.exitCode === 0) problems.push(`expected an error containing ${JSON.stringify(c.expectError)}, but the run succeeded`);
    else if (c.expectError && !run.stderr.toLowerCase().includes(c.expectError.toLowerCase())) {
      problems.push(`expected an error containing ${JSON.stringify(c.expectError)}, got: ${run.stderr.trim()}`);
    }
  } else if (run.exitCode !== 0) {
    problems.push(`exit code ${run.exitCode}: ${run.stderr.trim()}`);
  } else {
    const golden = readFileSync(join(dir, c.golden), 'utf8');
    problems.push(...compareManifests(golden, run.stdout, { ignoreStatus: c.webhookOnly || emulate === 'webhook', lenient }));
  }
  return { name: c.name, pass: problems.length === 0, problems, run };
}

/** Cases the built-in profile supports: only the `sidecar` template, no custom templates. */
export function builtinSupports(c: ConformanceCase, dir = CORPUS_DIR): boolean {
  if (c.templates && Object.keys(c.templates).length) return false;
  if (c.golden === null) return true;
  const input = readFileSync(join(dir, c.input), 'utf8');
  const selected = [...input.matchAll(/inject\.istio\.io\/templates:\s*["']?([^"'\n]*)/g)].map((m) => m[1]!);
  return selected.every((list) => list.split(',').every((n) => n.trim() === 'sidecar'));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** The two streams hold the same documents, exactly (mapping key order aside). */
export function sameData(a: string, b: string): boolean {
  return JSON.stringify(sortKeys(splitDocuments(a))) === JSON.stringify(sortKeys(splitDocuments(b)));
}

/** How the built-in run differs from the template run of the same case, byte for byte (empty: one truth holds). */
export function oneTruthProblems(templates: CaseRun, builtin: CaseRun): string[] {
  if ((templates.exitCode === 0) !== (builtin.exitCode === 0)) {
    return [`template path exit ${templates.exitCode} (${templates.stderr.trim()}), built-in exit ${builtin.exitCode} (${builtin.stderr.trim()})`];
  }
  // Byte for byte: the same text, not only the same data.
  if (templates.exitCode !== 0 || templates.stdout === builtin.stdout) return [];
  if (sameData(templates.stdout, builtin.stdout)) return ['same data, different text (key order or scalar style)'];
  const diff = compareManifests(templates.stdout, builtin.stdout);
  return diff.length
    ? diff.map((d) => d.replace('golden', 'templates').replace('actual', 'built-in'))
    : ['same documents after normalisation, different data (quantity or JSON text)'];
}

/** The minor a release corpus is (`1.30.3` -> `1.30`); undefined for master. */
export function corpusMinor(corpus: string): string | undefined {
  const m = /^(\d+)\.(\d+)\./.exec(corpus);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/**
 * One truth: the built-in profile gives byte-identical output (or the same failure) as the
 * templates; for a release corpus, rendered at that release (`istioVersion`), for master at
 * the development branch (the built-in default is a release, whatever the corpus' image tag).
 */
export async function checkOneTruth(c: ConformanceCase, dir = CORPUS_DIR, istioVersion: string = DEVELOPMENT_BRANCH): Promise<CaseResult> {
  const templates = await runCase(c, 'templates', dir);
  const builtin = await runCase(c, 'builtin', dir, 'kube-inject', istioVersion);
  const problems = oneTruthProblems(templates, builtin);
  return { name: c.name, pass: problems.length === 0, problems, run: builtin };
}

// ---- expectations (conformance/) --------------------------------------------------------------

/** An entry of conformance/known-differences.yaml; `corpora` absent means every corpus. */
export interface KnownEntry {
  case: string;
  corpora?: string[];
  reason?: string;
  owner?: string;
  cause?: string;
}

export interface KnownDifferences {
  differences?: KnownEntry[];
  pending?: KnownEntry[];
  oneTruthPending?: KnownEntry[];
}

export function loadKnownDifferences(): KnownDifferences {
  return parse(readFileSync(join(REPO_ROOT, 'conformance/known-differences.yaml'), 'utf8')) as KnownDifferences;
}

/** The entries of a list that apply to a corpus. */
export function entriesFor(entries: KnownEntry[] | undefined, corpus: string): KnownEntry[] {
  return (entries ?? []).filter((e) => e.corpora === undefined || e.corpora.includes(corpus));
}

/** Recorded pass counts per corpus and emulation (conformance/pass-counts.yaml). */
export type PassCounts = Record<string, Record<'kubeInject' | 'webhook', { pass: number; cases: number }>>;

export function loadPassCounts(): PassCounts {
  return parse(readFileSync(join(REPO_ROOT, 'conformance/pass-counts.yaml'), 'utf8')) as PassCounts;
}

/** The cases an emulation runs: the webhook leaves out the cases Istio checks only through kube-inject. */
export function casesFor(cases: ConformanceCase[], emulate: Emulation): ConformanceCase[] {
  return cases.filter((c) => !(emulate === 'webhook' && c.kubeInjectOnly));
}

// ---- command line -----------------------------------------------------------------------------

async function main(argv: string[]): Promise<number> {
  const corpora = listCorpora();
  if (corpora.length === 0) {
    process.stderr.write(`conformance: corpus not found at ../shared/istio-conformance\n`);
    return 2;
  }
  const valueOf = (flag: string) => argv.flatMap((a, i) => (a === flag && i + 1 < argv.length ? [argv[i + 1]!] : []));
  const only = valueOf('--case')[0];
  const wanted = valueOf('--corpus');
  const builtin = argv.includes('--builtin');
  const verbose = argv.includes('--verbose');
  const lenient = argv.includes('--lenient');
  const emulate: Emulation = argv.includes('--webhook') ? 'webhook' : 'kube-inject';
  const unknown = wanted.filter((w) => !corpora.some((c) => c.name === w));
  if (unknown.length) {
    process.stderr.write(`conformance: no corpus ${unknown.join(', ')}; have ${corpora.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  const summary: string[] = [];
  for (const corpus of corpora.filter((c) => wanted.length === 0 || wanted.includes(c.name))) {
    const cases = casesFor(loadCases(corpus.dir), emulate).filter((c) => !only || c.name === only);
    let passed = 0;
    const failed: string[] = [];
    process.stdout.write(`== corpus ${corpus.name}\n`);
    for (const c of cases) {
      const r = await checkCase(c, corpus.dir, lenient, emulate);
      if (r.pass) passed++;
      else failed.push(c.name);
      process.stdout.write(`${r.pass ? 'PASS' : 'FAIL'} ${c.name}\n`);
      if (!r.pass || verbose) for (const p of r.problems) process.stdout.write(`     ${p}\n`);
    }
    process.stdout.write(`\n${passed}/${cases.length} conformance cases pass (${corpus.name}, ${emulate} emulation)\n`);
    if (failed.length) process.stdout.write(`failing: ${failed.join(' ')}\n`);
    summary.push(`${corpus.name.padEnd(12)} ${String(passed).padStart(3)}/${cases.length}${failed.length ? `  failing: ${failed.join(' ')}` : ''}`);
    if (builtin) {
      let same = 0;
      let total = 0;
      for (const c of cases.filter((x) => builtinSupports(x, corpus.dir))) {
        total++;
        const r = await checkOneTruth(c, corpus.dir, corpusMinor(corpus.name));
        if (r.pass) same++;
        else {
          process.stdout.write(`DIFF built-in vs templates: ${c.name}\n`);
          for (const p of r.problems) process.stdout.write(`     ${p}\n`);
        }
      }
      process.stdout.write(`one truth: ${same}/${total} cases render identically with the built-in profile\n`);
    }
  }
  process.stdout.write(`\npass counts (${emulate} emulation):\n${summary.join('\n')}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
