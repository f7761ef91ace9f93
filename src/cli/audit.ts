/**
 * `--audit` (or `spec.mode: audit`) at the edge: the snapshot in, the report out. The snapshot is
 * read file by file and each List item by item (io's `readStreamDocuments`); the audit keeps what
 * later pods need, so no file's text is held past its reading. The text summary goes to stderr
 * (with `-q`, only errors do); `--summary json|markdown|prometheus` (alias `--audit-format`)
 * writes the report to stdout, `--format patch` the restart patches (to stdout or -o). The
 * restart time is read from the clock here, since the core reads none. Exit 1 on an error in the
 * snapshot or on a finding at or above `--fail-on` (default error).
 */
import { SnapshotAudit, type FindingSeverity } from '../audit/audit.js';
import type { Config } from '../config/config.js';
import { createResource, emitStream, readStreamDocuments } from '../io/index.js';
import { hasErrors } from '../results/result.js';
import { UsageError, type CliArgs } from './args.js';
import { formatAudit, formatAuditText } from './audit-report.js';
import { report, templateEngineFor, writeFiles, type CliIO, type IstioFiles } from './cli.js';
import { displayPath } from './fsguard.js';
import { readText, writeAtomic } from './files.js';

const RANK: Readonly<Record<FindingSeverity, number>> = { warning: 1, error: 2 };

/** kubectl rollout restart's format (RFC 3339, seconds). */
const nowRfc3339 = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export async function auditMode(
  files: readonly { path: string }[],
  args: CliArgs,
  config: Config,
  io: CliIO,
  readIstioFiles: () => IstioFiles,
): Promise<number> {
  const snapshot = new SnapshotAudit(config);
  let objects = 0;
  for (const { path } of files) {
    const name = path === '-' ? '<stdin>' : displayPath(path);
    // The text is let go once its documents are read: the audit keeps copies of what it needs.
    for (const doc of readStreamDocuments(path === '-' ? await io.readStdin() : readText(path), name)) {
      objects++;
      snapshot.add({ value: doc.value, ...(doc.items ? { items: doc.items } : {}), file: { path: name, index: doc.index } });
    }
  }
  const istioFiles = readIstioFiles();
  if (objects === 0 && !args.quiet) io.stderr('warning: no objects in input\n');
  const format = args.summary ?? args.auditFormat ?? 'text';
  const patches = config.output === 'patch';
  if (patches && format !== 'text' && !args.output) {
    throw new UsageError(`--format patch and --summary ${format} both write to stdout: send the patches to a file with -o`);
  }
  if (!patches && args.output) throw new UsageError('--audit writes a file (-o) only for --format patch');
  const environment = snapshot.environmentObjects().map((value) => ({ value }));
  const engine = await templateEngineFor(environment, config, istioFiles);
  const out = snapshot.finish({ restartedAt: args.restartedAt ?? nowRfc3339() }, istioFiles.istio, istioFiles.revisionIstio, engine);
  // Only errors here: the audit's own report follows (no injection totals line).
  report(out.results, { ...args, quiet: true, summary: undefined }, io, config.mode, false);
  if (hasErrors(out.results)) return 1;
  if (!args.quiet) io.stderr(formatAuditText(out));
  if (format !== 'text') io.stdout(formatAudit(out, format));
  if (patches) {
    const text = emitStream(out.restarts.map((r) => createResource(r.patch)));
    if (args.output) await writeFiles(io, () => writeAtomic(args.output!, text));
    else io.stdout(text);
  }
  const failOn = args.failOn ?? 'error';
  const failing = failOn !== 'none' && out.findings.some((f) => RANK[f.severity] >= RANK[failOn]);
  return failing ? 1 : 0;
}
