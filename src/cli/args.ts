/**
 * Command-line flags and the help text. Parsing only: no files are read here. The flag names
 * of `istioctl kube-inject` are kept (`-f`, `-o`, `--injectConfigFile`, `--meshConfigFile`,
 * `--valuesFile`, `--revision`) so the tool is a drop-in for that command line.
 */
import { parseArgs } from 'node:util';
import { isBuiltinVersion, unsupportedReleaseMessage } from '../inject/builtin/releases.js';

export interface CliArgs {
  files: string[];
  /** `-n/--namespace`: the namespace of objects without `metadata.namespace` (overrides spec.defaultNamespace). */
  namespace: string | undefined;
  output: string | undefined;
  inPlace: boolean;
  config: string | undefined;
  /** `--config-root DIR`: a further tree the files a function config names may be in. */
  configRoot: string | undefined;
  /** `-R`: read the subdirectories of -f directories too. */
  recursive: boolean;
  quiet: boolean;
  /**
   * `--summary`: print the run's summary on stderr in this format instead of one line per result;
   * in audit mode the report's format (`prometheus` only there; see `checkModeOptions`).
   */
  summary: 'text' | 'markdown' | 'json' | 'prometheus' | undefined;
  help: boolean;
  version: boolean;
  revision: string | undefined;
  emulate: string | undefined;
  nativeSidecars: string | undefined;
  istioVersion: string | undefined;
  compliancePolicy: string | undefined;
  injectConfigFile: string | undefined;
  meshConfigFile: string | undefined;
  valuesFile: string | undefined;
  /** `--explain`, `--check`, `--uninject` or `--audit` (at most one). */
  mode: 'explain' | 'check' | 'uninject' | 'audit' | undefined;
  format: 'full' | 'patch' | undefined;
  jobs: 'native' | 'classic' | 'skip' | undefined;
  webhookCoexistence: 'label' | 'warn' | 'error' | undefined;
  /** --audit only: `--audit-format` (the alias of --summary), the severity that fails the run, the patches' restart time. */
  auditFormat: 'text' | 'json' | 'markdown' | 'prometheus' | undefined;
  failOn: 'error' | 'warning' | 'none' | undefined;
  restartedAt: string | undefined;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const HELP = `inject-sidecar: Istio sidecar injection at render time.

Usage:
  inject-sidecar < resource-list.yaml            KRM function: ResourceList in, ResourceList out
  inject-sidecar -f FILE|DIR|- [-f ...] [flags]  YAML stream in, YAML stream out

Without -f, stdin is a KRM ResourceList (config.kubernetes.io/v1), as kpt and kustomize send
it, and the function config comes in its functionConfig; a plain stream on stdin (helm
--post-renderer inject-sidecar) is read as with -f -. With -f, the inputs are plain
Kubernetes manifests (multi-document YAML, kind: List, or directories of *.yaml/*.yml read in
sorted order) and the output is a plain YAML stream for kubectl apply or Argo CD: like kustomize
build, it leaves out the function config, Kptfiles and objects annotated
config.kubernetes.io/local-config: "true" (--in-place keeps them in their files).

Input and output:
  -f, --filename PATH     Input file, directory or - for stdin (repeatable). A file or stdin
                          may hold at most 256 MiB; only regular files are read.
  -R, --recursive         Read the subdirectories of -f directories too (sorted; at most 32
                          levels and 10,000 files; directory symlinks are not followed).
  -o, --output FILE       Write the stream to FILE (atomically) instead of stdout.
      --in-place          Rewrite each input file with its injected version.
      --config FILE       Function config (kind SidecarInjection, or a ConfigMap); in KRM mode it
                          replaces the ResourceList's functionConfig.
      --config-root DIR   Files a function config names (spec.istio.valuesFile, ...) must be
                          inside the config's directory (the current directory for a
                          ResourceList's functionConfig); this flag allows DIR's tree too.
  -q, --quiet             Only errors on stderr: no result lines, no totals line.
      --summary F         On stderr, instead of one line per result: text (one short line per
                          workload: action, reason code, revision, proxy image), markdown (a
                          table for a pull-request comment) or json. Without it, stderr has one
                          line per result and a totals line at the end (KRM mode: the results
                          carry the messages; stderr has errors and the totals line). --audit:
                          the report; text (default) on stderr, markdown, json or prometheus
                          (a gauge per finding kind and namespace) on stdout.
      --format F          full (default): the changed objects; patch: one kustomize
                          strategic-merge patch per changed workload (stream mode only).

Modes (default: inject):
      --explain           Explain every workload's decision (each webhook and injector rule
                          consulted, the deciding one marked) in the results (and on stderr in
                          stream mode); change nothing (stream mode writes the input unchanged).
      --check             CI gate: change nothing, write nothing to stdout in stream mode; exit 1
                          when a workload is not as injection would leave it (sidecar missing,
                          injected where policy says no, or stale) or when its decision depends on
                          labels of a namespace it does not know (undecided).
      --uninject          Remove injected sidecars, giving back the manifests as they were.
      --audit             Audit a live snapshot (kubectl get namespaces,pods,deployments,
                          statefulsets,daemonsets,replicasets,jobs,cronjobs,
                          mutatingwebhookconfigurations -A -o yaml): pods missing a sidecar, with
                          one policy excludes, stale, drifted from their owner, selecting a revision
                          nobody serves, or with a proxy not ready. Summary on stderr.
      --audit-format F    The same as --summary F (--audit only).
      --fail-on S         --audit: error (default), warning or none: exit 1 on a finding at or
                          above S.
      --restarted-at T    --audit --format patch: the restartedAt time (default: now, RFC 3339).

Injection settings (override the function config):
  -n, --namespace NS      The namespace of objects without metadata.namespace, as with kubectl
                          apply -n: used to decide and to render, never written into the output
                          (overrides spec.defaultNamespace).
  -r, --revision REV      Control-plane revision to render for ("default" = the default revision).
      --emulate MODE      webhook (default): decide as the admission webhook does, from namespace
                          labels, pod labels and annotations; kube-inject: as istioctl kube-inject.
                          Given explicitly, re-injection also merges over the old sidecar as Istio
                          does (default: from the pristine pod).
      --native-sidecars V true, false or auto (auto needs kubeVersion in the config).
      --istio-version X.Y The Istio release whose sidecar the built-in profile renders
                          (default: the release the proxy tag names, else the newest stable).
      --compliance-policy P  istiod's COMPLIANCE_POLICY, e.g. fips-140-3.
      --jobs P            Jobs and CronJobs: native (default), classic or skip.
      --webhook-coexistence M  A live webhook would inject a rendered pod again: label (default:
                          mark the pod sidecar.istio.io/inject=false), warn or error.

Istio injector configuration (istioctl kube-inject flags):
      --injectConfigFile FILE  Injection templates (the "config" key of istio-sidecar-injector).
      --meshConfigFile FILE    Mesh config (the "mesh" key of the istio ConfigMap).
      --valuesFile FILE        Injector values (the "values" key of istio-sidecar-injector).

  -h, --help              Show this help.
      --version           Show the version.

Exit codes: 0 success; 1 an error result (bad manifest, invalid annotation, invalid config,
drift found by --check); 2 usage error. In stream mode nothing is written to stdout when the exit code is not 0.
`;

/**
 * The options only the audit reads (`--audit-format`, `--fail-on`, `--restarted-at`,
 * `--summary prometheus`) are a usage error in any other mode; the mode is known once the config
 * is (`spec.mode: audit` selects it too). In audit mode, `--summary` and its alias must agree.
 */
export function checkModeOptions(args: CliArgs, mode: string | undefined): void {
  if (mode === 'audit') {
    if (args.summary !== undefined && args.auditFormat !== undefined && args.summary !== args.auditFormat) {
      throw new UsageError(`--audit-format is the alias of --summary: --summary ${args.summary} and --audit-format ${args.auditFormat} disagree`);
    }
    return;
  }
  const flags = [
    ['audit-format', args.auditFormat],
    ['fail-on', args.failOn],
    ['restarted-at', args.restartedAt],
  ] as const;
  const only = flags.find(([, v]) => v !== undefined);
  if (only) throw new UsageError(`--${only[0]} needs --audit (or spec.mode: audit); it means nothing in ${mode ?? 'inject'} mode`);
  if (args.summary === 'prometheus')
    throw new UsageError(`--summary prometheus needs --audit (or spec.mode: audit): ${mode ?? 'inject'} mode has no findings to count`);
}

export function parseCliArgs(argv: string[]): CliArgs {
  const parsed = asUsageError(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        filename: { type: 'string', short: 'f', multiple: true },
        output: { type: 'string', short: 'o' },
        namespace: { type: 'string', short: 'n' },
        'in-place': { type: 'boolean' },
        config: { type: 'string' },
        'config-root': { type: 'string' },
        recursive: { type: 'boolean', short: 'R' },
        quiet: { type: 'boolean', short: 'q' },
        summary: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        revision: { type: 'string', short: 'r' },
        emulate: { type: 'string' },
        'native-sidecars': { type: 'string' },
        'istio-version': { type: 'string' },
        'compliance-policy': { type: 'string' },
        injectConfigFile: { type: 'string' },
        meshConfigFile: { type: 'string' },
        valuesFile: { type: 'string' },
        explain: { type: 'boolean' },
        check: { type: 'boolean' },
        uninject: { type: 'boolean' },
        format: { type: 'string' },
        jobs: { type: 'string' },
        'webhook-coexistence': { type: 'string' },
        audit: { type: 'boolean' },
        'audit-format': { type: 'string' },
        'fail-on': { type: 'string' },
        'restarted-at': { type: 'string' },
      },
    }),
  );
  const v = parsed.values;
  if (parsed.positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])} (input files go after -f)`);
  }
  const modes = (['explain', 'check', 'uninject', 'audit'] as const).filter((m) => v[m] === true);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be used together`);
  const oneOf = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined => {
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
      throw new UsageError(`--${flag} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, not ${JSON.stringify(value)}`);
    }
    return value as T | undefined;
  };
  const args: CliArgs = {
    files: v.filename ?? [],
    namespace: v.namespace,
    output: v.output,
    inPlace: v['in-place'] ?? false,
    config: v.config,
    configRoot: v['config-root'],
    recursive: v.recursive ?? false,
    quiet: v.quiet ?? false,
    summary: oneOf('summary', v.summary, ['text', 'markdown', 'json', 'prometheus'] as const),
    help: v.help ?? false,
    version: v.version ?? false,
    revision: v.revision,
    emulate: v.emulate,
    nativeSidecars: v['native-sidecars'],
    istioVersion: v['istio-version'],
    compliancePolicy: v['compliance-policy'],
    injectConfigFile: v.injectConfigFile,
    meshConfigFile: v.meshConfigFile,
    valuesFile: v.valuesFile,
    mode: modes[0],
    format: oneOf('format', v.format, ['full', 'patch'] as const),
    jobs: oneOf('jobs', v.jobs, ['native', 'classic', 'skip'] as const),
    webhookCoexistence: oneOf('webhook-coexistence', v['webhook-coexistence'], ['label', 'warn', 'error'] as const),
    auditFormat: oneOf('audit-format', v['audit-format'], ['text', 'json', 'markdown', 'prometheus'] as const),
    failOn: oneOf('fail-on', v['fail-on'], ['error', 'warning', 'none'] as const),
    restartedAt: v['restarted-at'],
  };
  if (args.restartedAt !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(args.restartedAt)) {
    throw new UsageError(`--restarted-at must be an RFC 3339 time such as 2026-01-02T03:04:05Z, not ${JSON.stringify(args.restartedAt)}`);
  }
  if (args.mode === 'audit' && args.inPlace) throw new UsageError('--audit changes nothing; it cannot be used with --in-place');
  if (args.emulate !== undefined && args.emulate !== 'webhook' && args.emulate !== 'kube-inject') {
    throw new UsageError(`--emulate must be webhook or kube-inject, not ${JSON.stringify(args.emulate)}`);
  }
  if (args.istioVersion !== undefined && !isBuiltinVersion(args.istioVersion)) {
    throw new UsageError(`--istio-version: ${unsupportedReleaseMessage(args.istioVersion)}`);
  }
  if (args.nativeSidecars !== undefined && !['true', 'false', 'auto'].includes(args.nativeSidecars)) {
    throw new UsageError(`--native-sidecars must be true, false or auto, not ${JSON.stringify(args.nativeSidecars)}`);
  }
  if (args.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(args.namespace)) {
    throw new UsageError(`--namespace must be a namespace name (lower-case letters, digits and -, at most 63), not ${JSON.stringify(args.namespace)}`);
  }
  if (args.format === 'patch' && args.inPlace) throw new UsageError('--format patch and --in-place cannot be used together');
  if (args.inPlace && (args.mode === 'explain' || args.mode === 'check')) {
    throw new UsageError(`--${args.mode} changes nothing; it cannot be used with --in-place`);
  }
  if (args.inPlace && args.output) throw new UsageError('--in-place and --output cannot be used together');
  if (args.inPlace && args.files.length === 0) throw new UsageError('--in-place needs input files (-f)');
  if (args.inPlace && args.files.includes('-')) throw new UsageError('--in-place cannot rewrite stdin (-f -)');
  if (args.files.length === 0 && args.output) {
    throw new UsageError('--output is for stream mode (-f); in KRM mode the ResourceList goes to stdout');
  }
  return args;
}

/** `parseArgs` throws plain errors for unknown options and missing values: they are usage errors. */
function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
