/**
 * Kubernetes label selectors (`metav1.LabelSelector`), implemented once for every place the
 * injection decision needs them: the namespace and object selectors of admission webhooks, and
 * Istio's `neverInjectSelector` / `alwaysInjectSelector`. A selector is first compiled the way
 * `metav1.LabelSelectorAsSelector` does it (same validation, same errors for the same inputs),
 * then evaluated against a label set, either a known one (two-valued) or a partly unknown one
 * (three-valued, for a namespace that is not in the input). This module knows nothing about
 * Istio; callers decide what an invalid selector means for them (the API server rejects such a
 * webhook configuration, istiod skips such an injector selector with a warning).
 */

/** One `matchExpressions` entry, as written in a manifest. */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: readonly string[] | null;
}

/** `metav1.LabelSelector` as plain data. */
export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>> | null;
  matchExpressions?: readonly LabelSelectorRequirement[] | null;
}

export type Labels = Readonly<Record<string, string>>;

/** Kleene three-valued truth: `'unknown'` when the answer depends on labels nobody told us. */
export type Tri = true | false | 'unknown';

/** A compiled requirement; `op` names follow Kubernetes' `selection.Operator` values. */
export interface Requirement {
  readonly key: string;
  readonly op: '=' | 'in' | 'notin' | 'exists' | '!';
  /** Sorted, de-duplicated (a Kubernetes requirement holds a set). */
  readonly values: readonly string[];
}

/** Where a selector is wrong (path relative to the selector) and why. */
export interface SelectorError {
  readonly field: string;
  readonly message: string;
}

export interface CompiledSelector {
  /** The requirements, sorted by key as Kubernetes sorts them. */
  readonly requirements: readonly Requirement[];
  /** `{}` (or only empty parts): matches everything. istiod skips such injector selectors. */
  readonly empty: boolean;
  /** A `null`/absent selector: matches nothing (`labels.Nothing()`). */
  readonly nothing: boolean;
  /** Two-valued match against a fully known label set. */
  matches(labels: Labels): boolean;
  /**
   * Three-valued match. With `labels` given this equals `matches`. With `labels` undefined the
   * label set is unknown except for the entries of `known`, which are certain (a namespace's
   * `kubernetes.io/metadata.name` is always its name, even when nothing else is known of it).
   */
  evaluate(labels: Labels | undefined, known?: Labels): Tri;
  /** Keys this selector depends on, sorted. */
  keys(): string[];
  /** Kubernetes' string form: `a=b,c in (x,y),!d,e`; `<everything>` / `<nothing>` for the two trivial ones. */
  toString(): string;
}

export type CompileResult = { ok: true; selector: CompiledSelector } | { ok: false; error: SelectorError };

const OPERATORS: Readonly<Record<string, Requirement['op']>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

// Kubernetes apimachinery validation (IsQualifiedName, IsValidLabelValue, IsDNS1123Subdomain).
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key, or undefined when it is. */
export function labelKeyError(key: string): string | undefined {
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = key;
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) return `invalid label key "${key}": prefix part must be non-empty`;
    if (prefix.length > 253) return `invalid label key "${key}": prefix part must be no more than 253 characters`;
    if (!DNS1123_SUBDOMAIN.test(prefix)) {
      return `invalid label key "${key}": prefix part must be a lowercase DNS-1123 subdomain`;
    }
  } else {
    return `invalid label key "${key}": a qualified name has at most one "/" (optional prefix, then name)`;
  }
  if (name.length === 0) return `invalid label key "${key}": name part must be non-empty`;
  if (name.length > 63) return `invalid label key "${key}": name part must be no more than 63 characters`;
  if (!NAME_PART.test(name)) {
    return `invalid label key "${key}": name part must be alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is. */
export function labelValueError(value: string): string | undefined {
  if (value.length > 63) return `invalid label value "${value}": must be no more than 63 characters`;
  if (!LABEL_VALUE.test(value)) {
    return `invalid label value "${value}": must be empty or alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/**
 * Compiles a selector as `metav1.LabelSelectorAsSelector` does: `null`/`undefined` selects
 * nothing, `{}` selects everything, `matchLabels` become equality requirements, and
 * `matchExpressions` accept exactly `In`/`NotIn` (non-empty values) and `Exists`/`DoesNotExist`
 * (no values). Keys and values are validated like Kubernetes label keys and values.
 */
export function compileSelector(selector: LabelSelector | null | undefined): CompileResult {
  if (selector === null || selector === undefined) return NOTHING;
  if (typeof selector !== 'object') return compile(selector);
  // The same selector objects (webhooks, injector config) are asked about for every workload;
  // a compiled selector is immutable and a function of the selector, so each is compiled once
  // (a pure memo; a WeakMap, so it lives only as long as the selector object: at most one run).
  let compiled = compiledSelectors.get(selector);
  if (compiled === undefined) {
    compiled = compile(selector);
    compiledSelectors.set(selector, compiled);
  }
  return compiled;
}

const NOTHING: CompileResult = { ok: true, selector: makeSelector([], true) };
const compiledSelectors = new WeakMap<LabelSelector, CompileResult>();

function compile(selector: LabelSelector): CompileResult {
  const requirements: Requirement[] = [];
  const matchLabels = selector.matchLabels ?? {};
  for (const [key, value] of Object.entries(matchLabels)) {
    const field = `matchLabels.${key}`;
    const keyError = labelKeyError(key);
    if (keyError) return fail(field, keyError);
    if (typeof value !== 'string') return fail(field, `label value must be a string`);
    const valueError = labelValueError(value);
    if (valueError) return fail(field, valueError);
    requirements.push({ key, op: '=', values: [value] });
  }
  const expressions = selector.matchExpressions ?? [];
  for (const [i, expr] of expressions.entries()) {
    const base = `matchExpressions[${i}]`;
    if (typeof expr !== 'object' || expr === null) return fail(base, 'must be an object with key and operator');
    const op = typeof expr.operator === 'string' ? OPERATORS[expr.operator] : undefined;
    if (op === undefined) {
      return fail(`${base}.operator`, `${JSON.stringify(expr.operator ?? '')} is not a valid label selector operator`);
    }
    const key = typeof expr.key === 'string' ? expr.key : '';
    const keyError = labelKeyError(key);
    if (keyError) return fail(`${base}.key`, keyError);
    const values = expr.values ?? [];
    if (op === 'in' || op === 'notin') {
      if (values.length === 0) return fail(`${base}.values`, `for 'in', 'notin' operators, values set can't be empty`);
      for (const [j, v] of values.entries()) {
        if (typeof v !== 'string') return fail(`${base}.values[${j}]`, 'label value must be a string');
        const valueError = labelValueError(v);
        if (valueError) return fail(`${base}.values[${j}]`, valueError);
      }
    } else if (values.length !== 0) {
      return fail(`${base}.values`, 'values set must be empty for exists and does not exist');
    }
    requirements.push({ key, op, values: [...new Set(values)].sort() });
  }
  // Kubernetes sorts requirements by key; a stable sort keeps matchLabels before expressions.
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ok: true, selector: makeSelector(requirements, false) };
}

/**
 * Two-valued convenience: does `selector` match `labels`? An invalid selector matches nothing
 * (use `compileSelector` to learn why); an absent one matches nothing, `{}` matches everything.
 */
export function matchesSelector(selector: LabelSelector | null | undefined, labels: Labels): boolean {
  const compiled = compileSelector(selector);
  return compiled.ok && compiled.selector.matches(labels);
}

/** Three-valued convenience over `compileSelector(...).evaluate`; an invalid selector is `false`. */
export function evaluateSelector(selector: LabelSelector | null | undefined, labels: Labels | undefined, known: Labels = {}): Tri {
  const compiled = compileSelector(selector);
  return compiled.ok ? compiled.selector.evaluate(labels, known) : false;
}

/** Kleene conjunction. */
export function and3(...values: readonly Tri[]): Tri {
  let result: Tri = true;
  for (const v of values) {
    if (v === false) return false;
    if (v === 'unknown') result = 'unknown';
  }
  return result;
}

function fail(field: string, message: string): CompileResult {
  return { ok: false, error: { field, message } };
}

function has(labels: Labels, key: string): boolean {
  return Object.hasOwn(labels, key);
}

/** `labels.Requirement.Matches`. */
function requirementMatches(r: Requirement, labels: Labels): boolean {
  const present = has(labels, r.key);
  switch (r.op) {
    case '=':
    case 'in':
      return present && r.values.includes(labels[r.key] as string);
    case 'notin':
      return !present || !r.values.includes(labels[r.key] as string);
    case 'exists':
      return present;
    case '!':
      return !present;
  }
}

function requirementString(r: Requirement): string {
  switch (r.op) {
    case '=':
      return `${r.key}=${r.values[0] ?? ''}`;
    case 'in':
      return `${r.key} in (${r.values.join(',')})`;
    case 'notin':
      return `${r.key} notin (${r.values.join(',')})`;
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
  }
}

function makeSelector(requirements: readonly Requirement[], nothing: boolean): CompiledSelector {
  // Compiled selectors are shared (see compileSelector): their texts are made once.
  let text: string | undefined;
  return {
    requirements,
    nothing,
    empty: !nothing && requirements.length === 0,
    matches(labels: Labels): boolean {
      if (nothing) return false;
      return requirements.every((r) => requirementMatches(r, labels));
    },
    evaluate(labels: Labels | undefined, known: Labels = {}): Tri {
      if (nothing) return false;
      if (labels !== undefined) return requirements.every((r) => requirementMatches(r, labels));
      return and3(...requirements.map((r): Tri => (has(known, r.key) ? requirementMatches(r, known) : 'unknown')));
    },
    keys(): string[] {
      return [...new Set(requirements.map((r) => r.key))].sort();
    },
    toString(): string {
      if (nothing) return '<nothing>';
      if (requirements.length === 0) return '<everything>';
      return (text ??= requirements.map(requirementString).join(','));
    },
  };
}

/** Requirements that hold because a label is present (In, =, Exists), with the label that satisfies each. */
export function presentLabels(reqs: readonly Requirement[], labels: Labels): [string, string][] {
  const out: [string, string][] = [];
  for (const r of reqs) {
    if ((r.op === 'in' || r.op === '=' || r.op === 'exists') && has(labels, r.key)) {
      out.push([r.key, labels[r.key] as string]);
    }
  }
  return out;
}
