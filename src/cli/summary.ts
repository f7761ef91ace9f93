/**
 * What a run did, for people: totals, one short line per workload, and a Markdown table ready for
 * a pull-request comment. Built from the results (their tags: action, reason, revision, image,
 * previousImage, drift) and the run's list of re-injected workloads, so KRM and stream mode
 * summarize alike.
 *
 * Categories of a workload:
 * - injected: got a sidecar; upgraded: had one and got another proxy image or settings;
 *   unchanged: injected again exactly as it was, or nothing to remove;
 * - skipped: policy says no; removed: a sidecar taken out (policy, or --uninject);
 * - undecided: the decision depends on labels of a namespace the run does not know;
 * - error: the workload could not be processed.
 */
import type { Result } from '../results/result.js';
import { describeRef } from '../core/run.js';
import { formatResult } from './report.js';

export type SummaryFormat = 'text' | 'markdown' | 'json';

export type Category = 'injected' | 'upgraded' | 'unchanged' | 'skipped' | 'removed' | 'undecided' | 'error';
const CATEGORIES: readonly Category[] = ['injected', 'upgraded', 'unchanged', 'skipped', 'removed', 'undecided', 'error'];

export type Mode = 'inject' | 'explain' | 'check' | 'uninject';

export interface WorkloadRow {
  workload: string;
  file?: string;
  category: Category;
  /** Reason code (policy/decide.ts REASONS, or the error code). */
  reason: string;
  revision?: string;
  image?: string;
  previousImage?: string;
  /** `--check`: the drift kind, when the workload is not as the configuration implies. */
  drift?: string;
  /** The deciding rule or the problem, in words. */
  why: string;
}

export interface Summary {
  mode: Mode;
  totals: Record<Category, number>;
  workloads: WorkloadRow[];
  /** Results about no workload (config, environment, input), warnings and errors only. */
  problems: Result[];
}

function categoryOf(r: Result, reinjected: Reinjected): Category {
  const t = r.tags ?? {};
  if (r.severity === 'error' && !t.drift) return 'error';
  if (t.reason === 'namespace-unknown') return 'undecided';
  switch (t.action) {
    case 'injected': {
      const again = reinjected.get(r);
      if (again === undefined) return t.previousImage === undefined ? 'injected' : 'upgraded';
      return again.unchanged ? 'unchanged' : 'upgraded';
    }
    case 'removed':
    case 'uninjected':
      return 'removed';
    case 'unchanged':
      return 'unchanged';
    default:
      return 'skipped';
  }
}

/** A workload result: one per workload (an action tag), or an error about one. */
function isWorkloadResult(r: Result): boolean {
  return r.tags?.action !== undefined || (r.severity === 'error' && r.resourceRef !== undefined);
}

/** The first line of a message, without the action word the line already shows. */
function why(r: Result): string {
  const first = r.message.split('\n', 1)[0] ?? '';
  return r.tags?.rule ?? first.replace(/^(?:injected|skipped|sidecar removed|left as it is[^:]*|drift \([a-z]+\)|up to date[^:]*): /, '');
}

/** Results of workloads injected again (run.ts RunOutput.reinjected). */
export type Reinjected = ReadonlyMap<Result, { unchanged: boolean }>;

export function summarize(results: readonly Result[], mode: Mode, reinjected: Reinjected = new Map()): Summary {
  const totals = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const workloads: WorkloadRow[] = [];
  const problems: Result[] = [];
  for (const r of results) {
    if (!isWorkloadResult(r)) {
      if (r.severity !== 'info') problems.push(r);
      if (r.severity === 'error') totals.error++;
      continue;
    }
    const t = r.tags ?? {};
    const category = categoryOf(r, reinjected);
    totals[category]++;
    workloads.push({
      workload: r.resourceRef ? describeRef(r.resourceRef) : '(unnamed)',
      ...(r.file?.path ? { file: r.file.path } : {}),
      category,
      reason: t.reason ?? t.action ?? '',
      ...(t.revision !== undefined && category !== 'skipped' && category !== 'undecided' ? { revision: t.revision } : {}),
      ...(t.image !== undefined ? { image: t.image } : {}),
      ...(t.previousImage !== undefined ? { previousImage: t.previousImage } : {}),
      ...(t.drift !== undefined ? { drift: t.drift } : {}),
      why: why(r),
    });
  }
  return { mode, totals, workloads, problems };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The totals line that ends a run: `6 workloads: 4 injected, 0 upgraded, 0 unchanged, 2 skipped,
 * 0 removed, 0 errors` (undecided only when there are some). `--explain` says what it would do.
 */
export function totalsLine(s: Summary): string {
  const t = s.totals;
  const n = s.workloads.length;
  if (s.mode === 'explain') {
    const parts = [`${t.injected + t.upgraded + t.unchanged} would be injected`, `${t.skipped} not`, `${t.removed} would lose the sidecar`];
    if (t.undecided) parts.push(`${t.undecided} undecided`);
    parts.push(plural(t.error, 'error'));
    return `explained ${plural(n, 'workload')}: ${parts.join(', ')}`;
  }
  if (s.mode === 'check') {
    const drifted = s.workloads.filter((w) => w.drift !== undefined);
    if (drifted.length === 0) return 'check passed: every workload is as the configuration implies';
    const counts = new Map<string, number>();
    for (const w of drifted) counts.set(w.drift as string, (counts.get(w.drift as string) ?? 0) + 1);
    const kinds = [...counts].map(([k, c]) => `${k}: ${c}`).join(', ');
    return `check failed: ${plural(drifted.length, 'workload')} not as the configuration implies (${kinds})`;
  }
  if (s.mode === 'uninject') {
    return `${plural(n, 'workload')}: ${plural(t.removed, 'sidecar')} removed, ${t.unchanged} without one, ${plural(t.error, 'error')}`;
  }
  const parts = [`${t.injected} injected`, `${t.upgraded} upgraded`, `${t.unchanged} unchanged`, `${t.skipped} skipped`, `${t.removed} removed`];
  if (t.undecided) parts.push(`${t.undecided} undecided`);
  parts.push(plural(t.error, 'error'));
  return `${plural(n, 'workload')}: ${parts.join(', ')}`;
}

/** `upgraded`, or in --check the drift kind. */
function label(w: WorkloadRow, mode: Mode): string {
  if (mode === 'check') return w.drift ? `drift:${w.drift}` : w.category === 'error' ? 'error' : 'ok';
  return w.category;
}

function imageText(w: WorkloadRow): string {
  if (w.previousImage !== undefined && w.image !== undefined && w.previousImage !== w.image) return `${w.previousImage} -> ${w.image}`;
  return w.image ?? (w.category === 'removed' ? (w.previousImage ?? '') : '');
}

/** One short line per workload, aligned; the totals line last. */
export function formatText(s: Summary): string {
  const rows = s.workloads.map((w) => [label(w, s.mode), w.workload, w.reason, w.revision ? `rev ${w.revision}` : '', imageText(w)]);
  const widths = [0, 1, 2, 3].map((i) => Math.min(48, Math.max(0, ...rows.map((r) => (r[i] ?? '').length))));
  const lines = s.problems.map((p) => formatResult(p));
  for (const r of rows)
    lines.push(
      r
        .map((c, i) => (i < 4 ? c.padEnd(widths[i] ?? 0) : c))
        .join('  ')
        .trimEnd(),
    );
  lines.push(totalsLine(s));
  return `${lines.join('\n')}\n`;
}

/** Text from the repository in a Markdown table cell: no table breaks, no HTML, no line breaks. */
function cell(text: string, max = 160): string {
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return short.replace(/\r?\n/g, ' ').replace(/[\\|`*_<>[\]]/g, (c) => `\\${c}`);
}

/** An image name as inline code in a table cell: no backtick, pipe or line break can escape it. */
const code = (text: string) => (text ? `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\s+/g, ' ')}\`` : '');

/** A heading with the totals, a table per workload, then problems: ready for a pull-request comment. */
export function formatMarkdown(s: Summary): string {
  const out = [`### inject-sidecar: ${totalsLine(s)}`, ''];
  if (s.workloads.length) {
    out.push('| Workload | Action | Reason | Revision | Proxy image | Why |', '|---|---|---|---|---|---|');
    for (const w of s.workloads) {
      const image =
        w.previousImage !== undefined && w.image !== undefined && w.previousImage !== w.image
          ? `${code(w.previousImage)} → ${code(w.image)}`
          : code(imageText(w));
      out.push(`| ${cell(w.workload)} | ${cell(label(w, s.mode))} | ${cell(w.reason)} | ${cell(w.revision ?? '')} | ${image} | ${cell(w.why)} |`);
    }
    out.push('');
  }
  if (s.problems.length) {
    out.push('**Problems**', '');
    for (const p of s.problems) out.push(`- ${cell(formatResult(p), 400)}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}

export function formatJson(s: Summary): string {
  const problems = s.problems.map((p) => ({ severity: p.severity, message: formatResult(p) }));
  return `${JSON.stringify({ mode: s.mode, totals: s.totals, workloads: s.workloads, problems }, null, 2)}\n`;
}

export function formatSummary(s: Summary, format: SummaryFormat): string {
  return format === 'markdown' ? formatMarkdown(s) : format === 'json' ? formatJson(s) : formatText(s);
}
