import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cloneJson, asPodJson, type Json, type JsonObject, type PodTemplate } from '../../src/kube/types.js';
import { podSchema, strategicMerge } from '../../src/merge/index.js';
import { reapplyOverwrittenContainersInPlace } from '../../src/inject/overrides.js';
import { postProcessPodInPlace, recordOriginalMetadata } from '../../src/inject/postprocess/index.js';
import { stripInjection, type OriginalRecord } from '../../src/inject/strip.js';
import { UserError } from '../../src/results/result.js';
import { container, corpusDir, firstPod, podTemplates } from '../postprocess/corpus.js';

const values = JSON.parse(readFileSync(path.join(corpusDir, 'config/values.json'), 'utf8')) as JsonObject;
const meshConfig = parse(readFileSync(path.join(corpusDir, 'config/mesh.yaml'), 'utf8')) as JsonObject;
const RECORD = 'inject-sidecar.dev/original-metadata';
const PROXY = 'registry.istio.io/testing/proxyv2:latest';

/** A template output shaped like Istio's sidecar template (native sidecar), computed from the pod. */
function sidecarPatch(pod: PodTemplate): JsonObject {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  const first = pod.spec.containers.find((c) => c.name !== 'istio-proxy')?.name ?? '';
  const resources = { limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: '100m', memory: '128Mi' } };
  return {
    metadata: {
      labels: {
        'security.istio.io/tlsMode': labels['security.istio.io/tlsMode'] ?? 'istio',
        'service.istio.io/canonical-name': labels['service.istio.io/canonical-name'] ?? labels.app ?? 'hello',
        'service.istio.io/canonical-revision': labels['service.istio.io/canonical-revision'] ?? labels.version ?? 'latest',
      },
      annotations: {
        'istio.io/rev': 'default',
        'kubectl.kubernetes.io/default-logs-container': annotations['kubectl.kubernetes.io/default-logs-container'] ?? first,
        'kubectl.kubernetes.io/default-container': annotations['kubectl.kubernetes.io/default-container'] ?? first,
      },
    },
    spec: {
      initContainers: [
        { name: 'istio-init', image: PROXY, args: ['istio-iptables', '-u', '1337'], resources },
        {
          name: 'istio-proxy',
          image: PROXY,
          restartPolicy: 'Always',
          env: [{ name: 'PILOT_CERT_PROVIDER', value: 'istiod' }],
          resources,
          securityContext: { runAsUser: 1337, runAsGroup: 1337 },
          volumeMounts: [{ mountPath: '/etc/istio/proxy', name: 'istio-envoy' }],
        },
      ],
      volumes: [
        { name: 'workload-socket', emptyDir: null },
        { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
      ],
    },
  };
}

/** The pipeline in miniature: RunTemplate (with the native move), overrides, post-processing, record. */
function inject(pristine: PodTemplate): PodTemplate {
  const patch = sidecarPatch(pristine);
  const templatePod = strategicMerge({}, patch, podSchema) as unknown as PodTemplate;
  const moved = cloneJson(pristine);
  const i = moved.spec.containers.findIndex((c) => c.name === 'istio-proxy');
  if (i >= 0) moved.spec.initContainers = [...(moved.spec.initContainers ?? []), ...moved.spec.containers.splice(i, 1)];
  const merged = strategicMerge(moved as unknown as Json, patch, podSchema) as unknown as PodTemplate;
  let pod = reapplyOverwrittenContainersInPlace(asPodJson(merged), { original: pristine, templatePod, proxyConfig: {} });
  pod = postProcessPodInPlace(asPodJson(pod), {
    settings: { meshConfig, values, revision: '', proxyEnvs: {}, injectedAnnotations: {} },
    proxyConfig: {},
    templatePod,
  });
  return recordOriginalMetadata(pristine, pod);
}

const names = (list: unknown): string[] => ((list ?? []) as { name: string }[]).map((c) => c.name);
const recordOf = (pod: PodTemplate): OriginalRecord => JSON.parse(pod.metadata?.annotations?.[RECORD] ?? '{}') as OriginalRecord;

describe('uninject(inject(x)) == x for every pod template of the golden corpus inputs', () => {
  const files = readdirSync(path.join(corpusDir, 'inputs')).filter((f) => f.endsWith('.yaml') && !f.endsWith('.iop.yaml'));
  it('covers the corpus', () => expect(files.length).toBeGreaterThan(50));
  for (const file of files) {
    it(file, () => {
      for (const template of podTemplates(`inputs/${file}`)) {
        const pristine = stripInjection(template).pod;
        let injected: PodTemplate;
        try {
          injected = inject(pristine);
        } catch (e) {
          if (e instanceof UserError) continue; // e.g. a reserved prometheus port: not injectable
          throw e;
        }
        const stripped = stripInjection(injected);
        expect(stripped.wasInjected).toBe(true);
        expect(stripped.notes).toEqual([]);
        expect(stripped.pod).toEqual(pristine);
        expect(recordOf(injected).pod).toBeUndefined(); // the compact record sufficed
        // Re-injection converges.
        expect(inject(stripped.pod)).toEqual(injected);
      }
    });
  }
});

describe('the original-metadata record', () => {
  it('is left out when the injected pod itself says how to strip it', () => {
    const injected = inject(firstPod('inputs/hello.yaml'));
    expect(injected.metadata?.annotations?.[RECORD]).toBeUndefined();
    expect(stripInjection(injected).pod).toEqual(firstPod('inputs/hello.yaml'));
  });
  it('holds the user containers the injection merged over, as written (not as Go re-marshalled them)', () => {
    const pristine = firstPod('inputs/proxy-override.yaml');
    const record = recordOf(inject(pristine));
    expect(record.labels).toBeUndefined();
    expect(record.annotations).toBeUndefined();
    expect(record.metadata).toBeUndefined();
    expect(record.items?.containers).toEqual([{ index: 1, item: pristine.spec.containers[1] }]);
    expect(record.items?.initContainers).toEqual([{ index: 0, item: pristine.spec.initContainers?.[0] }]);
    expect(record.spec).toBeUndefined();
  });
  it("keeps the user's own value of a label the template writes, in place", () => {
    const pristine = firstPod('inputs/hello.yaml');
    pristine.metadata!.labels = { 'security.istio.io/tlsMode': 'istio', ...pristine.metadata!.labels };
    const injected = inject(pristine);
    expect(recordOf(injected).labels).toEqual({ 'security.istio.io/tlsMode': 'istio' });
    const stripped = stripInjection(injected).pod;
    expect(JSON.stringify(stripped)).toBe(JSON.stringify(pristine));
  });
  it('records a named probe port the rewrite resolved (hello-probes)', () => {
    const pristine = firstPod('inputs/hello-probes.yaml');
    const injected = inject(pristine);
    expect(container(injected, 'hello').livenessProbe).toEqual({ httpGet: { port: 15020, path: '/app-health/hello/livez' } });
    expect(recordOf(injected).items?.containers).toEqual([
      { name: 'hello', fields: { livenessProbe: { httpGet: { port: 'http' } } } },
      { name: 'world', fields: expect.any(Object) },
    ]);
    expect(stripInjection(injected).pod).toEqual(pristine);
  });
  it('falls back to the whole pod when the parts cannot restore it', () => {
    const pristine = firstPod('inputs/proxy-override.yaml');
    const injected = inject(pristine);
    // An injected volume the status does not list: nothing in the parts removes it.
    const odd = cloneJson(injected);
    odd.spec.volumes = [...(odd.spec.volumes ?? []), { name: 'unlisted', emptyDir: {} }];
    delete odd.metadata?.annotations?.[RECORD];
    const recorded = recordOriginalMetadata(pristine, odd);
    expect(recordOf(recorded).pod).toEqual(pristine);
    expect(stripInjection(recorded)).toMatchObject({ pod: pristine, exact: true });
  });
  it('is not written on a pod without a status annotation', () => {
    const pod = firstPod('inputs/hello.yaml');
    expect(recordOriginalMetadata(pod, pod)).toBe(pod);
  });
});

describe('stripping without a record (pods injected by Istio)', () => {
  it('leaves a pod that was never injected alone', () => {
    const pod = firstPod('inputs/hello.yaml');
    expect(stripInjection(pod)).toEqual({ pod, wasInjected: false, exact: false, notes: [] });
  });
  const normalize = (pod: PodTemplate): JsonObject => {
    const out = cloneJson(pod) as unknown as JsonObject;
    const spec = out.spec as JsonObject;
    for (const list of ['containers', 'initContainers'] as const) {
      for (const c of (spec[list] ?? []) as JsonObject[]) {
        if (c.resources && Object.keys(c.resources).length === 0) delete c.resources;
      }
    }
    const meta = (out.metadata ?? {}) as JsonObject;
    delete meta.creationTimestamp;
    return out;
  };
  // Cases without named probe ports: those come back as numbers (asserted for hello-probes below).
  for (const name of ['hello', 'two_container', 'startup_only', 'native-sidecar', 'hello-multiport-metrics', 'status_annotations', 'hello-readiness']) {
    it(`strips the golden ${name} back to its input (known metadata dropped)`, () => {
      const result = stripInjection(firstPod(`goldens/${name}.yaml.injected`), { dropKnownMetadata: true });
      expect(result).toMatchObject({ wasInjected: true, exact: false });
      expect(normalize(result.pod)).toEqual(normalize(firstPod(`inputs/${name}.yaml`)));
    });
  }
  it('hello-probes: probes and hooks come back, a named port as its number', () => {
    const pod = stripInjection(firstPod('goldens/hello-probes.yaml.injected')).pod;
    const hello = container(pod, 'hello');
    expect(hello.livenessProbe).toEqual({ httpGet: { port: 80 } });
    expect(hello.readinessProbe).toEqual({ httpGet: { port: 3333 } });
    expect(hello.lifecycle).toEqual({ preStop: { httpGet: { port: 91 } }, postStart: { tcpSocket: { port: 93 } } });
    expect(names(pod.spec.containers)).toEqual(['hello', 'world']);
    expect(pod.spec.initContainers).toBeUndefined();
    expect(pod.spec.volumes).toBeUndefined();
    // The template's labels and annotations go too (dropKnownMetadata defaults to true) ...
    expect(pod.metadata?.labels?.['security.istio.io/tlsMode']).toBeUndefined();
    expect(pod.metadata?.annotations?.['prometheus.io/port']).toBeUndefined();
    // ... unless asked to leave them as Istio's own stripPod does.
    const kept = stripInjection(firstPod('goldens/hello-probes.yaml.injected'), { dropKnownMetadata: false }).pod;
    expect(kept.metadata?.labels?.['security.istio.io/tlsMode']).toBe('istio');
  });
  it('merge-probers (an Istio-injected input, classic sidecar): old probes back, injected items gone', () => {
    const { pod } = stripInjection(firstPod('inputs/merge-probers.yaml'));
    expect(names(pod.spec.containers)).toEqual(['hello', 'world', 'new']);
    expect(container(pod, 'hello').livenessProbe).toEqual({ httpGet: { port: 80 } });
    expect(container(pod, 'world').livenessProbe).toEqual({ httpGet: { port: 90 } });
    expect(container(pod, 'world').readinessProbe).toEqual({ exec: { command: ['cat', '/tmp/healthy'] } });
    expect(container(pod, 'new').livenessProbe).toEqual({ httpGet: { path: '/testLive', port: 8008 } });
    expect(pod.spec.initContainers).toBeUndefined();
    expect(pod.spec.volumes).toBeUndefined();
    expect(pod.metadata?.annotations).toBeUndefined();
  });
  it('proxy-override: the saved overrides go back, a user istio-proxy to containers', () => {
    const { pod } = stripInjection(firstPod('goldens/proxy-override.yaml.injected'));
    expect(names(pod.spec.containers)).toEqual(['hello', 'istio-proxy']);
    expect(names(pod.spec.initContainers)).toEqual(['istio-init']);
    expect(container(pod, 'istio-init').args).toEqual(['my', 'custom', 'args']);
    expect(container(pod, 'istio-proxy').securityContext).toMatchObject({ runAsUser: 1234 });
    expect(names(pod.spec.volumes)).toEqual(['certs']);
    expect(pod.metadata?.annotations?.['proxy.istio.io/overrides']).toBeUndefined();
  });
  it('an unreadable record falls back with a note', () => {
    const pod = firstPod('goldens/hello.yaml.injected');
    pod.metadata!.annotations![RECORD] = 'not json';
    const result = stripInjection(pod);
    expect(result.exact).toBe(false);
    expect(result.notes).toEqual([expect.stringMatching(/not a valid record/)]);
    expect(result.pod.metadata?.annotations?.[RECORD]).toBeUndefined();
  });
  it('does not modify its input', () => {
    const pod = firstPod('goldens/hello-probes.yaml.injected');
    const before = JSON.stringify(pod);
    stripInjection(pod);
    expect(JSON.stringify(pod)).toBe(before);
  });
});

describe('key order', () => {
  it('strip(inject(x)) keeps the key order of every corpus input (byte-identical once printed)', () => {
    const files = readdirSync(path.join(corpusDir, 'inputs')).filter((f) => f.endsWith('.yaml') && !f.endsWith('.iop.yaml'));
    const mismatched: string[] = [];
    for (const file of files) {
      for (const template of podTemplates(`inputs/${file}`)) {
        const pristine = stripInjection(template).pod;
        let injected: PodTemplate;
        try {
          injected = inject(pristine);
        } catch (e) {
          if (e instanceof UserError) continue;
          throw e;
        }
        if (JSON.stringify(stripInjection(injected).pod) !== JSON.stringify(pristine)) mismatched.push(file);
      }
    }
    expect(mismatched).toEqual([]);
  });
});
