/** integrations/audit: the CronJob's snapshot command, its read-only RBAC and its CLI flags agree. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseCliArgs } from '../../src/cli/args.js';

const dir = new URL('../../integrations/audit/', import.meta.url).pathname;
const docs = (f: string) => parseAllDocuments(readFileSync(dir + f, 'utf8')).map((d) => d.toJS());

describe('integrations/audit', () => {
  const cron = docs('cronjob.yaml').find((d) => d.kind === 'CronJob');
  const role = docs('rbac.yaml').find((d) => d.kind === 'ClusterRole');
  const pod = cron.spec.jobTemplate.spec.template.spec;

  it('the RBAC is read-only and covers exactly the kinds the snapshot reads', () => {
    const verbs = new Set(role.rules.flatMap((r: { verbs: string[] }) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list']);
    const resources = role.rules.flatMap((r: { resources: string[] }) => r.resources).sort();
    const command: string = pod.initContainers[0].command.join(' ');
    const kinds = /kubectl get ([a-z,]+) -A -o yaml/.exec(command)![1]!.split(',').sort();
    expect(resources).toEqual(kinds);
    expect(pod.serviceAccountName).toBe(docs('rbac.yaml').find((d) => d.kind === 'ServiceAccount').metadata.name);
  });

  it('the audit container passes flags the CLI accepts: audit, prometheus, never failing the job', () => {
    const args = parseCliArgs(pod.containers[0].args);
    expect(args).toMatchObject({ mode: 'audit', summary: 'prometheus', failOn: 'none', files: ['/snapshot/live.yaml'] });
    expect(pod.containers[0].volumeMounts[0].mountPath).toBe(pod.initContainers[0].volumeMounts[0].mountPath);
  });
});
