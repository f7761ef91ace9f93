/**
 * The function config's names and value tables (API group, version and kind; the allowed values
 * of the enumerated fields; the kubeVersion pattern), without zod: the zod schema (schema.ts) and
 * the direct check of simple configs (config.ts) both use them, and the second must not load zod.
 */
export const API_GROUP = 'inject-sidecar.dev';
export const API_VERSION = `${API_GROUP}/v1alpha1`;
export const KIND = 'SidecarInjection';

/** What a run does (`--explain`, `--check`, `--uninject` set it from the command line). */
export const MODES = ['inject', 'explain', 'check', 'uninject', 'audit'] as const;
/** How changed workloads are written (`--format`). */
export const OUTPUT_FORMATS = ['full', 'patch'] as const;
/** What to do when a live injection webhook would inject a rendered pod again. */
export const COEXISTENCE_MODES = ['label', 'warn', 'error'] as const;
/** How run-to-completion workloads (Jobs, CronJobs) get their sidecar. */
export const JOB_POLICIES = ['native', 'classic', 'skip'] as const;
/** Injector policy (values global.proxy.autoInject). */
export const POLICIES = ['enabled', 'disabled'] as const;
/** Whose decisions are emulated. */
export const EMULATIONS = ['webhook', 'kube-inject'] as const;
export const PLATFORMS = ['openshift'] as const;
/** How sidecar.istio.io/inject values are read. */
export const INJECT_VALUE_SEMANTICS = ['exact', 'legacy'] as const;
/** `kubeVersion`: a Kubernetes version such as 1.33 or v1.33.2. */
export const KUBE_VERSION_PATTERN = /^v?\d+\.\d+(\.\d+)?([-+].*)?$/;
export const KUBE_VERSION_MESSAGE = 'expected a Kubernetes version such as 1.33 or v1.33.2';

/** Proxy image variants (values global.variant). */
export const IMAGE_TYPES = ['default', 'distroless', 'debug'] as const;
export const IMAGE_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never', ''] as const;
export const INTERCEPTION_MODES = ['REDIRECT', 'TPROXY', 'NONE'] as const;

/** Log levels of Envoy and of Istio's scopes (`--proxyLogLevel`, `--log_output_level`). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;
/** `name:level,...` (Envoy components for componentLogLevel, Istio scopes for agentLogLevel). */
export const COMPONENT_LOG_LEVEL_PATTERN = new RegExp(`^[A-Za-z0-9_-]+:(?:${LOG_LEVELS.join('|')})(?:,[A-Za-z0-9_-]+:(?:${LOG_LEVELS.join('|')}))*$`);
export const COMPONENT_LOG_LEVEL_MESSAGE = `expected name:level pairs separated by commas, such as misc:error,upstream:debug (levels: ${LOG_LEVELS.join(', ')})`;
/**
 * An image hub: a registry host (optionally with a port) and repository path, as in an image
 * reference; lowercase, without spaces or a trailing `/` (the image name is appended after one).
 */
export const HUB_PATTERN = /^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
export const HUB_MESSAGE = 'expected a registry and repository such as docker.io/istio (lowercase, no spaces, no trailing /)';
/** An image tag, as Docker's reference grammar defines it. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const TAG_MESSAGE = 'expected an image tag such as 1.28.0 (letters, digits, _ . -; at most 128 characters)';
export const QUANTITY_MESSAGE = 'expected a Kubernetes quantity such as 100m, 128Mi or 2';

/** `a, b or c`, for messages listing the accepted values. */
export function orList(values: readonly unknown[]): string {
  const words = values.map((v) => (typeof v === 'string' && /^[A-Za-z0-9_.-]+$/.test(v) ? v : JSON.stringify(v)));
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** `expected a, b or c`. */
export function expectedOneOf(values: readonly unknown[]): string {
  return `expected ${orList(values)}`;
}

/**
 * The edit distance of a and b (insertions, deletions, substitutions and swaps of neighbours each
 * count one), or `limit + 1` once it is certainly larger than `limit`.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known name closest to `word` (case aside, or within a small edit distance), for "did you mean". */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  if (word.length > 256) return undefined;
  const lower = word.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same !== undefined) return same;
  const limit = word.length < 4 ? 1 : word.length < 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase(), limit);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}
