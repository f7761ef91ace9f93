/**
 * The FunctionConfig schema (`inject-sidecar.dev/v1alpha1`, kind `SidecarInjection`), in zod.
 * This file is the single source of the configuration's shape: validation, defaults, the
 * committed JSON Schema (schema/sidecar-injection.schema.json) and the documentation all derive
 * from it. It does not load files or resolve defaults that depend on other inputs (see load.ts).
 *
 * The zod objects are built on first use (`configSchemas()`; the named exports are views that
 * build them when touched): building them is ~10 ms of a ~100 ms start-up, and a run whose
 * config is simple enough for config.ts's direct check (or that has none) never needs them. The
 * value tables (`MODES`, `POLICIES`, ...) live in values.ts, without zod, and are re-exported.
 */
import * as z from 'zod';
import { isBuiltinVersion, unsupportedReleaseMessage } from '../inject/builtin/releases.js';
import {
  API_VERSION,
  KIND,
  MODES,
  OUTPUT_FORMATS,
  COEXISTENCE_MODES,
  JOB_POLICIES,
  POLICIES,
  EMULATIONS,
  PLATFORMS,
  INJECT_VALUE_SEMANTICS,
  KUBE_VERSION_PATTERN,
  KUBE_VERSION_MESSAGE,
  IMAGE_TYPES,
  IMAGE_PULL_POLICIES,
  INTERCEPTION_MODES,
  LOG_LEVELS,
  COMPONENT_LOG_LEVEL_PATTERN,
  COMPONENT_LOG_LEVEL_MESSAGE,
  HUB_PATTERN,
  HUB_MESSAGE,
  TAG_PATTERN,
  TAG_MESSAGE,
  QUANTITY_MESSAGE,
  expectedOneOf,
} from './values.js';
import { parseQuantity } from '../kube/quantity.js';

// The value tables, for the schema's users.
export * from './values.js';

function buildSchemas() {
  /** An enumerated field whose error lists the accepted values. */
  const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: expectedOneOf(values) });
  const nativeSidecars = z.union([z.boolean(), z.literal('auto')], { error: expectedOneOf([true, false, 'auto']) });
  const labelMap = z.record(z.string(), z.string());

  /** A Kubernetes `metav1.LabelSelector`. */
  const LabelSelectorSchema = z
    .object({
      matchLabels: labelMap.optional(),
      matchExpressions: z
        .array(
          z
            .object({
              key: z.string(),
              operator: oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist']),
              values: z.array(z.string()).optional(),
            })
            .strict(),
        )
        .optional(),
    })
    .strict();

  const quantity = z.union([z.string(), z.number()], { error: QUANTITY_MESSAGE }).refine((v) => parseQuantity(v) !== undefined, { error: QUANTITY_MESSAGE });
  const resourceList = z.record(z.string(), quantity.nullable());

  const ProxySchema = z
    .object({
      hub: z.string().regex(HUB_PATTERN, HUB_MESSAGE).optional().describe('Registry and repository of the proxy images (values global.hub).'),
      tag: z.string().regex(TAG_PATTERN, TAG_MESSAGE).optional().describe('Image tag of the proxy images (values global.tag).'),
      image: z.string().min(1).optional().describe('Proxy image name, or a full image reference when it contains "/" (values global.proxy.image).'),
      initImage: z.string().min(1).optional().describe('istio-init image name or full reference (values global.proxy_init.image).'),
      imageType: oneOf(IMAGE_TYPES).optional().describe('Image variant suffix (values global.variant).'),
      imagePullPolicy: oneOf(IMAGE_PULL_POLICIES).optional(),
      imagePullSecrets: z.array(z.string().min(1)).optional().describe('Secrets added to every injected pod.'),
      resources: z
        .object({ requests: resourceList.optional(), limits: resourceList.optional() })
        .strict()
        .optional()
        .describe('Proxy (and init container) resources; quantities are written as given.'),
      interceptionMode: oneOf(INTERCEPTION_MODES).optional(),
      cni: z.boolean().optional().describe('Istio CNI plugin installed: istio-validation replaces istio-init.'),
      logLevel: oneOf(LOG_LEVELS).optional().describe('Envoy log level (values global.proxy.logLevel).'),
      componentLogLevel: z
        .string()
        .regex(COMPONENT_LOG_LEVEL_PATTERN, COMPONENT_LOG_LEVEL_MESSAGE)
        .optional()
        .describe('Envoy component log levels, name:level,... (values global.proxy.componentLogLevel).'),
      agentLogLevel: z
        .string()
        .regex(COMPONENT_LOG_LEVEL_PATTERN, COMPONENT_LOG_LEVEL_MESSAGE)
        .optional()
        .describe('pilot-agent log levels, scope:level,... (values global.logging.level).'),
      statusPort: z.number().int().min(0).max(65535).optional(),
      holdApplicationUntilProxyStarts: z.boolean().optional(),
      includeIPRanges: z.string().optional(),
      excludeIPRanges: z.string().optional(),
      includeInboundPorts: z.string().optional(),
      excludeInboundPorts: z.string().optional(),
      includeOutboundPorts: z.string().optional(),
      excludeOutboundPorts: z.string().optional(),
      clusterDomain: z.string().min(1).optional(),
      istioNamespace: z.string().min(1).optional().describe('Namespace of the control plane (istiod).'),
      clusterName: z.string().optional().describe('Cluster ID (values global.multiCluster.clusterName).'),
      network: z.string().optional().describe('Network name (values global.network).'),
      meshID: z.string().optional(),
    })
    .strict();

  const WorkloadKindSchema = z
    .object({
      apiVersion: z.string().min(1).optional().describe('Group/version to match; any version of the group when it ends in "/*"; any when omitted.'),
      kind: z.string().min(1),
      podTemplatePath: z.string().min(1).describe('Dotted path to the pod template, e.g. spec.template; "." for a bare pod.'),
    })
    .strict();

  const NamespaceSchema = z
    .object({
      labels: labelMap.optional(),
      annotations: labelMap.optional(),
    })
    .strict();

  const IstioSchema = z
    .object({
      injectorConfigMap: z
        .string()
        .min(1)
        .optional()
        .describe('The istio-sidecar-injector ConfigMap to render with (name or namespace/name); it must be in the input.'),
      meshConfigMap: z.string().min(1).optional().describe('The istio mesh ConfigMap (name or namespace/name); it must be in the input.'),
      injectConfigFile: z.string().min(1).optional().describe('Injection templates file (as istioctl kube-inject --injectConfigFile).'),
      meshConfigFile: z.string().min(1).optional().describe('Mesh config file (as --meshConfigFile).'),
      valuesFile: z.string().min(1).optional().describe('Injector values file, JSON or YAML (as --valuesFile).'),
      env: z.record(z.string(), z.string()).optional().describe("What the templates' env function reads (istiod's environment)."),
    })
    .strict();

  /**
   * Fields a `revisions[]` entry may set for its own control-plane revision. Everything else is
   * inherited from the top level (see `resolveRevisions` in load.ts).
   */
  const revisionEntryShape = {
    revision: z.string().min(1).describe('The revision name (the istio.io/rev value its webhooks serve).'),
    revisionTags: z.array(z.string().min(1)).optional().describe('Revision tags pointing at this revision.'),
    policy: oneOf(POLICIES).optional(),
    neverInjectSelector: z.array(LabelSelectorSchema).optional(),
    alwaysInjectSelector: z.array(LabelSelectorSchema).optional(),
    nativeSidecars: nativeSidecars.optional(),
    compliancePolicy: z.string().optional(),
    proxy: ProxySchema.optional().describe('Merged field by field over the top-level proxy settings.'),
    values: z.record(z.string(), z.unknown()).optional().describe('Deep-merged over the top-level values overlay.'),
    meshConfig: z.record(z.string(), z.unknown()).optional().describe('Deep-merged over the top-level meshConfig overlay.'),
    istio: IstioSchema.optional().describe(
      "This revision's Istio injector configuration (not inherited); by default its ConfigMaps istio-sidecar-injector-<rev> and istio-<rev> in the input.",
    ),
  };

  const RevisionEntrySchema = z.object(revisionEntryShape).strict();

  const SpecSchema = z
    .object({
      mode: oneOf(MODES)
        .optional()
        .describe(
          'inject (default); explain: report every decision, change nothing; check: fail when manifests are not as injection would leave them; uninject: remove injected sidecars; audit: report live pods (a kubectl get -o yaml snapshot) not as the policy says.',
        ),
      output: oneOf(OUTPUT_FORMATS)
        .optional()
        .describe('full (default): the changed objects; patch: a kustomize strategic-merge patch per changed workload (stream mode).'),
      webhookCoexistence: oneOf(COEXISTENCE_MODES)
        .optional()
        .describe('A live webhook would inject a rendered pod again: label (default) marks the pod sidecar.istio.io/inject=false; warn; error.'),
      jobs: oneOf(JOB_POLICIES)
        .optional()
        .describe('Jobs and CronJobs: native (default) sidecar that ends with the job; classic sidecar (the job never completes on its own); skip.'),
      revisions: z
        .array(RevisionEntrySchema)
        .optional()
        .describe('More control-plane revisions in the same repository (canary upgrades), each with its own injector settings.'),
      revision: z.string().optional().describe('Control-plane revision this run renders for; "" or "default" is the default revision.'),
      revisionTags: z.array(z.string().min(1)).optional().describe('Revision tags that point at this revision (istio.io/rev=<tag> selects it too).'),
      policy: oneOf(POLICIES).optional().describe('Injector policy (values global.proxy.autoInject).'),
      emulate: oneOf(EMULATIONS)
        .optional()
        .describe(
          'webhook: decide as the admission webhook would (namespace labels, pod labels, policy); kube-inject: as istioctl kube-inject. Set, re-injection also merges over the old sidecar as Istio does (unset: from the pristine pod, webhook decisions).',
        ),
      namespaces: z.record(z.string(), NamespaceSchema).optional().describe('Labels and annotations of namespaces that are not in the input.'),
      defaultNamespace: z.string().min(1).optional().describe('Namespace assumed for workloads that do not set metadata.namespace.'),
      enableNamespacesByDefault: z.boolean().optional(),
      neverInjectSelector: z.array(LabelSelectorSchema).optional(),
      alwaysInjectSelector: z.array(LabelSelectorSchema).optional(),
      nativeSidecars: nativeSidecars.optional().describe('istio-proxy as a Kubernetes native sidecar; auto decides from kubeVersion (>= 1.33).'),
      kubeVersion: z.string().regex(KUBE_VERSION_PATTERN, KUBE_VERSION_MESSAGE).optional(),
      istioVersion: z
        .string()
        .refine((v) => isBuiltinVersion(v), { error: (issue) => unsupportedReleaseMessage(String(issue.input)) })
        .optional()
        .describe(
          'The Istio release (X.Y) whose sidecar template the built-in profile renders; its proxy image defaults to that release. Default: the release proxy.tag names, else the newest stable release.',
        ),
      compliancePolicy: z.string().optional().describe('istiod COMPLIANCE_POLICY, e.g. fips-140-3.'),
      platform: oneOf(PLATFORMS)
        .optional()
        .describe('openshift: the proxy UID/GID come from the namespace annotations openshift.io/sa.scc.uid-range and supplemental-groups.'),
      injectValueSemantics: oneOf(INJECT_VALUE_SEMANTICS)
        .optional()
        .describe('How sidecar.istio.io/inject values are read: exact (Istio >= 1.27) or legacy (<= 1.26).'),
      proxy: ProxySchema.optional(),
      values: z.record(z.string(), z.unknown()).optional().describe('Raw overlay deep-merged over the injector values (advanced).'),
      meshConfig: z.record(z.string(), z.unknown()).optional().describe('Raw overlay deep-merged over the mesh config (advanced).'),
      istio: IstioSchema.optional().describe("Istio's own injector configuration (templates, values, mesh); by default found in the input."),
      workloads: z.array(WorkloadKindSchema).optional().describe('Extra workload kinds (CRDs) and where their pod template is.'),
    })
    .strict();

  const FunctionConfigSchema = z
    .object({
      apiVersion: z.literal(API_VERSION),
      kind: z.literal(KIND),
      metadata: z.record(z.string(), z.unknown()).optional(),
      spec: SpecSchema.optional(),
    })
    .strict();

  return {
    LabelSelectorSchema,
    ProxySchema,
    WorkloadKindSchema,
    NamespaceSchema,
    IstioSchema,
    RevisionEntrySchema,
    SpecSchema,
    FunctionConfigSchema,
  };
}

export type ConfigSchemas = ReturnType<typeof buildSchemas>;
let built: ConfigSchemas | undefined;

/** The zod schemas, built on the first call. */
export function configSchemas(): ConfigSchemas {
  return (built ??= buildSchemas());
}

/** A named export that stands for one of the schemas and builds them when first touched. */
function view<K extends keyof ConfigSchemas>(key: K): ConfigSchemas[K] {
  const target = () => configSchemas()[key] as object;
  return new Proxy({} as ConfigSchemas[K], {
    get(_, prop) {
      const value: unknown = Reflect.get(target(), prop);
      return typeof value === 'function' ? value.bind(target()) : value;
    },
    has: (_, prop) => Reflect.has(target(), prop),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, prop) => {
      const d = Reflect.getOwnPropertyDescriptor(target(), prop);
      return d && { ...d, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
  });
}

/** A Kubernetes `metav1.LabelSelector`. */
export const SpecSchema = view('SpecSchema');
export const FunctionConfigSchema = view('FunctionConfigSchema');

export type Spec = z.infer<ConfigSchemas['SpecSchema']>;
export type Mode = (typeof MODES)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type CoexistenceMode = (typeof COEXISTENCE_MODES)[number];
export type JobPolicy = (typeof JOB_POLICIES)[number];
export type IstioSpec = z.infer<ConfigSchemas['IstioSchema']>;
export type ProxySettings = z.infer<ConfigSchemas['ProxySchema']>;
export type WorkloadKind = z.infer<ConfigSchemas['WorkloadKindSchema']>;
export type LabelSelector = z.infer<ConfigSchemas['LabelSelectorSchema']>;
