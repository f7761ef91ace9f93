/**
 * The command: argv and streams in, an exit code out. KRM mode (no -f) reads a ResourceList from
 * stdin and always writes a complete ResourceList with results; stream mode reads manifests and
 * writes a YAML stream only when nothing failed. The process object is touched only by main.ts,
 * so tests drive `cli()` with strings.
 */
import { HELP, parseCliArgs, UsageError, type CliArgs } from './args.js';
import { expandInputs, FileError, readText, writeAtomic } from './files.js';
import { ConfigError, loadConfigLazily, type Config } from '../config/config.js';
import type { Spec } from '../config/schema.js';
import {
  createResource,
  emitResourceList,
  emitStream,
  InputError,
  parseResourceList,
  parseStream,
  resourceListWriter,
  type ResourceHandle,
} from '../io/index.js';
import { parseYamlValue } from '../io/yaml-value.js';
import { environmentObjects, isEnvironmentObject, run, type RunOptions, type RunOutput } from '../run.js';
import { usesIstioTemplates, type IstioInputs, type TemplateEngine } from '../istio/environment.js';
import { hasErrors, type Result } from '../results/result.js';
import { formatResult } from './report.js';
import { auditMode } from './audit.js';

export const VERSION = '0.1.0';

export interface CliIO {
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Is stdin a terminal (no ResourceList piped in)? */
  stdinIsTTY?: boolean;
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
    io.stdout(`inject-sidecar ${VERSION}\n`);
    return EXIT_OK;
  }
  try {
    return args.files.length ? await streamMode(args, io) : await krmMode(args, io);
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
  }
}

function flagOverrides(args: CliArgs): Spec {
  const o: Spec = {};
  if (args.revision !== undefined) o.revision = args.revision;
  if (args.emulate !== undefined) o.emulate = args.emulate as Spec['emulate'];
  if (args.nativeSidecars !== undefined) o.nativeSidecars = args.nativeSidecars === 'auto' ? 'auto' : args.nativeSidecars === 'true';
  if (args.compliancePolicy !== undefined) o.compliancePolicy = args.compliancePolicy;
  if (args.mode !== undefined) o.mode = args.mode;
  if (args.format !== undefined) o.output = args.format;
  if (args.jobs !== undefined) o.jobs = args.jobs;
  if (args.webhookCoexistence !== undefined) o.webhookCoexistence = args.webhookCoexistence;
  return o;
}

function readConfigFile(path: string): unknown {
  const text = readText(path);
  const value = parseYamlValue(text);
  if (value === undefined) throw new ConfigError(`${path}: not valid YAML`, [{ path: '', message: 'not valid YAML' }]);
  return value;
}

/** Reads the Istio configuration files named by the flags (istioctl's) or the config's `istio` section. */
function readIstioFiles(args: CliArgs, config: Config): IstioInputs {
  const read = (path: string | undefined) => (path === undefined ? undefined : { path, text: readText(path) });
  return {
    injectConfigFile: read(args.injectConfigFile ?? config.istio.injectConfigFile),
    meshConfigFile: read(args.meshConfigFile ?? config.istio.meshConfigFile),
    valuesFile: read(args.valuesFile ?? config.istio.valuesFile),
  };
}

/** The files of each `spec.revisions` entry's `istio` section (the flags belong to the top-level revision). */
function readRevisionIstioFiles(config: Config): Record<string, IstioInputs> {
  const none: CliArgs = { ...parseCliArgs([]) };
  const out: Record<string, IstioInputs> = {};
  for (const rc of config.revisions) out[rc.revision] = readIstioFiles(none, rc);
  return out;
}

/**
 * Reads the Istio files and runs. The Go template engine (istio/templates.ts, a chunk of its own
 * in the bundle) is loaded only when the run may render with Istio's templates, so the built-in
 * profile starts without it.
 */
async function runWith(resources: Parameters<typeof run>[0], args: CliArgs, config: Config, options?: RunOptions): Promise<RunOutput> {
  const { istio, revisionIstio, engine } = await istioFor(resources, args, config);
  return run(resources, config, istio, revisionIstio, engine, options);
}

/** The Istio files a run reads, and the template engine when they (or the input) need it. */
export async function istioFor(
  resources: Parameters<typeof run>[0],
  args: CliArgs,
  config: Config,
): Promise<{ istio: IstioInputs; revisionIstio: Record<string, IstioInputs>; engine?: TemplateEngine }> {
  const istio = readIstioFiles(args, config);
  const revisionIstio = readRevisionIstioFiles(config);
  if (config.mode !== 'uninject' && usesIstioTemplates(environmentObjects(resources), [config, ...config.revisions], [istio, ...Object.values(revisionIstio)])) {
    return { istio, revisionIstio, engine: (await import('../istio/templates.js')).templateEngine };
  }
  return { istio, revisionIstio };
}

export function report(results: readonly Result[], args: CliArgs, io: CliIO, mode?: Config['mode']): void {
  // An explanation is what --explain was asked for: --quiet does not hide it.
  const lines = results
    .filter((r) => !args.quiet || r.severity === 'error' || mode === 'explain')
    .map((r) => {
      // A multi-line message (an explanation): the location goes on its first line.
      const nl = r.message.indexOf('\n');
      if (nl < 0) return formatResult(r);
      return `${formatResult({ ...r, message: r.message.slice(0, nl) })}\n${r.message.slice(nl + 1).replace(/^(?=.)/gm, '    ')}\n`;
    });
  if (lines.length) io.stderr(lines.join('\n') + '\n');
}

async function krmMode(args: CliArgs, io: CliIO): Promise<number> {
  if (io.stdinIsTTY) {
    throw new UsageError('no input: pipe a ResourceList into stdin, or give manifests with -f');
  }
  const text = await io.readStdin();
  // No -f and stdin is not a ResourceList: a plain stream (`helm --post-renderer inject-sidecar`,
  // `kustomize build | inject-sidecar`). Treat it as `-f -`.
  if (!looksLikeResourceList(text)) return streamMode({ ...args, files: ['-'] }, { ...io, readStdin: async () => text });
  // Items that do not shape the environment are read, checked and let go; the run reads each
  // again when it comes to it, and the writer below writes it out and lets it go for good.
  const list = parseResourceList(text, { keep: isEnvironmentObject });
  const results: Result[] = [];
  const drift: RunOutput['drift'] = [];
  let config: Config | undefined;
  try {
    const fnConfig = args.config ? readConfigFile(args.config) : list.functionConfig;
    config = await loadConfigLazily(fnConfig, args.config ?? 'functionConfig', flagOverrides(args));
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
  if (config?.mode === 'audit') {
    results.push({ message: 'mode: audit reads a live snapshot (a kind: List on stdin or with -f), not a ResourceList', severity: 'error', field: { path: 'spec.mode' } });
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
  const writer = config && config.output !== 'patch' ? resourceListWriter(list, (t) => io.stdout(t)) : undefined;
  if (config && config.output !== 'patch') {
    const out = await runWith(list.items, args, config, writer ? { onResourceDone: (r) => writer.done(r as ResourceHandle) } : {});
    results.push(...out.results);
    if (config.mode === 'check') drift.push(...out.drift);
  }
  if (writer) writer.finish(results);
  else io.stdout(emitResourceList(list, results));
  report(results, args, io, config?.mode);
  if (config?.mode === 'check') reportCheck(drift, args, io);
  return hasErrors(results) ? EXIT_ERROR : EXIT_OK;
}

/** The last line of `--check`: how many workloads drifted, by kind. */
function reportCheck(drift: RunOutput['drift'], args: CliArgs, io: CliIO): void {
  if (drift.length === 0) {
    if (!args.quiet) io.stderr('check passed: every workload is as the configuration implies\n');
    return;
  }
  const counts = new Map<string, number>();
  for (const d of drift) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  const kinds = [...counts].map(([k, n]) => `${k}: ${n}`).join(', ');
  io.stderr(`check failed: ${drift.length} workload${drift.length === 1 ? '' : 's'} not as the configuration implies (${kinds})\n`);
}

/** A ResourceList has `kind: ResourceList` at the top level (YAML at column 0, or JSON). */
export function looksLikeResourceList(text: string): boolean {
  return /^kind:[ \t]*["']?ResourceList["']?[ \t]*(#.*)?\r?$/m.test(text) || /^\s*\{[\s\S]*"kind"\s*:\s*"ResourceList"/.test(text);
}

async function streamMode(args: CliArgs, io: CliIO): Promise<number> {
  const config = await loadConfigLazily(args.config ? readConfigFile(args.config) : undefined, args.config ?? 'config', flagOverrides(args));
  if (config.output === 'patch' && (config.mode === 'explain' || config.mode === 'check')) {
    throw new UsageError(`${config.mode} changes nothing, so it has no patches: drop the patch output`);
  }
  const files = expandInputs(args.files);
  const inputs: { path: string; docs: ResourceHandle[] }[] = [];
  let stdinUsed = false;
  for (const path of files) {
    if (path === '-') {
      if (stdinUsed) throw new UsageError('-f - given more than once');
      stdinUsed = true;
      inputs.push({ path, docs: parseStream(await io.readStdin(), '<stdin>', { keep: isEnvironmentObject }) });
    } else {
      inputs.push({ path, docs: parseStream(readText(path), path, { keep: isEnvironmentObject }) });
    }
  }
  const docs = inputs.flatMap((i) => i.docs);
  if (config.mode === 'audit') return auditMode(docs, args, config, io);
  // Nothing is written unless every document went well, so the output is held until the end:
  // as text (each document lets its value go once the run is done with it), not as values.
  const { results, patches, drift } = await runWith(docs, args, config, { onResourceDone: (r) => (r as ResourceHandle).release() });
  report(results, args, io, config.mode);
  if (config.mode === 'check') reportCheck(drift, args, io);
  if (hasErrors(results)) return EXIT_ERROR;
  // --check writes nothing; --explain passes the input through unchanged (nothing was updated).
  if (config.mode === 'check') return EXIT_OK;
  if (config.output === 'patch') {
    const out = emitStream(patches.map((p) => createResource(p)));
    if (args.output) writeAtomic(args.output, out);
    else io.stdout(out);
    return EXIT_OK;
  }
  if (args.inPlace) {
    for (const input of inputs) {
      if (input.docs.some((d) => d.changed)) writeAtomic(input.path, emitStream(input.docs));
    }
    return EXIT_OK;
  }
  const out = emitStream(inputs.flatMap((i) => i.docs));
  if (args.output) writeAtomic(args.output, out);
  else io.stdout(out);
  return EXIT_OK;
}
