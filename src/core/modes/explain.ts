/**
 * `--explain`: one result per workload that tells the whole story of its decision: every stage A
 * webhook and stage B rule consulted, with its input and verdict, the deciding step marked, then
 * what the run would do (inject with which revision, job policy, webhook coexistence, or remove a
 * sidecar). The text goes into the result's message (readable on stderr and in kpt's output);
 * the deciding step is also in structured tags. Nothing is changed: the caller writes no pods.
 */
import { decidingStep, formatTrail, revisionName } from '../../policy/index.js';
import type { Result } from '../../results/result.js';
import type { WorkloadOutcome } from '../workload.js';

const OUTCOME: Readonly<Record<WorkloadOutcome['action'], string>> = {
  injected: 'would inject',
  skipped: 'would not inject',
  removed: 'would remove the sidecar',
  unchanged: 'would leave it unchanged',
};

/** The multi-line explanation of one workload's outcome. */
export function explainText(outcome: WorkloadOutcome): string {
  // The summary starts with the action word (`injected: ...`); the explanation says it its own way.
  const detail = outcome.summary.slice(outcome.summary.indexOf(': ') + 2);
  const lines = [`${OUTCOME[outcome.action]}: ${detail}`, ''];
  lines.push(formatTrail(outcome.decision).trimEnd());
  if (outcome.action === 'injected') lines.push('', `Rendering: revision ${revisionName(outcome.revision)}`);
  return lines.join('\n');
}

/** Structured tags: the action and reason, and the deciding step of the trail. */
export function explainTags(outcome: WorkloadOutcome): Record<string, string> {
  const step = decidingStep(outcome.decision);
  const tags: Record<string, string> = {
    action: outcome.action,
    reason: outcome.reason,
    rule: outcome.rule,
    revision: revisionName(outcome.revision),
    ...outcome.tags,
  };
  if (step) {
    tags.decidingStage = step.stage;
    tags.decidingRule = step.rule;
    if (step.webhook !== undefined) tags.decidingWebhook = step.webhook;
    if (step.configuration !== undefined) tags.decidingConfiguration = step.configuration;
  }
  return tags;
}

export function explainResult(outcome: WorkloadOutcome, base: Pick<Result, 'resourceRef' | 'file'>): Result {
  return { ...base, message: explainText(outcome), severity: outcome.severity === 'error' ? 'error' : outcome.severity, tags: explainTags(outcome) };
}
