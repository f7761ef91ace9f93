/**
 * The settings of a revision are resolved once, at the edge, and frozen: the per-pod defaults
 * they carry are what a pod without overriding annotations gets, a pod's own annotations and
 * labels still override them per pod, and no workload can change them for the next one.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { buildEnvironment } from '../../src/core/environment.js';
import { builtinRenderer } from '../../src/inject/builtin/render.js';
import { builtinValuesJson } from '../../src/inject/builtin/values.js';
import { proxyImage } from '../../src/inject/images.js';
import { builtinMeshConfig } from '../../src/inject/mesh.js';
import { injectPod } from '../../src/inject/pipeline.js';
import { proxyConfigToJSON } from '../../src/inject/proxyconfig.js';
import type { JsonObject } from '../../src/kube/types.js';
import { data, pod, settings, workload } from './fixtures.js';

const proxyEnv = (p: ReturnType<typeof injectPod>['pod'], name: string) =>
  p.spec.containers.find((c) => c.name === 'istio-proxy')?.env?.find((e) => e.name === name)?.value;

describe('resolved settings', () => {
  it('are frozen all the way down', () => {
    const s = settings();
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen((s.values.global as JsonObject).proxy)).toBe(true);
    expect(Object.isFrozen(s.pod.proxyConfig)).toBe(true);
    expect(() => {
      (s.values.global as JsonObject).hub = 'elsewhere';
    }).toThrow(TypeError);
  });

  it('carry what a pod without annotations gets, derived once from values and mesh config', () => {
    const mesh = builtinMeshConfig();
    const s = settings();
    expect(s.pod.proxyConfig).toEqual(mesh.defaultConfig);
    expect(s.pod.proxyConfigJSON).toBe(proxyConfigToJSON(mesh.defaultConfig as JsonObject));
    expect(s.pod.proxyImage).toBe(proxyImage(builtinValuesJson(), mesh.defaultConfig as JsonObject, undefined));
    // a pod without annotations reads the settings' own values (the same object, not a copy)
    const d = data(pod(), s);
    expect(d.proxyConfig).toBe(s.pod.proxyConfig);
    expect(d.proxyConfigJSON).toBe(s.pod.proxyConfigJSON);
    expect(d.proxyImage).toBe(s.pod.proxyImage);
  });

  it('yield to a pod’s own ProxyConfig and image type annotations, for that pod only', () => {
    const s = settings();
    const own = data(pod({ 'proxy.istio.io/config': 'concurrency: 3', 'sidecar.istio.io/proxyImageType': 'debug' }), s);
    expect(own.proxyConfig).not.toBe(s.pod.proxyConfig);
    expect(own.proxyConfig.concurrency).toBe(3);
    expect(own.proxyConfigJSON).toBe(proxyConfigToJSON(own.proxyConfig));
    expect(own.proxyImage).toMatch(/-debug$/);
    expect(s.pod.proxyConfig.concurrency).toBeUndefined();
    expect(data(pod(), s).proxyImage).not.toMatch(/-debug$/);
  });

  it('give the pod’s network label precedence over global.network', () => {
    const values = builtinValuesJson();
    (values.global as JsonObject).network = 'net-a';
    const s = settings({ values });
    expect(s.proxyEnvs.ISTIO_META_NETWORK).toBe('net-a');
    const plain = injectPod({ pod: pod(), workload, settings: s, renderer: builtinRenderer }).pod;
    const labelled = injectPod({ pod: pod({}, { app: 'web', 'topology.istio.io/network': 'net-b' }), workload, settings: s, renderer: builtinRenderer }).pod;
    expect(proxyEnv(plain, 'ISTIO_META_NETWORK')).toBe('net-a');
    expect(proxyEnv(labelled, 'ISTIO_META_NETWORK')).toBe('net-b');
    expect(s.proxyEnvs.ISTIO_META_NETWORK).toBe('net-a');
  });

  it('are built once per revision by the environment, each frozen', () => {
    const config = loadConfig({
      apiVersion: 'inject-sidecar.dev/v1alpha1',
      kind: 'SidecarInjection',
      metadata: { name: 'c' },
      spec: { revisions: [{ revision: 'canary', proxy: { tag: '1.30.3' } }] },
    });
    const env = buildEnvironment([], config, []);
    const canary = env.revisions?.get('canary');
    expect(canary).toBeDefined();
    expect(Object.isFrozen(env.settings.values)).toBe(true);
    expect(Object.isFrozen(canary!.settings.values)).toBe(true);
    expect(canary!.settings).not.toBe(env.settings);
    expect(canary!.settings.revision).toBe('canary');
  });
});
