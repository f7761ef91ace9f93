/**
 * The command: argv and streams in, an exit code out. KRM mode (no -f) reads a ResourceList from
 * stdin and always writes a complete ResourceList with results; stream mode reads manifests and
 * writes a YAML stream only when nothing failed. The process object is touched only by main.ts,
 * so tests drive `cli()` with strings.
 */
import { checkModeOptions, HELP, parseCliArgs, UsageError, type CliArgs } from './args.js';
import { expandInputs, FileError, filesSize, isDirectory, outputSink, readText, writeAllAtomic, writeAtomic, writeChunked } from './files.js';
import { configRoots, displayPath, MAX_CONFIG_BYTES, readBounded, readConfigNamed, type ConfigRoots } from './fsguard.js';
import { ConfigError, loadConfigLazily, type Config } from '../config/config.js';
import type { Spec } from '../config/schema.js';
import {
  createResource,
  emitFileParts,
  emitResourceListParts,
  emitStreamParts,
  InputError,
  IoContext,
  isListItem,
  parseResourceList,
  parseStream,
  resourceListWriter,
  type ResourceHandle,
} from '../io/index.js';
import { environmentObjects, isEnvironmentObject, run, type EnvironmentSource, type RunOptions, type RunOutput } from '../core/run.js';
import { usesIstioTemplates, type IstioInputs, type TemplateEngine } from '../istio/environment.js';
import { hasErrors, type Result } from '../results/result.js';
import { formatResult } from './report.js';
import { isObject } from '../kube/types.js';
import { formatSummary, summarize, totalsLine, type Mode, type Reinjected } from './summary.js';
import { isPassThrough } from '../core/run.js';
import { resolve } from 'node:path';
import { builtinReleasesSummary } from '../inject/builtin/releases.js';
import { auditMode } from './audit.js';
import { SpoolStore } from './spool.js';

export const VERSION = '0.1.0';

export interface CliIO {
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Is stdin a terminal (no ResourceList piped in)? */
  stdinIsTTY?: boolean;
  /** Runs the writing of output files (main.ts: with signal handlers that remove temporary files). */
  whileWriting?(write: () => void): Promise<void>;
  /** Is stderr a terminal? Long runs then show progress on it. */
  stderrIsTTY?: boolean;
  /** A monotonic clock in milliseconds (for progress; without it, no progress is shown). */
  now?: () => number;
  /**
   * The I/O layer's state for this run (its switches for tests, counters, remembered strings);
   * a fresh one when not given. Tests pass one to turn a fast path off or read the counters.
   */
  ioContext?: IoContext;
  /**
   * The orchestrator asks for messages on stderr (`LOG_TO_STDERR=true`, which kustomize sets for
   * container functions: it shows stderr and never the results). KRM mode then prints every
   * result on stderr too; otherwise the results carry them (kpt shows them itself).
   */
  logToStderr?: boolean;
  /**
   * The heap's settings for a large input (main.ts): told when directories are about to be walked
   * (the input's size is not known yet), the size of the input as soon as it is known (characters
   * or bytes, in parts that add up), and each document or item the run is done with.
   */
  heap?: { walking(): Promise<void>; input(size: number): Promise<void>; done(): void };
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

export async function cli(argv: string[], io: CliIO): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`inject-sidecar: ${(e as UsageError).message}\nRun inject-sidecar --help for usage.\n`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (args.version) {
    io.stdout(`inject-sidecar ${VERSION}\n${builtinReleasesSummary()}\n`);
    return EXIT_OK;
  }
  // Held output (stream mode) goes to a temporary file past a few MiB (spool.ts).
  const spool = io.ioContext ? undefined : new SpoolStore();
  try {
    const ctx = io.ioContext ?? new IoContext({ store: spool });
    return args.files.length ? await streamMode(args, io, ctx) : await krmMode(args, io, ctx);
  } catch (e) {
    if (e instanceof FileError || e instanceof InputError || e instanceof ConfigError) {
      io.stderr(`inject-sidecar: ${e.message}\n`);
      return EXIT_ERROR;
    }
    if (e instanceof UsageError) {
      io.stderr(`inject-sidecar: ${e.message}\nRun inject-sidecar --help for usage.\n`);
      return EXIT_USAGE;
    }
    throw e;
  } finally {
    spool?.close();
  }
}

function flagOverrides(args: CliArgs): Spec {
  const o: Spec = {};
  if (args.namespace !== undefined) o.defaultNamespace = args.namespace;
  if (args.revision !== undefined) o.revision = args.revision;
  if (args.emulate !== undefined) o.emulate = args.emulate as Spec['emulate'];
  if (args.nativeSidecars !== undefined) o.nativeSidecars = args.nativeSidecars === 'auto' ? 'auto' : args.nativeSidecars === 'true';
  if (args.istioVersion !== undefined) o.istioVersion = args.istioVersion;
  if (args.compliancePolicy !== undefined) o.compliancePolicy = args.compliancePolicy;
  if (args.mode !== undefined) o.mode = args.mode;
  if (args.format !== undefined) o.output = args.format;
  if (args.jobs !== undefined) o.jobs = args.jobs;
  if (args.webhookCoexistence !== undefined) o.webhookCoexistence = args.webhookCoexistence;
  return o;
}

/** The function config file named by --config (anywhere, a regular file of at most 16 MiB): one YAML document; problems name it as the config. */
function readConfigFile(path: string, ctx: IoContext): unknown {
  let text: string;
  try {
    text = readBounded(path, MAX_CONFIG_BYTES);
  } catch (e) {
    throw e instanceof FileError ? new FileError(`config file ${e.message}`) : e;
  }
  // the manifests' reader: its limits, and errors as `config FILE:LINE:COL: ...`
  const docs = parseStream(text, `config ${displayPath(path)}`, { io: ctx });
  if (docs.length !== 1) {
    const message = `expected one document, found ${docs.length}`;
    throw new ConfigError(`config ${displayPath(path)}: ${message}`, [{ path: '', message }]);
  }
  return docs[0]!.value;
}

export interface IstioFiles {
  istio: IstioInputs;
  revisionIstio: Record<string, IstioInputs>;
}

/**
 * Reads the Istio configuration files: those named by the flags (istioctl's; the operator's, read
 * from anywhere) for the top-level revision, else those the config's `istio` section names (the
 * repository's: confined to the config's tree, see fsguard.ts), and each `spec.revisions` entry's.
 */
function readIstioFiles(args: CliArgs, config: Config, fnConfig: unknown): IstioFiles {
  // A flat ConfigMap holds the same fields under data (data.istio is YAML text).
  const top = isObject(fnConfig) && fnConfig.kind === 'ConfigMap' ? 'data' : 'spec';
  let roots: ConfigRoots | undefined;
  const section = (istio: Config['istio'], field: string, flags?: CliArgs): IstioInputs => {
    const read = (key: 'injectConfigFile' | 'meshConfigFile' | 'valuesFile') => {
      const flag = flags?.[key];
      if (flag !== undefined) return { path: displayPath(flag), text: readBounded(flag, MAX_CONFIG_BYTES) };
      const path = istio[key];
      if (path === undefined) return undefined;
      roots ??= configRoots(args.config, args.configRoot);
      return { path: displayPath(path), text: readConfigNamed(path, `${field}.${key}`, roots) };
    };
    return { injectConfigFile: read('injectConfigFile'), meshConfigFile: read('meshConfigFile'), valuesFile: read('valuesFile') };
  };
  const revisionIstio: Record<string, IstioInputs> = {};
  for (const [i, rc] of config.revisions.entries()) revisionIstio[rc.revision] = section(rc.istio, `${top}.revisions[${i}].istio`);
  return { istio: section(config.istio, `${top}.istio`, args), revisionIstio };
}

/**
 * Reads the Istio files and runs. The Go template engine (istio/templates.ts, a chunk of its own
 * in the bundle) is loaded only when the run may render with Istio's templates, so the built-in
 * profile starts without it.
 */
async function runWith(
  resources: Parameters<typeof run>[0],
  config: Config,
  files: IstioFiles,
  options?: Pick<RunOptions, 'onResourceDone'>,
): Promise<RunOutput> {
  return run(resources, {
    ...options,
    config,
    istio: files.istio,
    revisionIstio: files.revisionIstio,
    engine: await templateEngineFor(resources, config, files),
  });
}

/** The Go template engine, when the run may render with Istio's templates (else undefined). */
export async function templateEngineFor(
  resources: readonly EnvironmentSource[],
  config: Config,
  { istio, revisionIstio }: IstioFiles,
): Promise<TemplateEngine | undefined> {
  if (config.mode === 'uninject') return undefined;
  if (!usesIstioTemplates(environmentObjects(resources), [config, ...config.revisions], [istio, ...Object.values(revisionIstio)])) return undefined;
  return (await import('../istio/templates.js')).templateEngine;
}

/**
 * What stderr says at the end of a run. Stream mode: one line per result, then the totals line.
 * KRM mode: the results carry every message (kpt shows them), so stderr has only the errors and
 * the totals line, unless the orchestrator asks for messages on stderr (`logToStderr`). `--summary` replaces
 * the per-result lines by the summary in its format; `--quiet` leaves only errors (and a failed
 * check's line). An explanation is what --explain was asked for: --quiet does not hide it.
 */
export function report(results: readonly Result[], args: CliArgs, io: CliIO, mode: Config['mode'] | undefined, krm: boolean, reinjected?: Reinjected): void {
  const summary = summarize(results, (mode ?? 'inject') as Mode, reinjected);
  if (args.summary && args.summary !== 'prometheus') {
    io.stderr(formatSummary(summary, args.summary));
    return;
  }
  const repeat = !krm || io.logToStderr === true;
  const shown = (r: Result) => r.severity === 'error' || (repeat && (!args.quiet || mode === 'explain'));
  const failedCheck = mode === 'check' && summary.workloads.some((w) => w.drift);
  // A line per result (10,000 workloads: ~3 MB), written in chunks (files.ts outputSink) as they are made.
  function* lines(): Generator<string, void, undefined> {
    for (const r of results) {
      if (!shown(r)) continue;
      // A multi-line message (an explanation): the location goes on its first line.
      const nl = r.message.indexOf('\n');
      if (nl < 0) yield `${formatResult(r)}\n`;
      else yield `${formatResult({ ...r, message: r.message.slice(0, nl) })}\n${r.message.slice(nl + 1).replace(/^(?=.)/gm, '    ')}\n\n`;
    }
    if (!args.quiet || failedCheck) yield `${totalsLine(summary)}\n`;
  }
  writeChunked((t) => io.stderr(t), lines());
}

/**
 * Progress on a terminal for long runs: `inject-sidecar: 1200/5000 documents` on one line of
 * stderr, rewritten at most every 200 ms once the run has lasted a second, cleared at the end.
 */
function progress(io: CliIO, total: number, quiet: boolean): { tick(): void; done(): void } {
  const now = io.now;
  if (!io.stderrIsTTY || !now || quiet) return { tick() {}, done() {} };
  const start = now();
  let count = 0;
  let last = 0;
  let shown = false;
  return {
    tick() {
      count++;
      if ((count & 15) !== 0) return;
      const t = now();
      if (t - start < 1000 || t - last < 200) return;
      last = t;
      shown = true;
      io.stderr(`\rinject-sidecar: ${count}/${total} documents`);
    },
    done() {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}

async function krmMode(args: CliArgs, io: CliIO, ctx: IoContext): Promise<number> {
  if (io.stdinIsTTY) {
    throw new UsageError('no input: pipe a ResourceList into stdin, or give manifests with -f');
  }
  const text = await io.readStdin();
  // No -f and stdin is not a ResourceList: a plain stream (`helm --post-renderer inject-sidecar`,
  // `kustomize build | inject-sidecar`). Treat it as `-f -`.
  if (!looksLikeResourceList(text)) return streamMode({ ...args, files: ['-'] }, { ...io, readStdin: async () => text }, ctx);
  await io.heap?.input(text.length);
  // Items that do not shape the environment are read, checked and let go; the run reads each
  // again when it comes to it, and the writer below writes it out and lets it go for good.
  const list = parseResourceList(text, { keep: isEnvironmentObject, io: ctx });
  const results: Result[] = [];
  let reinjected: Reinjected | undefined;
  let config: Config | undefined;
  let fnConfig: unknown;
  try {
    fnConfig = args.config ? readConfigFile(args.config, ctx) : list.functionConfig;
    config = await loadConfigLazily(fnConfig, args.config !== undefined ? displayPath(args.config) : 'functionConfig', flagOverrides(args));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const issue of e.issues) {
      results.push({
        message: `invalid function config: ${issue.path || '(root)'}: ${issue.message}`,
        severity: 'error',
        field: { path: issue.path },
      });
    }
  }
  if (config?.mode !== 'audit') checkModeOptions(args, config?.mode ?? args.mode);
  if (config?.mode === 'audit') {
    results.push({
      message: 'mode: audit reads a live snapshot (a kind: List on stdin or with -f), not a ResourceList',
      severity: 'error',
      field: { path: 'spec.mode' },
    });
    config = undefined;
  }
  if (config && config.output === 'patch') {
    results.push({
      message: 'output: patch is for stream mode (-f): in KRM mode the ResourceList keeps its objects; use full output',
      severity: 'error',
      field: { path: 'spec.output' },
    });
  }
  // The ResourceList is written even on errors (the KRM spec asks for it; kpt then shows the
  // results and writes nothing because the exit code is non-zero). When its layout allows, each
  // item is written as soon as the run is done with it (every item was read and checked first).
  // The files the config names are read before anything is written: a file that may not or cannot
  // be read is an error result naming the field, and the list comes back unchanged.
  let files: IstioFiles | undefined;
  if (config && config.output !== 'patch') {
    try {
      files = readIstioFiles(args, config, fnConfig);
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      results.push({ message: e.message, severity: 'error', ...(e.field ? { field: { path: e.field } } : {}) });
    }
  }
  // The writer's parts (a part per item or less) go out joined into chunks (files.ts).
  const stdout = outputSink((t) => io.stdout(t));
  const writer = config && files ? resourceListWriter(list, (t) => stdout.write(t)) : undefined;
  try {
    if (config && files) {
      if (list.items.length === 0) results.push({ message: 'no objects in input', severity: 'warning' });
      const bar = progress(io, list.items.length, args.quiet);
      const done = (r: ResourceHandle) => {
        writer?.done(r);
        bar.tick();
        io.heap?.done();
      };
      const out = await runWith(list.items, config, files, { onResourceDone: (r) => done(r as ResourceHandle) });
      bar.done();
      results.push(...out.results);
      reinjected = out.reinjected;
    }
    if (writer) writer.finish(results);
    else for (const part of emitResourceListParts(list, results)) stdout.write(part);
  } finally {
    // what was written goes out before anything else is said, also when the run fails
    stdout.flush();
  }
  report(results, args, io, config?.mode, true, reinjected);
  return hasErrors(results) ? EXIT_ERROR : EXIT_OK;
}

/** A ResourceList has `kind: ResourceList` at the top level (YAML at column 0, or JSON). */
export function looksLikeResourceList(text: string): boolean {
  return /^kind:[ \t]*["']?ResourceList["']?[ \t]*(#.*)?\r?$/m.test(text) || /^\s*\{[\s\S]*"kind"\s*:\s*"ResourceList"/.test(text);
}

async function streamMode(args: CliArgs, io: CliIO, ctx: IoContext): Promise<number> {
  const fnConfig = args.config ? readConfigFile(args.config, ctx) : undefined;
  const config = await loadConfigLazily(fnConfig, args.config !== undefined ? `config ${displayPath(args.config)}` : 'config', flagOverrides(args));
  checkModeOptions(args, config.mode);
  if (config.output === 'patch' && (config.mode === 'explain' || config.mode === 'check')) {
    throw new UsageError(`${config.mode} changes nothing, so it has no patches: drop the patch output`);
  }
  // A tree of many small files: the heap is held before the walk (audit reads file by file).
  if (io.heap && config.mode !== 'audit' && args.files.some(isDirectory)) await io.heap.walking();
  const { files, warnings } = expandInputs(args.files, { recursive: args.recursive });
  if (warnings.length && !args.quiet) io.stderr(warnings.map((w) => `warning: ${w}\n`).join(''));
  // A live snapshot is read file by file, each List item by item (cli/audit.ts).
  if (config.mode === 'audit') return auditMode(files, args, config, io, () => readIstioFiles(args, config, fnConfig));
  // The files' size is known before they are read (the heap is set for a large input before it grows).
  await io.heap?.input(filesSize(files));
  const inputs: { path: string; root: string; docs: ResourceHandle[] }[] = [];
  for (const { path, root } of files) {
    const text = path === '-' ? await io.readStdin() : readText(path);
    if (path === '-') await io.heap?.input(text.length);
    inputs.push({
      path,
      root,
      docs: parseStream(text, path === '-' ? '<stdin>' : displayPath(path), { keep: isEnvironmentObject, io: ctx, listItems: true }),
    });
  }
  const istioFiles = readIstioFiles(args, config, fnConfig);
  const docs = inputs.flatMap((i) => i.docs);
  if (docs.length === 0 && !args.quiet) io.stderr('warning: no objects in input\n');
  // Nothing is written unless every document went well, so the output is held until the end:
  // as text (each document lets its value go once the run is done with it), not as values.
  const local = new Set<ResourceHandle>();
  const configPath = args.config === undefined ? undefined : resolve(args.config);
  const bar = progress(io, docs.length, args.quiet);
  const { results, patches, reinjected } = await runWith(docs, config, istioFiles, {
    onResourceDone: (r) => {
      const handle = r as ResourceHandle;
      // a List's items stay in it (its document is written or dropped whole)
      if (!isListItem(handle) && isLocalConfig(handle)) local.add(handle);
      handle.release();
      bar.tick();
      io.heap?.done();
    },
  });
  bar.done();
  report(results, args, io, config.mode, false, reinjected);
  if (hasErrors(results)) return EXIT_ERROR;
  // --check writes nothing; --explain passes the input through unchanged (nothing was updated).
  if (config.mode === 'check') return EXIT_OK;
  if (config.output === 'patch') {
    const out = emitStreamParts(patches.map((p) => createResource(p, undefined, ctx)));
    if (args.output) await writeFiles(io, () => writeAtomic(args.output!, out));
    else writeParts(io, out);
    return EXIT_OK;
  }
  if (args.inPlace) {
    // All or nothing: every changed file is written to its temporary file before the first is replaced.
    const writes = inputs
      .filter((i) => i.docs.some((d) => d.changed))
      .map((i) => ({ path: i.path, root: i.root, text: emitFileParts(i.docs, { file: i.path }) }));
    if (writes.length) await writeFiles(io, () => writeAllAtomic(writes));
    return EXIT_OK;
  }
  // As kustomize build: the function config and local-config objects stay out of the stream.
  const kept = inputs
    .map((i) => ({
      path: i.path,
      docs: configPath !== undefined && i.path !== '-' && resolve(i.path) === configPath ? [] : i.docs.filter((d) => !local.has(d)),
    }))
    .filter((i) => i.docs.length > 0);
  // In parts: a large run's output can be longer than one string may be.
  const out = emitFileParts(
    kept.flatMap((i) => i.docs),
    { file: kept.length === 1 ? kept[0]!.path : undefined },
  );
  if (args.output) await writeFiles(io, () => writeAtomic(args.output!, out));
  else writeParts(io, out);
  return EXIT_OK;
}

/** Writes output made in parts (it can be longer than one string may be) in chunks (see files.ts outputSink). */
function writeParts(io: CliIO, parts: Iterable<string>): void {
  writeChunked((t) => io.stdout(t), parts);
}

/** Runs the writing of output files under main.ts's signal handlers, which remove temporary files. */
export async function writeFiles(io: CliIO, write: () => void): Promise<void> {
  if (io.whileWriting) await io.whileWriting(write);
  else write();
}

/**
 * Objects that are configuration for the tools, not for the cluster (kustomize build leaves them
 * out of its output): our own config, a kpt Kptfile, anything annotated
 * `config.kubernetes.io/local-config: "true"`. Only an unchanged document whose text mentions the
 * annotation is read for it (the others are known from their header).
 */
function isLocalConfig(doc: ResourceHandle): boolean {
  const h = doc.header;
  if (isPassThrough({ apiVersion: h.apiVersion, kind: h.kind })) return true;
  // A changed document was injected, so it is not local config (and its text is not printed twice).
  if (doc.changed) return false;
  return doc.text().includes('local-config') && isPassThrough(doc.value);
}
