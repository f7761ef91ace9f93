/**
 * The audit's report formats: the text summary (stderr), JSON, Markdown and the Prometheus text
 * format (stdout). Formatting only; the findings come from src/audit.
 */
import { FINDING_KINDS, type AuditReport, type Finding } from '../audit/audit.js';
import { describeRef } from '../core/run.js';

export const AUDIT_FORMATS = ['text', 'json', 'markdown', 'prometheus'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** Finding counts by kind and namespace, in kind order, then namespace order. */
export function countFindings(findings: readonly Finding[]): { kind: string; namespace: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(`${f.kind}\u0000${f.namespace}`, (counts.get(`${f.kind}\u0000${f.namespace}`) ?? 0) + 1);
  return [...counts]
    .map(([key, count]) => {
      const [kind, namespace] = key.split('\u0000') as [string, string];
      return { kind, namespace, count };
    })
    .sort(
      (a, b) =>
        FINDING_KINDS.indexOf(a.kind as Finding['kind']) - FINDING_KINDS.indexOf(b.kind as Finding['kind']) ||
        (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0),
    );
}

function ownersText(f: Finding): string {
  return f.owners.length ? ` (owner: ${f.owners.map((o) => `${o.kind}/${o.name}`).join(' <- ')})` : ' (no owner)';
}

export function findingLine(f: Finding): string {
  return `${f.severity}: ${f.kind}: ${describeRef(f.subject)}${f.subject.kind === 'Pod' ? ownersText(f) : ''}: ${f.message} [rule ${f.rule}]`;
}

export function formatAuditText(report: AuditReport): string {
  const lines = report.findings.map(findingLine);
  const counts = countFindings(report.findings);
  lines.push(
    report.findings.length === 0
      ? `audit: ${report.pods} pod${report.pods === 1 ? '' : 's'}, no findings`
      : `audit: ${report.pods} pod${report.pods === 1 ? '' : 's'}, ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}: ${counts.map((c) => `${c.kind} ${c.namespace}: ${c.count}`).join(', ')}`,
  );
  if (report.restarts.length) {
    lines.push('restart to correct (or apply the patches of --format patch through Git):');
    for (const r of report.restarts) lines.push(`  ${r.command}`);
  }
  return lines.join('\n') + '\n';
}

export function formatAuditJson(report: AuditReport): string {
  return (
    JSON.stringify(
      {
        pods: report.pods,
        counts: countFindings(report.findings),
        findings: report.findings,
        restarts: report.restarts.map((r) => ({ owner: r.owner, kinds: r.kinds, command: r.command })),
      },
      null,
      2,
    ) + '\n'
  );
}

const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function formatAuditMarkdown(report: AuditReport): string {
  const out = [`## Sidecar audit: ${report.pods} pods, ${report.findings.length} findings`, ''];
  if (report.findings.length) {
    out.push('| Finding | Namespace | Count |', '| --- | --- | ---: |');
    for (const c of countFindings(report.findings)) out.push(`| ${c.kind} | ${mdCell(c.namespace)} | ${c.count} |`);
    out.push('', '| Severity | Finding | Object | Owner | Rule | Detail |', '| --- | --- | --- | --- | --- | --- |');
    for (const f of report.findings) {
      const owner = f.owners.map((o) => `${o.kind}/${o.name}`).join(' ← ') || '-';
      out.push(`| ${f.severity} | ${f.kind} | ${mdCell(describeRef(f.subject))} | ${mdCell(owner)} | ${f.rule} | ${mdCell(f.message)} |`);
    }
  }
  if (report.restarts.length) out.push('', '```sh', ...report.restarts.map((r) => r.command), '```');
  return out.join('\n') + '\n';
}

const promLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function formatAuditPrometheus(report: AuditReport): string {
  const out = [
    '# HELP inject_sidecar_audit_findings Pods (or namespaces) not as the sidecar injection policy says, by finding kind and namespace.',
    '# TYPE inject_sidecar_audit_findings gauge',
  ];
  for (const c of countFindings(report.findings)) out.push(`inject_sidecar_audit_findings{kind="${c.kind}",namespace="${promLabel(c.namespace)}"} ${c.count}`);
  out.push(
    '# HELP inject_sidecar_audit_pods Pods in the audited snapshot.',
    '# TYPE inject_sidecar_audit_pods gauge',
    `inject_sidecar_audit_pods ${report.pods}`,
  );
  return out.join('\n') + '\n';
}

export function formatAudit(report: AuditReport, format: Exclude<AuditFormat, 'text'>): string {
  return format === 'json' ? formatAuditJson(report) : format === 'markdown' ? formatAuditMarkdown(report) : formatAuditPrometheus(report);
}
