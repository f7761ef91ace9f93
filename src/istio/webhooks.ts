/**
 * Which injection webhooks stand in for the API server's stage of the decision: Istio's own
 * `MutatingWebhookConfiguration`s when the input holds them (platforms customise their selectors,
 * e.g. KubeSphere's `kubesphere.io/workspace Exists`), otherwise the standard ones the chart would
 * install for the configured revision. Reading the objects is the policy module's job
 * (`webhooksFromConfigurations`); this module only chooses and says which was used.
 */
import { webhooksFromConfigurations, type Webhook } from '../policy/index.js';
import type { JsonObject } from '../kube/types.js';
import type { Result } from '../results/result.js';

export interface WebhookChoice {
  webhooks: Webhook[];
  /** `input` when taken from MutatingWebhookConfigurations in the input, else `standard`. */
  source: 'input' | 'standard';
  /** Names of the configurations used (input only). */
  configurations: string[];
}

/** Flattens `kind: List` items, as the input may wrap objects in a List. */
function flatten(objects: readonly JsonObject[]): JsonObject[] {
  const out: JsonObject[] = [];
  const visit = (o: JsonObject) => {
    if (o.kind === 'List' && Array.isArray(o.items)) {
      for (const item of o.items) if (item !== null && typeof item === 'object' && !Array.isArray(item)) visit(item);
    } else out.push(o);
  };
  objects.forEach(visit);
  return out;
}

/**
 * The input's Istio injection webhooks if there are any (their problems are added to `results`),
 * else `standard`.
 */
export function chooseWebhooks(objects: readonly JsonObject[], standard: Webhook[], results: Result[]): WebhookChoice {
  const read = webhooksFromConfigurations(flatten(objects));
  results.push(...read.results);
  if (read.webhooks.length === 0) return { webhooks: standard, source: 'standard', configurations: [] };
  const configurations = [...new Set(read.webhooks.map((w) => w.configuration))];
  results.push({
    severity: 'info',
    message: `injection decisions use the selectors of MutatingWebhookConfiguration ${configurations.join(', ')} from the input`,
  });
  return { webhooks: read.webhooks, source: 'input', configurations };
}
