import { describe, expect, it } from 'vitest';
import { cloneJson, asPodJson, type Json, type JsonObject, type PodTemplate } from '../../src/kube/types.js';
import { podSchema, strategicMerge } from '../../src/merge/index.js';
import { reapplyOverwrittenContainersInPlace, type OverrideInput } from '../../src/inject/overrides.js';
import { goContainer, goMarshal } from '../../src/inject/postprocess/gojson.js';
import { container, firstPod } from './corpus.js';

/** The override step on a copy of `input.merged` (the step owns the pod it is given). */
const reapplyOverwrittenContainers = (input: OverrideInput): PodTemplate => reapplyOverwrittenContainersInPlace(asPodJson(cloneJson(input.merged)), input);

const PROXY = 'registry.istio.io/testing/proxyv2:latest';
const resources = { limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: '100m', memory: '128Mi' } };

/** A cut-down native-sidecar template output (shape of Istio's sidecar template). */
function templatePatch(cni: boolean): JsonObject {
  const init = cni
    ? {
        name: 'istio-validation',
        image: PROXY,
        args: ['istio-iptables', '-u', '1337', '--run-validation'],
        resources,
        securityContext: { runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true },
      }
    : {
        name: 'istio-init',
        image: PROXY,
        args: ['istio-iptables', '-p', '15001', '-u', '1337', '-m', 'REDIRECT'],
        resources,
        securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false },
      };
  return {
    metadata: { labels: { 'security.istio.io/tlsMode': 'istio' } },
    spec: {
      initContainers: [
        init,
        {
          name: 'istio-proxy',
          image: PROXY,
          args: ['proxy', 'sidecar'],
          restartPolicy: 'Always',
          resources,
          lifecycle: { preStop: { exec: { command: ['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain'] } } },
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsGroup: 1337,
            runAsNonRoot: true,
            runAsUser: 1337,
          },
          volumeMounts: [
            { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
            { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
          ],
        },
      ],
      volumes: [
        { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
        { name: 'istio-podinfo', emptyDir: {} },
      ],
    },
  };
}

/** What the pipeline does before the override step (RunTemplate with the native-sidecar move). */
function runTemplate(user: PodTemplate, patch: JsonObject): { merged: PodTemplate; templatePod: PodTemplate } {
  const templatePod = strategicMerge({}, patch, podSchema) as unknown as PodTemplate;
  const moved = structuredClone(user);
  const i = moved.spec.containers.findIndex((c) => c.name === 'istio-proxy');
  if (i >= 0) moved.spec.initContainers = [...(moved.spec.initContainers ?? []), ...moved.spec.containers.splice(i, 1)];
  const merged = strategicMerge(moved as unknown as Json, patch, podSchema) as unknown as PodTemplate;
  return { merged, templatePod };
}

function inject(name: string, cni = false, proxyConfig: JsonObject = {}): { out: PodTemplate; golden: PodTemplate; user: PodTemplate } {
  const user = firstPod(`inputs/${name}.yaml`);
  const { merged, templatePod } = runTemplate(user, templatePatch(cni));
  const out = reapplyOverwrittenContainers({ merged, original: user, templatePod, proxyConfig });
  return { out, golden: firstPod(`goldens/${name}.yaml${cni ? '.cni' : ''}.injected`), user };
}

const overridesOf = (pod: PodTemplate): string | undefined => pod.metadata?.annotations?.['proxy.istio.io/overrides'];

describe('reapplyOverwrittenContainers', () => {
  it('proxy-override: user fields win, image auto keeps the injected image, annotation as Go marshals it', () => {
    const { out, golden } = inject('proxy-override');
    expect(overridesOf(out)).toBe(overridesOf(golden));
    expect(out.spec.containers.map((c) => c.name)).toEqual(['hello']);
    const init = container(out, 'istio-init');
    expect(init.args).toEqual(['my', 'custom', 'args']);
    expect(init.image).toBe('fake/custom-image');
    const proxy = container(out, 'istio-proxy');
    expect(proxy.image).toBe(PROXY);
    // Quantities stay as written in the manifest; only the annotation is canonical.
    expect(proxy.resources).toEqual({ limits: { cpu: '3000m', memory: '1024Mi' }, requests: { cpu: '123m', memory: '128Mi' } });
    expect(proxy.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
    expect(proxy.securityContext).toEqual({
      allowPrivilegeEscalation: true,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsGroup: 1234,
      runAsNonRoot: true,
      runAsUser: 1234,
    });
    expect((proxy.volumeMounts as JsonObject[]).map((m) => m.mountPath)).toEqual(['/etc/istio/proxy', '/etc/istio/pod', '/etc/certs']);
    expect(proxy.tty).toBe(true);
    expect(proxy.restartPolicy).toBe('Always');
  });
  it('proxy-override-args: the user args replace the injected ones', () => {
    const { out, golden } = inject('proxy-override-args');
    expect(overridesOf(out)).toBe(overridesOf(golden));
    expect(container(out, 'istio-proxy').args).toEqual(container(golden, 'istio-proxy').args);
    expect(container(out, 'istio-proxy').command).toEqual(['envoy']);
  });
  it('proxy-override-runas: istio-init -u follows the user UID, its own user stays root', () => {
    const { out, golden } = inject('proxy-override-runas');
    expect(overridesOf(out)).toBe(overridesOf(golden));
    const init = container(out, 'istio-init');
    expect(init.args).toEqual(['istio-iptables', '-p', '15001', '-u', '1234', '-m', 'REDIRECT']);
    expect(init.securityContext).toEqual({ runAsUser: 0, runAsGroup: 0, runAsNonRoot: false });
    expect(container(out, 'istio-proxy').securityContext).toMatchObject({ runAsUser: 1234, runAsGroup: 4321 });
  });
  it('proxy-override-runas with CNI: istio-validation runs as the user UID/GID', () => {
    const { out, golden } = inject('proxy-override-runas', true);
    expect(overridesOf(out)).toBe(overridesOf(golden));
    const validation = container(out, 'istio-validation');
    expect(validation.args).toEqual(['istio-iptables', '-u', '1234', '--run-validation']);
    expect(validation.securityContext).toEqual({ runAsUser: 1234, runAsGroup: 4321, runAsNonRoot: true });
  });
  it('TPROXY keeps the proxy root', () => {
    const { out } = inject('proxy-override-runas', false, { interceptionMode: 'TPROXY' });
    expect(container(out, 'istio-proxy').securityContext).toMatchObject({ runAsUser: 0, runAsGroup: 4321 });
  });
  it('no user container of an injected name: nothing changes, no annotation', () => {
    const user = firstPod('inputs/hello.yaml');
    const { merged, templatePod } = runTemplate(user, templatePatch(false));
    const out = reapplyOverwrittenContainers({ merged, original: user, templatePod });
    expect(out).toEqual(merged);
    expect(overridesOf(out)).toBeUndefined();
  });
  it('moves a leftover user istio-proxy out of containers when the template made it native', () => {
    const user = firstPod('inputs/proxy-override-args.yaml');
    const patch = templatePatch(false);
    const templatePod = strategicMerge({}, patch, podSchema) as unknown as PodTemplate;
    const merged = strategicMerge(user as unknown as Json, patch, podSchema) as unknown as PodTemplate; // no move
    const out = reapplyOverwrittenContainers({ merged, original: user, templatePod });
    expect(out.spec.containers.map((c) => c.name)).toEqual(['hello']);
    expect(container(out, 'istio-proxy').command).toEqual(['envoy']);
  });
  it('a previously injected pod: containers listed in the status are not overrides, no annotation is written', () => {
    const user = firstPod('inputs/proxy-override-args.yaml');
    user.metadata = { ...user.metadata, annotations: { 'sidecar.istio.io/status': '{"initContainers":["istio-init","istio-proxy"]}' } };
    const { merged, templatePod } = runTemplate(user, templatePatch(false));
    const out = reapplyOverwrittenContainers({ merged, original: user, templatePod });
    expect(container(out, 'istio-proxy').args).toEqual(['proxy', 'sidecar']);
    expect(overridesOf(out)).toBeUndefined();
  });
  it('does not modify the user pod or the template pod', () => {
    const user = firstPod('inputs/proxy-override.yaml');
    const { merged, templatePod } = runTemplate(user, templatePatch(false));
    const before = JSON.stringify([user, merged, templatePod]);
    reapplyOverwrittenContainers({ merged, original: user, templatePod });
    expect(JSON.stringify([user, merged, templatePod])).toBe(before);
  });
});

describe('goContainer / goMarshal', () => {
  it('Go field order, omitempty, resources always present, canonical quantities, HTML escaping, unknown fields dropped', () => {
    const c = goContainer({
      tty: false,
      name: 'a',
      image: 'x',
      command: ['a && b <c>'],
      resources: { limits: { memory: '1024Mi', cpu: '2000m' } },
      env: [
        { value: '', name: 'E' },
        { name: 'F', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      ],
      ports: [{ containerPort: 80, hostPort: 0, protocol: 'TCP' }],
      unknownField: 1,
      readinessProbe: { httpGet: { port: 'http', path: '' }, initialDelaySeconds: 0 },
      securityContext: { privileged: false },
    });
    expect(goMarshal(c)).toBe(
      '{"name":"a","image":"x","command":["a \\u0026\\u0026 b \\u003cc\\u003e"],"ports":[{"containerPort":80,"protocol":"TCP"}],' +
        '"env":[{"name":"E"},{"name":"F","valueFrom":{"resourceFieldRef":{"resource":"limits.cpu","divisor":"0"}}}],' +
        '"resources":{"limits":{"cpu":"2","memory":"1Gi"}},"readinessProbe":{"httpGet":{"port":"http"}},"securityContext":{"privileged":false}}',
    );
    expect(goMarshal(goContainer({ name: 'b' }))).toBe('{"name":"b","resources":{}}');
  });
  it('escapes like encoding/json', () => {
    expect(goMarshal('q"\\\n\t\u0001\u2028')).toBe('"q\\"\\\\\\n\\t\\u0001\\u2028"');
  });
});
