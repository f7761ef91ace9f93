/**
 * The words of the injection decision: turns the facts `decide.ts` establishes into the trail
 * steps, the one-line rule of the `Decision`, and the `--explain` text. No rule is decided here;
 * every function reads facts and returns text, so a rule can change without touching a message
 * and a message without touching a rule.
 */
import { Label, IGNORED_NAMESPACES } from '../kube/keys.js';
import type { Decision, DecisionInput, InjectValue, Outcome, SelectorCheck, StageA, StageAStop, StageB, StageBFact, Step, Verdict } from './facts.js';
import { presentLabels, type Labels } from './selector.js';
import { revisionName, type InjectionWebhook, type WebhookMatch } from './webhooks.js';

/** The `Decision` for an outcome: stage A's steps (when it ran), then stage B's (when it ran). */
export function toDecision(input: DecisionInput, a: StageA | undefined, b: StageB | undefined, o: Outcome): Decision {
  const steps = [...(a ? stageASteps(input, a) : []), ...(b ? b.facts.map(stageBStep) : [])];
  const deciding =
    o.deciding.stage === 'B'
      ? steps.length - (b?.facts.length ?? 0) + (b?.deciding ?? 0)
      : o.deciding.match !== undefined
        ? (a?.matches.indexOf(o.deciding.match) ?? 0)
        : (a?.matches.length ?? 0);
  return {
    inject: o.inject,
    ...(o.revision !== undefined ? { revision: o.revision } : {}),
    ...(o.revisions !== undefined ? { revisions: o.revisions } : {}),
    reason: o.reason,
    rule: ruleText(input, a, b, o),
    severity: o.severity,
    trail: steps.map((s, i) => ({ ...s, deciding: i === deciding })),
  };
}

function ruleText(input: DecisionInput, a: StageA | undefined, b: StageB | undefined, o: Outcome): string {
  const g = o.grounds;
  switch (g.by) {
    case 'stage-a':
      return stopRule(input, a as StageA, g.stop);
    case 'stage-b': {
      const rule = stageBRule(b as StageB);
      return g.calledBy ? `${rule} (called by ${webhookRef(g.calledBy)})` : rule;
    }
    case 'namespace-unknown':
      return undeterminedRule(input, a as StageA);
    case 'multiple-webhooks': {
      const called = (a as StageA).called;
      return `${called.length} webhooks would inject: ${called.map((m) => webhookRef(m.webhook)).join(', ')}`;
    }
    case 'webhook': {
      const invalid = b?.invalidValue;
      return `${describeMatch(g.via, input)} (${webhookRef(g.via.webhook)})${invalid ? `; ${invalidValueText(invalid)}` : ''}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Stage A

function stageASteps(input: DecisionInput, a: StageA): Step[] {
  const podLabels = input.podLabels ?? {};
  const stepInput = `namespace labels ${namespaceText(input)}; pod labels ${labelsText(podLabels)}`;
  const refs = (ms: readonly WebhookMatch[]): string => ms.map((m) => webhookRef(m.webhook)).join(', ');
  const runText = `this run renders revision ${revisionName(a.run)}${a.tags.length > 0 ? ` (tags ${a.tags.join(', ')})` : ''}`;
  const calledText = a.called.length === 0 ? 'no webhook is called' : `called: ${refs(a.called)}`;
  const possibleText = a.possible.length > 0 ? `; may be called: ${refs(a.possible)}` : '';
  const [verdict, detail] = summaryVerdict(a);
  const summary: Step = {
    stage: 'A',
    rule: 'revision',
    subject: 'revision called',
    input: `${calledText}${possibleText}; ${runText}`,
    verdict,
    detail,
    deciding: false,
  };
  return [...a.matches.map((m) => webhookStep(m, stepInput)), summary];
}

function summaryVerdict(a: StageA): [Verdict, string] {
  const o = a.outcome;
  if (o.kind === 'called') return ['matched', `istiod revision ${revisionName(a.run)} is called`];
  if (o.kind === 'undetermined') return ['unknown', `depends on namespace labels ${o.keys.join(', ')}`];
  if (o.stop.reason === 'other-revision') {
    const revisions = new Set([...a.called, ...a.possible].map((m) => revisionName(m.webhook.revision)));
    return ['not matched', `only other revisions are called (${[...revisions].join(', ')})`];
  }
  return ['not matched', 'no webhook is called'];
}

function webhookStep(m: WebhookMatch, input: string): Step {
  const w = m.webhook;
  const verdict: Verdict = w.deactivated ? 'skipped' : m.verdict === 'unknown' ? 'unknown' : m.verdict ? 'matched' : 'not matched';
  const ns = m.namespace === 'unknown' ? `unknown (needs ${m.unknownKeys.join(', ')})` : String(m.namespace);
  return {
    stage: 'A',
    rule: 'webhook',
    webhook: w.name,
    configuration: w.configuration,
    subject: `webhook ${w.name} (${w.configuration}, revision ${revisionName(w.revision)}${w.tag !== undefined ? `, tag ${w.tag}` : ''})`,
    input,
    verdict,
    detail: w.deactivated
      ? 'deactivated: its selectors never match'
      : `namespaceSelector ${m.namespaceSelector.toString()} → ${ns}; objectSelector ${m.objectSelector.toString()} → ${String(m.object)}`,
    deciding: false,
  };
}

function stopRule(input: DecisionInput, a: StageA, stop: StageAStop): string {
  switch (stop.reason) {
    case 'other-revision': {
      const called = a.called.length > 0;
      const w = stop.first.webhook;
      return (
        `${called ? describeMatch(stop.first, input) : 'the namespace labels'} select${called ? 's' : ''} ` +
        `revision ${revisionName(w.revision)} (${webhookRef(w)}${called ? '' : ', if its namespace labels allow'}), not revision ${revisionName(a.run)}`
      );
    }
    case 'no-webhooks':
      return input.webhooks.length === 0 ? 'no injection webhook is installed' : 'every injection webhook is deactivated (never-match selectors)';
    case 'pod-label':
      return `pod label ${Label.sidecarInject}=false${stop.blocked ? ` (excluded by ${webhookRef(stop.blocked.webhook)})` : ''}`;
    case 'namespace-disabled':
      return `namespace label ${Label.istioInjection}=${stop.value}: no webhook selects the namespace`;
    case 'revision-not-installed':
      return `${stop.where} label ${Label.istioRev}=${stop.value} names no installed revision or tag`;
    case 'inject-value-invalid':
      return `pod label ${Label.sidecarInject}=${JSON.stringify(stop.value)} is not "true", so no webhook selects the pod`;
    case 'no-webhook-matched':
      return `no webhook selects ${input.namespace === '' ? 'the namespace' : `namespace ${input.namespace}`} (${namespaceText(input)}) with pod labels ${labelsText(input.podLabels ?? {})}`;
  }
}

function undeterminedRule(input: DecisionInput, a: StageA): string {
  const keys = a.outcome.kind === 'undetermined' ? a.outcome.keys.join(', ') : '';
  const calledText = `${a.runPossible.map((m) => webhookRef(m.webhook)).join(', ')} ${a.runPossible.length > 1 ? 'are' : 'is'} called`;
  return input.namespace === ''
    ? `no namespace: give -n/--namespace or spec.defaultNamespace (the object has no metadata.namespace, and the namespace labels ${keys} decide whether ${calledText})`
    : `namespace ${input.namespace} is not in the input, and its labels ${keys} decide whether ${calledText}; ` +
        `add the Namespace object to the input, or give its labels under namespaces: in the function config`;
}

function namespaceText(input: DecisionInput): string {
  if (input.namespace === '') return 'unknown (no namespace given)';
  if (input.namespaceLabels === undefined) return `unknown (only ${Label.metadataName}=${input.namespace})`;
  return labelsText({ ...input.namespaceLabels, [Label.metadataName]: input.namespace });
}

/** The labels that made a webhook match, e.g. `namespace label istio-injection=enabled`. */
function describeMatch(m: WebhookMatch, input: DecisionInput): string {
  const ns = presentLabels(m.namespaceSelector.requirements, input.namespaceLabels ?? {}).map(([k, v]) => `namespace label ${k}=${v}`);
  const pod = presentLabels(m.objectSelector.requirements, input.podLabels ?? {}).map(([k, v]) => `pod label ${k}=${v}`);
  const parts = [...ns, ...pod];
  return parts.length > 0 ? parts.join(' and ') : 'injection enabled for unlabelled namespaces and pods';
}

function webhookRef(w: InjectionWebhook): string {
  return w.configuration === 'istio-sidecar-injector' ? `webhook ${w.name}` : `webhook ${w.name} of ${w.configuration}`;
}

// ---------------------------------------------------------------------------------------------
// Stage B

function stageBStep(f: StageBFact): Step {
  const step = (subject: string, input: string, verdict: Verdict, detail: string): Step => ({
    stage: 'B',
    rule: f.rule,
    subject,
    input,
    verdict,
    detail,
    deciding: false,
  });
  const mark = (matched: boolean): Verdict => (matched ? 'matched' : 'not matched');
  switch (f.rule) {
    case 'host-network':
      return step(
        'host network',
        `hostNetwork: ${String(f.hostNetwork)}`,
        mark(f.hostNetwork),
        f.hostNetwork ? 'host networking: never injected' : 'pod network',
      );
    case 'ignored-namespace':
      return step(
        'ignored namespace',
        f.podTemplate
          ? `pod template metadata.namespace ${JSON.stringify(f.namespace)}`
          : f.namespace === ''
            ? 'no namespace given'
            : `namespace ${f.namespace}`,
        mark(f.ignored),
        f.ignored ? `${f.namespace} is never injected` : `not one of ${IGNORED_NAMESPACES.join(', ')}`,
      );
    case 'inject-value': {
      const shadowed = f.shadowed !== undefined ? `; annotation ${JSON.stringify(f.shadowed)} ignored (the label wins)` : '';
      return step(
        Label.sidecarInject,
        f.source === undefined ? 'no label or annotation' : `pod ${f.source} ${Label.sidecarInject}=${JSON.stringify(f.value)}${shadowed}`,
        mark(f.explicit !== undefined),
        f.explicit !== undefined
          ? `explicit ${f.explicit ? 'inject' : 'skip'}${f.legacy ? ' (pre-1.27 semantics)' : ''}`
          : f.invalid
            ? 'invalid value: default used'
            : 'unset: default used',
      );
    }
    case 'never-selector':
    case 'always-selector':
      return selectorStep(f, step);
    case 'policy':
      return step(
        'injection policy',
        f.forced ? `policy enabled (forced by kube-inject; configured ${JSON.stringify(f.configured)} not used)` : `policy ${JSON.stringify(f.policy)}`,
        'matched',
        f.policy !== 'enabled' && f.policy !== 'disabled'
          ? 'invalid policy: injection disabled altogether'
          : f.usedDefault
            ? `default: ${f.policy === 'enabled' ? 'inject' : 'skip'}`
            : 'follows the explicit decision',
      );
  }
}

const SKIPPED: Readonly<Record<NonNullable<SelectorCheck['skipped']>, string>> = {
  'kube-inject': 'kube-inject does not consult it',
  explicit: 'explicit value given',
  decided: 'already decided by neverInjectSelector',
};

function selectorStep(f: SelectorCheck, step: (subject: string, input: string, verdict: Verdict, detail: string) => Step): Step {
  const name = selectorName(f);
  if (f.skipped !== undefined) return step(name, `${f.count} selector(s)`, 'skipped', SKIPPED[f.skipped]);
  const passed = f.passed.map((p) => (p.error ? `[${p.index}] invalid (${p.error.field}: ${p.error.message}), skipped` : `[${p.index}] empty, skipped`));
  return step(
    name,
    `pod labels ${labelsText(f.labels)} against ${f.count} selector(s)`,
    f.hit ? 'matched' : 'not matched',
    [f.hit ? `[${f.hit.index}] ${f.hit.text} matches` : 'none matches', ...passed].join('; '),
  );
}

function selectorName(f: SelectorCheck): string {
  return f.rule === 'never-selector' ? 'neverInjectSelector' : 'alwaysInjectSelector';
}

/** The one-line rule of a stage B decision, from its deciding check. */
function stageBRule(b: StageB): string {
  const f = b.facts[b.deciding] as StageBFact;
  switch (f.rule) {
    case 'host-network':
      return 'the pod uses hostNetwork';
    case 'ignored-namespace':
      return `namespace ${f.namespace} is never injected`;
    case 'inject-value':
      return `pod ${f.source ?? 'label'} ${Label.sidecarInject}=${f.value}`;
    case 'never-selector':
    case 'always-selector':
      return `${selectorName(f)}[${f.hit?.index}] ${f.hit?.text} matches the pod labels`;
    case 'policy': {
      if (f.policy !== 'enabled' && f.policy !== 'disabled') return `injection policy ${JSON.stringify(f.policy)} is neither "enabled" nor "disabled"`;
      const invalid = b.invalidValue ? `; ${invalidValueText(b.invalidValue)}` : '';
      return `${f.forced ? 'kube-inject injects by default' : `injection policy ${f.policy}`}${invalid}`;
    }
  }
}

function invalidValueText(v: InjectValue): string {
  return `pod ${v.source} ${Label.sidecarInject}=${JSON.stringify(v.value)} is neither "true" nor "false": ignored, default used`;
}

// ---------------------------------------------------------------------------------------------
// Text

function labelsText(labels: Labels): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '{}' : `{${entries.map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

const MARK: Readonly<Record<Verdict, string>> = {
  matched: '✔',
  'not matched': '✘',
  skipped: '-',
  unknown: '?',
};

/**
 * The decision trail as readable text for `--explain`: the outcome and deciding rule, then every
 * step of stage A (admission webhooks) and stage B (istiod's injectRequired) with its input and
 * verdict; the deciding step is marked `=>`.
 */
export function formatTrail(decision: Decision): string {
  const lines: string[] = [];
  const outcome = decision.inject ? `inject (revision ${revisionName(decision.revision ?? '')})` : 'no injection';
  lines.push(`${outcome}: ${decision.reason} [${decision.severity}]`);
  lines.push(`  ${decision.rule}`);
  for (const stage of ['A', 'B'] as const) {
    const steps = decision.trail.filter((s) => s.stage === stage);
    if (steps.length === 0) continue;
    lines.push('');
    lines.push(stage === 'A' ? 'Stage A: admission webhooks (API server selectors)' : 'Stage B: istiod injectRequired');
    for (const s of steps) {
      lines.push(`${s.deciding ? '=>' : '  '} ${MARK[s.verdict]} ${s.verdict.padEnd(11)} ${s.subject}`);
      lines.push(`       input:  ${s.input}`);
      lines.push(`       detail: ${s.detail}`);
    }
  }
  return lines.join('\n') + '\n';
}
