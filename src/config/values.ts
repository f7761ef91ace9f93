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
