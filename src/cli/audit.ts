/**
 * `--audit` (or `spec.mode: audit`) at the edge: the snapshot documents in, the report out. The
 * text summary goes to stderr; `--summary json|markdown|prometheus` (alias `--audit-format`)
 * writes the report to stdout, `--format patch` the restart patches (to stdout or -o). The restart time is read from
 * the clock here, since the core reads none. Exit 1 on an error in the snapshot or on a finding
 * at or above `--fail-on` (default error).
 */
import { audit, type FindingSeverity } from '../audit/audit.js';
import type { Config } from '../config/config.js';
import { createResource, emitStream, type ResourceHandle } from '../io/index.js';
import { hasErrors } from '../results/result.js';
import type { Resource } from '../core/run.js';
import { UsageError, type CliArgs } from './args.js';
import { formatAudit, formatAuditText } from './audit-report.js';
import { report, templateEngineFor, writeFiles, type CliIO, type IstioFiles } from './cli.js';
import { writeAtomic } from './files.js';

const RANK: Readonly<Record<FindingSeverity, number>> = { warning: 1, error: 2 };

/** kubectl rollout restart's format (RFC 3339, seconds). */
const nowRfc3339 = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export async function auditMode(docs: readonly ResourceHandle[], args: CliArgs, config: Config, io: CliIO, files: IstioFiles): Promise<number> {
  const format = args.summary ?? args.auditFormat ?? 'text';
  const patches = config.output === 'patch';
  if (patches && format !== 'text' && !args.output) {
    throw new UsageError(`--format patch and --summary ${format} both write to stdout: send the patches to a file with -o`);
  }
  if (!patches && args.output) throw new UsageError('--audit writes a file (-o) only for --format patch');
  const engine = await templateEngineFor(docs, config, files);
  // Each List is let go once a pass is done with it: a large snapshot is not held whole as values.
  const options = { restartedAt: args.restartedAt ?? nowRfc3339(), done: (r: Resource) => (r as ResourceHandle).release() };
  const out = audit(docs, config, options, files.istio, files.revisionIstio, engine);
  // Only errors here: the audit's own report follows (no injection totals line).
  report(out.results, { ...args, quiet: true, summary: undefined }, io, config.mode, false);
  if (hasErrors(out.results)) return 1;
  if (!args.quiet || out.findings.length) io.stderr(formatAuditText(out));
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
