/**
 * Re-injecting a pod an earlier Istio injected. By default the earlier injection is stripped and
 * the pristine pod injected, so the output converges to a first injection. An emulation asked for
 * (`--emulate webhook` or `--emulate kube-inject`) is byte parity with Istio, whose RunTemplate
 * renders from the stripped pod but merges over the pod as it came: what the old sidecar has and
 * the new templates do not set survives.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { JsonObject } from '../../src/kube/types.js';
import { runCli } from './helpers.js';

const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n, labels: {istio-injection: enabled}}\n';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n  containers: [{name: a, image: a, ports: [{containerPort: 80}]}]\n';

type Container = { name: string; args?: string[]; env?: { name: string; value?: string }[] };

function podOf(stdout: string): JsonObject {
  const docs = parseAllDocuments(stdout).map((d) => d.toJS() as JsonObject);
  const pod = docs.find((d) => d.kind === 'Pod');
  if (!pod) throw new Error(`no Pod in output:\n${stdout}`);
  return pod;
}

function proxyOf(pod: JsonObject): Container {
  const spec = pod.spec as { containers?: Container[]; initContainers?: Container[] };
  const proxy = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find((c) => c.name === 'istio-proxy');
  if (!proxy) throw new Error('no istio-proxy');
  return proxy;
}

/** A pod as an older Istio left it: injected, no record of this tool, an env var and arguments the current template does not write. */
async function injectedByOlderIstio(): Promise<string> {
  const first = await runCli(['--emulate', 'kube-inject', '-f', '-'], POD);
  expect(first.code).toBe(0);
  const pod = podOf(first.stdout);
  const annotations = (pod.metadata as { annotations: Record<string, string> }).annotations;
  for (const key of Object.keys(annotations)) if (key.startsWith('inject-sidecar.dev/')) delete annotations[key];
  expect(annotations['sidecar.istio.io/status']).toBeDefined();
  const proxy = proxyOf(pod);
  proxy.args = [...(proxy.args ?? []), '--concurrency', '2'];
  proxy.env = [{ name: 'JWT_POLICY', value: 'third-party-jwt' }, ...(proxy.env ?? [])];
  return `${NAMESPACE}---\n${stringify(pod)}`;
}

describe('re-injecting a pod injected by an older Istio', () => {
  for (const native of ['false', 'true']) {
    it(`default: strips the old injection and converges (native sidecars ${native})`, async () => {
      const old = await injectedByOlderIstio();
      const r = await runCli(['--native-sidecars', native, '-f', '-'], old);
      expect(r.code).toBe(0);
      const proxy = proxyOf(podOf(r.stdout));
      expect(proxy.env?.map((e) => e.name)).not.toContain('JWT_POLICY');
      expect(proxy.args).not.toContain('--concurrency');
      const fresh = await runCli(['--native-sidecars', native, '-f', '-'], `${NAMESPACE}---\n${POD}`);
      expect(proxyOf(podOf(r.stdout))).toEqual(proxyOf(podOf(fresh.stdout)));
    });

    for (const emulation of ['webhook', 'kube-inject']) {
      it(`--emulate ${emulation}: merges over the old sidecar as Istio does (native sidecars ${native})`, async () => {
        const old = await injectedByOlderIstio();
        const r = await runCli(['--emulate', emulation, '--native-sidecars', native, '-f', '-'], old);
        expect(r.code).toBe(0);
        const pod = podOf(r.stdout);
        const proxy = proxyOf(pod);
        expect(proxy.env?.[0]).toEqual({ name: 'JWT_POLICY', value: 'third-party-jwt' });
        // The env list merges by name; the args list is the template's, unless (native) the old
        // classic proxy is not one the status names for its list and comes back as an override.
        if (native === 'true') expect(proxy.args?.slice(-2)).toEqual(['--concurrency', '2']);
        else expect(proxy.args).not.toContain('--concurrency');
        const spec = pod.spec as { containers: Container[]; initContainers?: Container[] };
        // One proxy, where the current settings put it (Istio moves the old one to initContainers).
        const where = native === 'true' ? spec.initContainers : spec.containers;
        expect(where?.filter((c) => c.name === 'istio-proxy')).toHaveLength(1);
        expect([...spec.containers, ...(spec.initContainers ?? [])].filter((c) => c.name === 'istio-proxy')).toHaveLength(1);
      });
    }
  }
});
