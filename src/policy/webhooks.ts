/**
 * Istio's sidecar-injector admission webhooks as selector data: stage A of the injection
 * decision (does the API server call an istiod at all, and which revision's?). Three things
 * live here: the webhook list exactly as Istio's Helm chart installs it for a set of revisions
 * and revision tags (`standardWebhooks`), the same shape read from real
 * `MutatingWebhookConfiguration` objects found in the input (`webhooksFromConfigurations`, for
 * platforms that customise the selectors), and the matching of one pod against such a list
 * (`matchWebhooks`), three-valued when the namespace is not known. What istiod does once
 * called (stage B) is `decide.ts`; this module never looks at annotations, policy or
 * `hostNetwork`, because the API server does not either.
 */
import type { Result } from '../results/result.js';
import { Label, IGNORED_NAMESPACES } from '../kube/keys.js';
import { and3, compileSelector } from './selector.js';
import type { CompiledSelector, LabelSelector, Labels, Tri } from './selector.js';

/** Every Istio injection webhook's name ends with this (`istioctl kube-inject` looks them up by it). */
export const INJECTOR_WEBHOOK_SUFFIX = 'sidecar-injector.istio.io';

// Keys only the webhook configurations carry (not pod or namespace keys, so not in kube/keys.ts).
/** MWC label naming the revision tag a `istio-revision-tag-<tag>` configuration serves. */
export const TAG_LABEL = 'istio.io/tag';
/** `istioctl tag set default` rewrites the old default webhooks' selectors to this never-matching one. */
export const DEACTIVATED_LABEL = 'istio.io/deactivated';
export const NEVER_MATCH: LabelSelector = { matchLabels: { [DEACTIVATED_LABEL]: 'never-match' } };

/** The name prefixes of the webhook entries Istio's chart installs (`<prefix>sidecar-injector.istio.io`). */
export const WEBHOOK_PREFIXES = ['rev.namespace.', 'rev.object.', 'namespace.', 'object.', 'auto.'] as const;
export type WebhookPrefix = (typeof WEBHOOK_PREFIXES)[number];

/** One injection webhook entry, reduced to what stage A needs. */
export interface InjectionWebhook {
  /** Webhook entry name, e.g. `rev.namespace.sidecar-injector.istio.io`. */
  readonly name: string;
  /** The MutatingWebhookConfiguration it belongs to, e.g. `istio-sidecar-injector-canary`. */
  readonly configuration: string;
  /** The istiod revision it calls; `''` is the default revision (MWC label `istio.io/rev: default`). */
  readonly revision: string;
  /** The revision tag the configuration serves (MWC label `istio.io/tag`), if any. */
  readonly tag?: string;
  /** Matched against the namespace's labels (incl. `kubernetes.io/metadata.name`). */
  readonly namespaceSelector: LabelSelector;
  /** Matched against the pod's labels only (never annotations). */
  readonly objectSelector: LabelSelector;
  /** Selectors were rewritten to the never-matching `istio.io/deactivated` selector. */
  readonly deactivated: boolean;
}

/** Short name used by the wiring code. */
export type Webhook = InjectionWebhook;

/** A control-plane revision and the tags that point at it (`''`/`default` = the default revision). */
export interface RevisionInstall {
  readonly revision: string;
  readonly tags?: readonly string[] | undefined;
}

export interface StandardWebhookOptions {
  /** `sidecarInjectorWebhook.enableNamespacesByDefault`: adds the `auto.` webhook. */
  readonly enableNamespacesByDefault?: boolean | undefined;
}

/** `''` for the default revision whichever way it is spelled; other names unchanged. */
export function normalizeRevision(revision: string | undefined): string {
  return revision === undefined || revision === 'default' ? '' : revision;
}

/** How a revision is written in labels and messages: `default` for `''`. */
export function revisionName(revision: string): string {
  return revision === '' ? 'default' : revision;
}

/** The `<R>`-independent selectors of each standard entry, keyed by prefix. */
function standardSelectors(r: string): Record<WebhookPrefix, { namespaceSelector: LabelSelector; objectSelector: LabelSelector }> {
  const notDisabled = { key: Label.sidecarInject, operator: 'NotIn', values: ['false'] };
  return {
    'rev.namespace.': {
      namespaceSelector: {
        matchExpressions: [
          { key: Label.istioRev, operator: 'In', values: [r] },
          { key: Label.istioInjection, operator: 'DoesNotExist' },
        ],
      },
      objectSelector: { matchExpressions: [notDisabled] },
    },
    'rev.object.': {
      namespaceSelector: {
        matchExpressions: [
          { key: Label.istioRev, operator: 'DoesNotExist' },
          { key: Label.istioInjection, operator: 'DoesNotExist' },
        ],
      },
      objectSelector: { matchExpressions: [notDisabled, { key: Label.istioRev, operator: 'In', values: [r] }] },
    },
    'namespace.': {
      namespaceSelector: { matchExpressions: [{ key: Label.istioInjection, operator: 'In', values: ['enabled'] }] },
      objectSelector: { matchExpressions: [notDisabled] },
    },
    'object.': {
      namespaceSelector: {
        matchExpressions: [
          { key: Label.istioInjection, operator: 'DoesNotExist' },
          { key: Label.istioRev, operator: 'DoesNotExist' },
        ],
      },
      objectSelector: {
        matchExpressions: [
          { key: Label.sidecarInject, operator: 'In', values: ['true'] },
          { key: Label.istioRev, operator: 'DoesNotExist' },
        ],
      },
    },
    'auto.': {
      namespaceSelector: {
        matchExpressions: [
          { key: Label.istioInjection, operator: 'DoesNotExist' },
          { key: Label.istioRev, operator: 'DoesNotExist' },
          { key: Label.metadataName, operator: 'NotIn', values: [...IGNORED_NAMESPACES] },
        ],
      },
      objectSelector: {
        matchExpressions: [
          { key: Label.sidecarInject, operator: 'DoesNotExist' },
          { key: Label.istioRev, operator: 'DoesNotExist' },
        ],
      },
    },
  };
}

/**
 * The webhooks Istio's chart installs for the given revisions and tags, in the order the API
 * server calls them (configurations by name, entries in chart order). Takes a list of
 * `{revision, tags}`, or a single one that may also carry `enableNamespacesByDefault`:
 *
 * - per revision, MWC `istio-sidecar-injector[-<rev>]`: `rev.namespace.` and `rev.object.` for
 *   `<rev>` (`default` for the default revision), plus, for the default revision only,
 *   `namespace.`, `object.` and (with `enableNamespacesByDefault`) `auto.`;
 * - per tag, MWC `istio-revision-tag-<tag>` calling the tag's revision: `rev.namespace.` and
 *   `rev.object.` for `<tag>`, plus `namespace.`/`object.`/`auto.` when the tag is `default`.
 *   A `default` tag means `istioctl tag set default` ran, which deactivates every entry of the
 *   default revision's own configuration (never-match selectors), as istioctl does.
 */
export function standardWebhooks(
  revisions: readonly RevisionInstall[] | (RevisionInstall & StandardWebhookOptions),
  options: StandardWebhookOptions = {},
): InjectionWebhook[] {
  const single = !isInstallList(revisions);
  const installs: readonly RevisionInstall[] = isInstallList(revisions) ? revisions : [revisions];
  const auto = (options.enableNamespacesByDefault ?? (single ? revisions.enableNamespacesByDefault : undefined)) === true;
  const defaultTagged = installs.some((i) => (i.tags ?? []).includes('default'));
  const out: InjectionWebhook[] = [];
  const entries = (
    configuration: string,
    revision: string,
    selectorValue: string,
    withDefaultEntries: boolean,
    tag: string | undefined,
    deactivated: boolean,
  ): void => {
    const selectors = standardSelectors(selectorValue);
    const prefixes: WebhookPrefix[] = ['rev.namespace.', 'rev.object.'];
    if (withDefaultEntries) prefixes.push('namespace.', 'object.', ...(auto ? (['auto.'] as const) : []));
    for (const prefix of prefixes) {
      const s = selectors[prefix];
      out.push({
        name: `${prefix}${INJECTOR_WEBHOOK_SUFFIX}`,
        configuration,
        revision,
        ...(tag !== undefined ? { tag } : {}),
        namespaceSelector: deactivated ? NEVER_MATCH : s.namespaceSelector,
        objectSelector: deactivated ? NEVER_MATCH : s.objectSelector,
        deactivated,
      });
    }
  };
  const seen = new Set<string>();
  const configs: { name: string; add: () => void }[] = [];
  for (const install of installs) {
    const revision = normalizeRevision(install.revision);
    if (!seen.has(`rev:${revision}`)) {
      seen.add(`rev:${revision}`);
      const name = revision === '' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`;
      const deactivated = revision === '' && defaultTagged;
      configs.push({ name, add: () => entries(name, revision, revisionName(revision), revision === '', undefined, deactivated) });
    }
    for (const tag of install.tags ?? []) {
      if (seen.has(`tag:${tag}`)) continue;
      seen.add(`tag:${tag}`);
      const name = `istio-revision-tag-${tag}`;
      configs.push({ name, add: () => entries(name, revision, tag, tag === 'default', tag, false) });
    }
  }
  configs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const c of configs) c.add();
  return out;
}

function isInstallList(v: readonly RevisionInstall[] | (RevisionInstall & StandardWebhookOptions)): v is readonly RevisionInstall[] {
  return Array.isArray(v);
}

/** True when a selector is (or contains) `istioctl`'s never-match rewrite. */
function isNeverMatch(selector: LabelSelector): boolean {
  return selector.matchLabels?.[DEACTIVATED_LABEL] === 'never-match';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads Istio's injection webhooks from the input's `MutatingWebhookConfiguration` objects
 * (`admissionregistration.k8s.io/v1`; other objects are ignored). Only entries whose name ends
 * in `sidecar-injector.istio.io` are taken. The revision is the configuration's `istio.io/rev`
 * label (`default` = the default revision), the tag its `istio.io/tag` label. An absent selector
 * means `{}` (the API server's default). Configurations are ordered by name, as the API server
 * calls them.
 *
 * Problems come back as results, not exceptions: an invalid selector is an error (the API server
 * would have rejected the object; the entry is left out), a missing `istio.io/rev` label or
 * `matchConditions` (not evaluated here) are warnings.
 */
export function webhooksFromConfigurations(objects: readonly unknown[]): {
  webhooks: InjectionWebhook[];
  results: Result[];
} {
  const webhooks: InjectionWebhook[] = [];
  const results: Result[] = [];
  const configs = objects
    .filter(isRecord)
    .filter((o) => o['kind'] === 'MutatingWebhookConfiguration' && o['apiVersion'] === 'admissionregistration.k8s.io/v1')
    .map((o) => ({ object: o, name: isRecord(o['metadata']) ? String(o['metadata']['name'] ?? '') : '' }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { object, name } of configs) {
    const ref = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', name };
    const metadata = isRecord(object['metadata']) ? object['metadata'] : {};
    const labels = isRecord(metadata['labels']) ? metadata['labels'] : {};
    const entries = Array.isArray(object['webhooks']) ? object['webhooks'] : [];
    const revLabel = typeof labels[Label.istioRev] === 'string' ? (labels[Label.istioRev] as string) : undefined;
    const tagLabel = typeof labels[TAG_LABEL] === 'string' ? (labels[TAG_LABEL] as string) : undefined;
    let warnedRevision = false;
    for (const [i, entry] of entries.entries()) {
      if (!isRecord(entry) || typeof entry['name'] !== 'string') continue;
      const whName = entry['name'];
      if (!whName.endsWith(INJECTOR_WEBHOOK_SUFFIX)) continue;
      if (revLabel === undefined && !warnedRevision) {
        warnedRevision = true;
        results.push({
          severity: 'warning',
          message: `MutatingWebhookConfiguration ${name} has no ${Label.istioRev} label; its injection webhooks are taken to call the default revision`,
          resourceRef: ref,
          field: { path: `metadata.labels.${Label.istioRev}` },
        });
      }
      const selectors: { namespaceSelector: LabelSelector; objectSelector: LabelSelector } = {
        namespaceSelector: {},
        objectSelector: {},
      };
      let valid = true;
      for (const which of ['namespaceSelector', 'objectSelector'] as const) {
        const raw = entry[which];
        const selector: LabelSelector = isRecord(raw) ? (raw as LabelSelector) : {};
        const compiled = compileSelector(selector);
        if (!compiled.ok) {
          valid = false;
          results.push({
            severity: 'error',
            message: `webhook ${whName} of MutatingWebhookConfiguration ${name}: invalid ${which}: ${compiled.error.message}`,
            resourceRef: ref,
            field: { path: `webhooks[${i}].${which}.${compiled.error.field}` },
          });
        }
        selectors[which] = selector;
      }
      if (!valid) continue;
      if (Array.isArray(entry['matchConditions']) && entry['matchConditions'].length > 0) {
        results.push({
          severity: 'warning',
          message: `webhook ${whName} of MutatingWebhookConfiguration ${name} has matchConditions, which are not evaluated: the webhook is treated as if they all pass`,
          resourceRef: ref,
          field: { path: `webhooks[${i}].matchConditions` },
        });
      }
      webhooks.push({
        name: whName,
        configuration: name,
        revision: normalizeRevision(revLabel),
        ...(tagLabel !== undefined ? { tag: tagLabel } : {}),
        namespaceSelector: selectors.namespaceSelector,
        objectSelector: selectors.objectSelector,
        deactivated: isNeverMatch(selectors.namespaceSelector) || isNeverMatch(selectors.objectSelector),
      });
    }
  }
  return { webhooks, results };
}

/** How one webhook fares against one pod in one namespace. */
export interface WebhookMatch {
  readonly webhook: InjectionWebhook;
  /** namespaceSelector against the namespace labels; `'unknown'` when the namespace is unknown and it matters. */
  readonly namespace: Tri;
  /** objectSelector against the pod labels (always known). */
  readonly object: boolean;
  /** Both; a deactivated webhook is always `false`. */
  readonly verdict: Tri;
  /** Compiled selectors, for messages (`toString`, `requirements`). */
  readonly namespaceSelector: CompiledSelector;
  readonly objectSelector: CompiledSelector;
  /** namespaceSelector keys that are unknown (only when `namespace === 'unknown'`). */
  readonly unknownKeys: readonly string[];
}

/** The namespace as stage A sees it. */
export interface NamespaceView {
  readonly name: string;
  /** The namespace's labels; `undefined` when the namespace is not known. */
  readonly labels: Labels | undefined;
}

/**
 * The labels the API server matches a namespaceSelector against: the namespace's own labels
 * plus `kubernetes.io/metadata.name`, which the API server keeps equal to the name.
 */
export function effectiveNamespaceLabels(ns: NamespaceView): { labels: Labels | undefined; known: Labels } {
  const known = { [Label.metadataName]: ns.name };
  return { labels: ns.labels === undefined ? undefined : { ...ns.labels, ...known }, known };
}

/**
 * Evaluates every webhook for a pod, in call order. Selectors are assumed valid (the reader
 * drops invalid ones); an invalid one here never matches. Also usable after injection to ask
 * whether a live webhook would still inject the rendered pod (coexistence checks).
 */
export function matchWebhooks(webhooks: readonly InjectionWebhook[], namespace: NamespaceView, podLabels: Labels): WebhookMatch[] {
  const { labels, known } = effectiveNamespaceLabels(namespace);
  return webhooks.map((webhook) => {
    const ns = compileOrNothing(webhook.namespaceSelector);
    const obj = compileOrNothing(webhook.objectSelector);
    const object = obj.matches(podLabels);
    const nsVerdict: Tri = webhook.deactivated ? false : ns.evaluate(labels, known);
    const verdict: Tri = webhook.deactivated ? false : and3(nsVerdict, object);
    const unknownKeys = nsVerdict === 'unknown' ? ns.keys().filter((k) => !Object.hasOwn(known, k)) : [];
    return { webhook, namespace: nsVerdict, object, verdict, namespaceSelector: ns, objectSelector: obj, unknownKeys };
  });
}

/**
 * The webhooks a live API server would (`verdict: true`) or might (`'unknown'`) call for this pod:
 * for coexistence checks on an already rendered pod (a namespace still labelled for webhook
 * injection would inject it a second time). Empty means no live webhook touches it.
 */
export function callingWebhooks(webhooks: readonly InjectionWebhook[], namespace: NamespaceView, podLabels: Labels): WebhookMatch[] {
  return matchWebhooks(webhooks, namespace, podLabels).filter((m) => m.verdict !== false);
}

function compileOrNothing(selector: LabelSelector): CompiledSelector {
  const compiled = compileSelector(selector);
  if (compiled.ok) return compiled.selector;
  const nothing = compileSelector(null);
  if (!nothing.ok) throw new Error('unreachable: the nothing selector always compiles');
  return nothing.selector;
}
