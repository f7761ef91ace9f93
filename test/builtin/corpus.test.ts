/**
 * "One truth": the built-in profile renders, for every conformance case whose settings it
 * supports (the `sidecar` template only), the same istio-init/istio-validation and istio-proxy
 * containers, volumes, image pull secrets, labels and annotations as the golden Istio produced.
 * Parts that later pipeline steps change are not compared here: app containers (probe rewrite),
 * `ISTIO_KUBE_APP_PROBERS` / `ISTIO_PROMETHEUS_ANNOTATIONS`, the status and prometheus
 * annotations, user container overrides, and re-injection of an already injected input.
 */
import { describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import type { Json, JsonObject } from '../../src/kube/types.js';
import { isObject } from '../../src/kube/types.js';
import type { InjectorSettings } from '../../src/inject/types.js';
import { resolveSettings } from '../../src/inject/settings.js';
import { buildTemplateData } from '../../src/inject/data.js';
import { applyMeshConfig, defaultMeshConfig } from '../../src/inject/mesh.js';
import { renderSidecar, selectBuiltinTemplates } from '../../src/inject/builtin/render.js';
import { annotationProblems } from '../../src/inject/validate.js';
import {
  corpusAvailable,
  deepMerge,
  findPods,
  getAt,
  loadCases,
  normalizeContainer,
  normalizeVolume,
  overwriteClusterInfo,
  readCorpusJson,
  readCorpusYaml,
  readDocs,
  type CorpusCase,
} from './corpus-lib.js';

const POST_PROCESSED_ENV = ['ISTIO_KUBE_APP_PROBERS', 'ISTIO_PROMETHEUS_ANNOTATIONS'];
const INJECTED = new Set(['istio-proxy', 'istio-init', 'istio-validation']);

interface Outcome {
  status: 'pass' | 'fail' | 'skip';
  reason?: string;
  diffs: string[];
  pods: number;
}

function settingsFor(c: CorpusCase): InjectorSettings {
  const values = deepMerge(readCorpusJson('config/values.json'), c.values ?? {}) as JsonObject;
  const mesh = applyMeshConfig(deepMerge(readCorpusYaml('config/mesh.yaml'), c.mesh ?? {}) as JsonObject, defaultMeshConfig());
  return resolveSettings({
    values,
    meshConfig: mesh,
    revision: c.revision ?? '',
    nativeSidecars: c.nativeSidecars,
    compliancePolicy: c.compliancePolicy ?? '',
  });
}

function containersOf(spec: JsonObject | undefined): JsonObject[] {
  if (!spec) return [];
  return [...((spec.initContainers ?? []) as JsonObject[]), ...((spec.containers ?? []) as JsonObject[])];
}

function diffJson(where: string, want: Json | undefined, got: Json | undefined, out: string[]): void {
  if (isDeepStrictEqual(want, got)) return;
  if (isObject(want ?? null) && isObject(got ?? null)) {
    const keys = new Set([...Object.keys(want as JsonObject), ...Object.keys(got as JsonObject)]);
    for (const k of keys) diffJson(`${where}.${k}`, (want as JsonObject)[k], (got as JsonObject)[k], out);
    return;
  }
  if (Array.isArray(want) && Array.isArray(got) && want.length === got.length) {
    for (const [i, w] of want.entries()) diffJson(`${where}[${i}]`, w, got[i], out);
    return;
  }
  out.push(`${where}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
}

/**
 * Istio's `adjustInitContainerUser` (a post-processing step of the pipeline), emulated here so the
 * init container can still be compared: a user `istio-proxy` with runAsUser/runAsGroup moves the
 * `-u` argument (and, with CNI, the validation container's user and group).
 */
function adjustInitContainerUser(rendered: JsonObject[], userSpec: JsonObject, pc: JsonObject, platform: string | undefined): void {
  // The OpenShift golden (hello-openshift-custom-injection) keeps the namespace's UID: the step
  // does not apply there.
  if (platform === 'openshift') return;
  const user = containersOf(userSpec).find((x) => x.name === 'istio-proxy');
  const sc = (user?.securityContext ?? {}) as JsonObject;
  const uid = sc.runAsUser;
  const gid = sc.runAsGroup;
  if (uid === undefined && gid === undefined) return;
  if (pc.interceptionMode === 'TPROXY') return;
  for (const init of rendered) {
    if (init.name === 'istio-validation') {
      const isc = init.securityContext as JsonObject;
      if (uid !== undefined) isc.runAsUser = uid;
      if (gid !== undefined) isc.runAsGroup = gid;
    }
    if ((init.name === 'istio-init' || init.name === 'istio-validation') && typeof uid === 'number' && uid !== 0) {
      const args = init.args as string[];
      const i = args.indexOf('-u');
      if (i >= 0) args[i + 1] = String(uid);
    }
  }
}

function runCase(c: CorpusCase): Outcome {
  if (c.templates) return { status: 'skip', reason: 'custom templates', diffs: [], pods: 0 };
  if (!c.golden) return { status: 'skip', reason: 'error case (see validation test)', diffs: [], pods: 0 };
  const settings = settingsFor(c);
  const inputs = readDocs(c.input);
  const goldens = readDocs(c.golden);
  const diffs: string[] = [];
  let pods = 0;
  let skippedPods = 0;
  if (inputs.length !== goldens.length) return { status: 'fail', diffs: [`document count ${inputs.length} vs ${goldens.length}`], pods: 0 };
  inputs.forEach((doc, di) => {
    for (const found of findPods(doc)) {
      const ann = found.pod.metadata?.annotations ?? {};
      if (ann['sidecar.istio.io/status']) {
        skippedPods++;
        continue;
      }
      try {
        selectBuiltinTemplates(ann);
      } catch {
        skippedPods++;
        continue;
      }
      pods++;
      const where = `doc${di}/${found.at.join('.') || 'pod'}`;
      const golden = getAt(goldens[di]!, found.at) as JsonObject | undefined;
      if (!golden) {
        diffs.push(`${where}: no golden pod`);
        continue;
      }
      const data = buildTemplateData({
        pod: structuredClone(found.pod),
        workload: found.workload,
        settings,
        ...(c.namespaceAnnotations ? { namespaceAnnotations: c.namespaceAnnotations } : {}),
        ...(c.platform ? { platform: c.platform } : {}),
      });
      const patch = renderSidecar(data);
      const gMeta = (getAt(goldens[di]!, found.metaAt) ?? {}) as JsonObject;
      const gSpec = (golden.spec ?? {}) as JsonObject;
      const rMeta = patch.metadata as JsonObject;
      const rSpec = patch.spec as JsonObject;

      for (const [k, v] of Object.entries(rMeta.labels as JsonObject)) {
        diffJson(`${where}.labels[${k}]`, ((gMeta.labels ?? {}) as JsonObject)[k], v, diffs);
      }
      for (const [k, v] of Object.entries(rMeta.annotations as JsonObject)) {
        diffJson(`${where}.annotations[${k}]`, ((gMeta.annotations ?? {}) as JsonObject)[k], v, diffs);
      }

      const userNames = new Set(containersOf(found.pod.spec as unknown as JsonObject).map((x) => String(x.name)));
      const goldenContainers = containersOf(gSpec);
      const rendered = containersOf(rSpec);
      // proxyEnvs as RunTemplate fills them in kube-inject mode
      const proxyEnvs: Record<string, string> = {};
      const cluster = String(getAt(settings.values, ['global', 'multiCluster', 'clusterName']) ?? '');
      let network = String(getAt(settings.values, ['global', 'network']) ?? '');
      const labelNetwork = found.pod.metadata?.labels?.['topology.istio.io/network'];
      if (labelNetwork !== undefined) network = labelNetwork;
      if (cluster) proxyEnvs.ISTIO_META_CLUSTER_ID = cluster;
      if (network) proxyEnvs.ISTIO_META_NETWORK = network;

      adjustInitContainerUser(rendered, found.pod.spec as unknown as JsonObject, data.proxyConfig, c.platform);
      for (const r of rendered) {
        const name = String(r.name);
        if (userNames.has(name)) continue; // user override: applied later by the pipeline
        const g = goldenContainers.find((x) => x.name === name);
        if (!g) {
          diffs.push(`${where}: golden has no container ${name}`);
          continue;
        }
        let got = r;
        if (name === 'istio-proxy') got = { ...r, env: overwriteClusterInfo(r.env as JsonObject[], proxyEnvs) };
        diffJson(`${where}.${name}`, normalizeContainer(g, POST_PROCESSED_ENV) as Json, normalizeContainer(got, POST_PROCESSED_ENV) as Json, diffs);
      }
      // placement: native sidecar in initContainers, else containers
      const proxyIn = (rSpec.initContainers as JsonObject[]).some((x) => x.name === 'istio-proxy') ? 'initContainers' : 'containers';
      if (!((gSpec[proxyIn] ?? []) as JsonObject[]).some((x) => x.name === 'istio-proxy')) diffs.push(`${where}: istio-proxy not in golden ${proxyIn}`);
      const injectedInits = (rSpec.initContainers as JsonObject[]).map((x) => String(x.name));
      const goldenInits = ((gSpec.initContainers ?? []) as JsonObject[]).map((x) => String(x.name)).filter((n) => INJECTED.has(n));
      diffJson(
        `${where}.injectedInitContainers`,
        goldenInits,
        injectedInits.filter((n) => !userNames.has(n) || goldenInits.includes(n)),
        diffs,
      );

      const gVolumes = (gSpec.volumes ?? []) as JsonObject[];
      const rVolumes = rSpec.volumes as JsonObject[];
      for (const v of rVolumes) {
        const g = gVolumes.find((x) => x.name === v.name);
        diffJson(`${where}.volumes[${String(v.name)}]`, g && normalizeVolume(g), normalizeVolume(v), diffs);
      }
      const order: Json = gVolumes.map((x) => String(x.name)).filter((n) => rVolumes.some((v) => v.name === n));
      diffJson(
        `${where}.volumeOrder`,
        order,
        rVolumes.map((v) => String(v.name)),
        diffs,
      );
      const gSecrets = (gSpec.imagePullSecrets ?? []) as JsonObject[];
      for (const s of (rSpec.imagePullSecrets ?? []) as JsonObject[]) {
        if (!gSecrets.some((x) => x.name === s.name)) diffs.push(`${where}: imagePullSecret ${String(s.name)} missing in golden`);
      }
    }
  });
  if (pods === 0) return { status: 'skip', reason: skippedPods > 0 ? 'only re-injection or non-sidecar templates' : 'nothing to inject', diffs, pods };
  return { status: diffs.length === 0 ? 'pass' : 'fail', diffs, pods };
}

describe.runIf(corpusAvailable)('built-in profile vs Istio goldens', () => {
  const cases = corpusAvailable ? loadCases() : [];
  const outcomes = new Map<string, Outcome>();

  for (const c of cases) {
    it(`case ${c.name}`, () => {
      const o = runCase(c);
      outcomes.set(c.name, o);
      expect(o.diffs, o.diffs.slice(0, 20).join('\n')).toEqual([]);
    });
  }

  it('error cases are rejected by annotation validation with Istio’s message', () => {
    const errorCases = cases.filter((c) => c.expectError);
    expect(errorCases.length).toBeGreaterThan(0);
    for (const c of errorCases) {
      const problems = readDocs(c.input)
        .flatMap((d) => findPods(d))
        .flatMap((p) => annotationProblems(p.pod.metadata?.annotations));
      expect(problems.length, c.name).toBeGreaterThan(0);
      expect(problems.map((p) => p.message.toLowerCase()).join('\n')).toContain(c.expectError!.toLowerCase());
    }
  });

  it('reports the pass count', () => {
    const all = cases.map((c) => [c.name, outcomes.get(c.name) ?? runCase(c)] as const);
    const pass = all.filter(([, o]) => o.status === 'pass');
    const skip = all.filter(([, o]) => o.status === 'skip');
    const fail = all.filter(([, o]) => o.status === 'fail');
    console.log(
      `built-in profile conformance: ${pass.length} passed, ${fail.length} failed, ${skip.length} skipped (${pass.reduce((n, [, o]) => n + o.pods, 0)} pod templates)\n` +
        skip.map(([n, o]) => `  skipped ${n}: ${o.reason}`).join('\n'),
    );
    expect(fail.map(([n]) => n)).toEqual([]);
    expect(pass.length).toBeGreaterThanOrEqual(60);
  });
});
