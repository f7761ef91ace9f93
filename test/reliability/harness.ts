/**
 * The reliability harness shared by the property tests, the fuzz tests and `npm run fuzz`: runs
 * the in-process `cli()` on strings and checks the contract every run must keep, whatever the
 * input: it returns (never throws), exits 0/1/2, prints no JS stack trace or engine error text,
 * and either writes valid output with exit 0 or a clear error with a non-zero exit and no partial
 * stream (stream mode: nothing on stdout; KRM mode: a complete ResourceList with an error result,
 * or nothing when the input could not be read). It does not generate inputs (see gen.ts, mutate.ts).
 */
import { parseAllDocuments } from 'yaml';
import { cli, looksLikeResourceList } from '../../src/cli/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** A raw exception that escaped `cli()` (always a bug). */
  threw?: unknown;
  /** `process.emitWarning` calls during the run (a real process prints them on stderr). */
  warnings: string[];
  ms: number;
}

export async function runCli(argv: string[], stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const warnings: string[] = [];
  const emitWarning = process.emitWarning;
  process.emitWarning = ((w: string | Error) => void warnings.push(typeof w === 'string' ? w : `${w.name}: ${w.message}`)) as typeof process.emitWarning;
  const t0 = performance.now();
  try {
    const code = await cli(argv, {
      readStdin: () => Promise.resolve(stdin),
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      stdinIsTTY: false,
    });
    return { code, stdout, stderr, warnings, ms: performance.now() - t0 };
  } catch (e) {
    return { code: -1, stdout, stderr, threw: e, warnings, ms: performance.now() - t0 };
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** Text that only a crash produces: a stack frame, engine error names and messages. */
const CRASH_TEXT = [
  /\n\s{4}at \S/,
  /^\s{4}at \S/m,
  /\bTypeError\b/,
  /\bReferenceError\b/,
  /\bRangeError\b/,
  /\bSyntaxError\b/,
  /undefined is not/,
  /Cannot read propert/,
  /Cannot set propert/,
  /is not a function/,
  /is not iterable/,
  /Maximum call stack/,
  /\[object Object\]/,
  /internal error/,
];

export function crashText(text: string): string | undefined {
  for (const re of CRASH_TEXT) {
    const m = re.exec(text);
    if (m) return m[0].trim();
  }
  return undefined;
}

/** Parses YAML as a consumer (kubectl, kpt) would; returns the problem or the documents. */
export function parseOutput(text: string): { error: string } | { docs: unknown[] } {
  const docs = parseAllDocuments(text, { uniqueKeys: true, logLevel: 'error' });
  if (!Array.isArray(docs)) return { docs: [] };
  const values: unknown[] = [];
  for (const d of docs) {
    if (d.errors.length) return { error: d.errors[0]!.message };
    values.push(d.toJS({ maxAliasCount: -1 }));
  }
  return { docs: values };
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `stream`: `-f ...` or plain text on stdin; `krm`: a ResourceList on stdin. */
export type Mode = 'stream' | 'krm';

/** The mode `cli()` picks for this stdin without `-f`. */
export function modeOf(argv: readonly string[], stdin: string): Mode {
  if (argv.includes('-f') || argv.includes('--filename')) return 'stream';
  return looksLikeResourceList(stdin) ? 'krm' : 'stream';
}

/**
 * Checks one run against the contract. Returns `undefined` when it holds, else what broke.
 * `writesStdout` is false for runs with `-o`/`--in-place` (their stream goes to files).
 */
export function checkRun(run: CliRun, mode: Mode, writesStdout = true): string | undefined {
  if (run.threw !== undefined) {
    const e = run.threw as Error;
    return `cli() threw: ${e?.stack ?? String(e)}`;
  }
  if (![0, 1, 2].includes(run.code)) return `exit code ${run.code}`;
  if (run.warnings.length) return `a process warning (printed on stderr by node): ${run.warnings[0]}`;
  for (const [name, text] of [
    ['stderr', run.stderr],
    ['stdout', run.stdout],
  ] as const) {
    const crash = crashText(text);
    if (crash) return `${name} contains crash text ${JSON.stringify(crash)}:\n${text.slice(0, 2000)}`;
  }
  if (run.code !== 0 && !run.stderr.trim() && !(mode === 'krm' && run.stdout)) return `exit ${run.code} with nothing on stderr`;
  if (run.code === 2 && run.stdout) return 'usage error with output on stdout';

  if (mode === 'stream') {
    if (run.code !== 0) return run.stdout === '' ? undefined : `exit ${run.code} but ${run.stdout.length} bytes on stdout (partial stream)`;
    if (!writesStdout) return undefined;
    const parsed = parseOutput(run.stdout);
    if ('error' in parsed) return `exit 0 but the output does not parse: ${parsed.error}`;
    return undefined;
  }

  // KRM mode
  if (run.code === 1 && run.stdout === '') return run.stderr.trim() ? undefined : 'exit 1, no output and no message';
  if (run.code === 2) return undefined;
  const parsed = parseOutput(run.stdout);
  if ('error' in parsed) return `exit ${run.code} and the ResourceList output does not parse: ${parsed.error}`;
  if (parsed.docs.length !== 1) return `KRM output has ${parsed.docs.length} documents`;
  const list = parsed.docs[0];
  // `items:` with nothing under it is read (and written back) as an empty list
  if (!isMap(list) || list.kind !== 'ResourceList' || !(Array.isArray(list.items) || list.items === null)) return 'KRM output is not a ResourceList with items';
  const results = Array.isArray(list.results) ? (list.results as unknown[]) : [];
  const errors = results.filter((r) => isMap(r) && r.severity === 'error');
  if (run.code === 1 && errors.length === 0) return 'exit 1 but no error result in the ResourceList';
  if (run.code === 0 && errors.length > 0) return 'exit 0 with error results';
  for (const r of results) {
    if (!isMap(r) || typeof r.message !== 'string' || !r.message) return `a result without a message: ${JSON.stringify(r)}`;
    const crash = crashText(r.message);
    if (crash) return `a result message contains crash text ${JSON.stringify(crash)}: ${r.message}`;
  }
  return undefined;
}

/** Splits a stream written as documents joined by `---` lines into the documents' texts. */
export function splitStream(text: string): string[] {
  return text.split(/^---[ \t]*\r?\n/m);
}
