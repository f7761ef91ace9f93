/**
 * The releases the built-in profile renders (src/inject/builtin/releases.ts): version parsing,
 * the change predicates, and the error for a release it does not render, from the command line
 * and from the function config.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRelease, chooseRelease, DEFAULT_RELEASE, has, supportedReleasesText, unsupportedReleaseMessage } from '../../src/inject/builtin/releases.js';
import { renderSidecar } from '../../src/inject/builtin/render.js';
import { deepMerge } from '../../src/config/settings.js';
import { listCorpora, sameData } from '../../scripts/conformance.js';
import { runCli } from '../support/run-cli.js';

describe('built-in profile releases', () => {
  it('reads X.Y and full release versions; only supported minors', () => {
    expect(builtinRelease('1.30')?.image).toBe('1.30.3');
    expect(builtinRelease('1.26.3')?.version).toBe('1.26');
    expect(builtinRelease('1.27')).toBeUndefined();
    expect(builtinRelease('1.31.0-rc.0')?.version).toBe('1.31');
    expect(builtinRelease('1.28.1')?.minor).toBe(28);
    expect(builtinRelease('latest')).toBeUndefined();
    expect(DEFAULT_RELEASE).toEqual({ version: '1.30', minor: 30, image: '1.30.3' });
    expect(supportedReleasesText()).toBe('1.22, 1.24, 1.26, 1.28, 1.29, 1.30, 1.31');
  });

  it('answers each change by the release that made it; no release is the development template', () => {
    const r = (v: string) => builtinRelease(v)!;
    expect(has(r('1.28'), 'resourceDivisor')).toBe(false);
    expect(has(r('1.29'), 'resourceDivisor')).toBe(true);
    expect(has(r('1.29'), 'otelResourceAttributes')).toBe(false);
    expect(has(r('1.30'), 'otelResourceAttributes')).toBe(true);
    expect(has(r('1.30'), 'proxyInitImage')).toBe(false);
    expect(has(r('1.31'), 'proxyInitImage')).toBe(true);
    expect(has(r('1.31'), 'gomaxprocs')).toBe(true);
    expect(has(undefined, 'gomaxprocs')).toBe(false);
    expect(has(undefined, 'proxyInitImage')).toBe(true);
    expect(has(r('1.26'), 'crlVolume')).toBe(false);
    expect(has(r('1.28'), 'crlVolume')).toBe(true);
    expect(has(r('1.24'), 'noInitContainer')).toBe(false);
    expect(has(r('1.26'), 'noInitContainer')).toBe(true);
    expect(has(r('1.22'), 'enableCoreDump')).toBe(true);
    expect(has(r('1.24'), 'enableCoreDump')).toBe(false);
    expect(has(undefined, 'kubeCaCert')).toBe(false);
    expect(has(r('1.22'), 'nativeAnnotation')).toBe(false);
    expect(has(r('1.24'), 'nativeAnnotation')).toBe(true);
  });

  it('chooses istioVersion, else the release the proxy tag names, else the newest stable', () => {
    const version = (v: string | undefined, tag: unknown) => {
      const c = chooseRelease(v, tag);
      return 'release' in c ? (c.release?.version ?? 'master') : c.problem;
    };
    expect(version('1.24', '1.26.3')).toBe('1.24');
    expect(version('master', '1.26.3')).toBe('master');
    expect(version(undefined, '1.26.3')).toBe('1.26');
    expect(version(undefined, '1.31.0-rc.0')).toBe('1.31');
    expect(version(undefined, ' 1.22.1 ')).toBe('1.22');
    expect(version(undefined, 1.28)).toBe('1.28');
    expect(version(undefined, 'latest')).toBe('1.30');
    expect(version(undefined, '1.26.3-distroless')).toBe('1.26');
    expect(version(undefined, '1.29-alpha.0123abcd')).toBe('1.30');
    expect(version(undefined, undefined)).toBe('1.30');
    expect(version(undefined, '1.23.4')).toMatch(/tag names Istio 1\.23, a release .*1\.22, 1\.24.*--istio-version.*injector-config mode/);
  });

  it('an unsupported version names the supported ones and points to injector-config mode', () => {
    const m = unsupportedReleaseMessage('1.23');
    expect(m).toContain('1.22, 1.24, 1.26, 1.28, 1.29, 1.30, 1.31');
    expect(m).toMatch(/injector-config mode/);
  });
});

describe('--istio-version and spec.istioVersion', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web-}}
spec:
  containers:
  - name: web
    image: example/web:1
`;
  // GOMAXPROCS is only ever an env var of istio-proxy.
  const proxyEnv = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => /- name: GOMAXPROCS$/.test(l))
      .join('\n');

  it('renders the selected release: its image tag and its env', async () => {
    const r130 = await runCli(['--emulate', 'kube-inject', '--istio-version', '1.30'], pod);
    expect(r130.code, r130.stderr).toBe(0);
    expect(r130.stdout).toContain('proxyv2:1.30.3');
    expect(proxyEnv(r130.stdout)).toContain('GOMAXPROCS');
    const dev = await runCli(['--emulate', 'kube-inject', '--istio-version', 'master'], pod);
    expect(dev.code, dev.stderr).toBe(0);
    expect(proxyEnv(dev.stdout)).not.toContain('GOMAXPROCS');
    expect(dev.stdout).toContain('proxyv2:1.30.3');
    // trimSuffix "-" (1.30) and trimAll "-_." (1.31) leave the same canonical name here.
    expect(r130.stdout).toContain('service.istio.io/canonical-name: web');
  });

  const withConfig = (spec: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-releases-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nspec:\n${spec}`);
    return runCli(['--emulate', 'kube-inject', '--config', config], pod);
  };

  it('without a version: the newest stable release, or the release the proxy tag names', async () => {
    const dflt = await runCli(['--emulate', 'kube-inject'], pod);
    const r130 = await runCli(['--emulate', 'kube-inject', '--istio-version', '1.30'], pod);
    expect(dflt.code, dflt.stderr).toBe(0);
    expect(dflt.stdout).toBe(r130.stdout);
    expect(dflt.stdout).toContain('docker.io/istio/proxyv2:1.30.3');
    // 1.26 prints Go's zero divisor (no `divisor: "1"` before 1.29) and has no OTEL_RESOURCE_ATTRIBUTES.
    for (const spec of ['  proxy: {tag: 1.26.3}\n', '  values: {global: {tag: "1.26.3"}}\n']) {
      const tagged = await withConfig(spec);
      expect(tagged.code, tagged.stderr).toBe(0);
      expect(tagged.stdout).toContain('proxyv2:1.26.3');
      expect(tagged.stdout).toContain('divisor: "0"');
      expect(tagged.stdout).not.toContain('divisor: "1"');
      expect(tagged.stdout).toBe((await runCli(['--emulate', 'kube-inject', '--istio-version', '1.26'], pod)).stdout.replaceAll('1.26.8', '1.26.3'));
    }
    const latest = await withConfig('  proxy: {tag: latest}\n');
    expect(latest.stdout).toBe(r130.stdout.replaceAll('proxyv2:1.30.3', 'proxyv2:latest'));
  });

  it('a proxy tag naming a release the profile does not render is an error naming the field', async () => {
    const r = await withConfig('  proxy: {tag: 1.23.4}\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /the proxy image tag names Istio 1\.23, a release the built-in profile does not render .*1\.22, 1\.24, 1\.26, 1\.28, 1\.29, 1\.30, 1\.31.*injector-config mode.*\[field spec\.proxy\.tag\]/,
    );
    expect(r.stdout).not.toContain('istio-proxy');
    const explicit = await withConfig('  proxy: {tag: 1.23.4}\n  istioVersion: "1.24"\n');
    expect(explicit.code, explicit.stderr).toBe(0);
    expect(explicit.stdout).toContain('proxyv2:1.23.4');
  });

  it('an unsupported release is a usage error, and a config error in spec.istioVersion', async () => {
    const flag = await runCli(['--istio-version', '1.23'], pod);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--istio-version: .*1\.22, 1\.24, 1\.26, 1\.28, 1\.29, 1\.30, 1\.31.*injector-config mode/);
    expect(flag.stdout).toBe('');
    const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-releases-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nspec:\n  istioVersion: "1.23"\n');
    const spec = await runCli(['--config', config], pod);
    expect(spec.code).not.toBe(0);
    expect(spec.stderr).toMatch(/spec\.istioVersion: Istio "1\.23" is not a release the built-in profile renders/);
  });
});

describe('renderSidecar at a release', () => {
  it('istio-init runs .ProxyImage before 1.31 and .ProxyInitImage from 1.31', () => {
    const data = {
      typeMeta: { apiVersion: 'v1', kind: 'Pod' },
      deploymentMeta: { name: 'web', namespace: 'shop' },
      objectMeta: { labels: {}, annotations: {} },
      spec: { containers: [{ name: 'web', image: 'example/web:1' }] },
      proxyConfig: {},
      proxyConfigJSON: '{}',
      meshConfig: {},
      values: { global: { proxy: {}, proxy_init: {} } },
      revision: '',
      nativeSidecars: false,
      proxyImage: 'hub/proxyv2:p',
      proxyInitImage: 'hub/proxyv2:init',
      proxyUID: 1337,
      proxyGID: 1337,
      inboundTrafficPolicyMode: 'passthrough',
      compliancePolicy: '',
    } as never;
    const initImage = (v?: string) =>
      (renderSidecar(data, v ? builtinRelease(v) : undefined).spec as { initContainers: { image: string }[] }).initContainers[0]!.image;
    expect(initImage('1.30')).toBe('hub/proxyv2:p');
    expect(initImage('1.31')).toBe('hub/proxyv2:init');
    expect(initImage()).toBe('hub/proxyv2:init');
  });
});

/**
 * The 1.22 changes its corpus does not exercise (the kube-ca-cert volume, the nativeSidecar
 * annotation that 1.22 ignores, a core dump container with native sidecars, unchained istio_cni):
 * the built-in profile at 1.22 renders what 1.22's own templates render for the same values.
 */
const corpus122 = listCorpora().find((c) => c.name === '1.22.8');
describe.skipIf(!corpus122)('built-in profile at Istio 1.22 vs its templates', () => {
  const dir = corpus122?.dir ?? '';
  const tmp = mkdtempSync(join(tmpdir(), 'inject-sidecar-122-'));
  const pod = (annotations: Record<string, string>) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n  annotations: ${JSON.stringify(annotations)}\nspec:\n  containers:\n  - name: web\n    image: example/web:1\n`;
  const cases: [string, Record<string, unknown>, Record<string, string>, boolean][] = [
    ['pilotCertProvider kubernetes', { global: { pilotCertProvider: 'kubernetes' } }, {}, false],
    ['nativeSidecar annotation (ignored)', {}, { 'sidecar.istio.io/nativeSidecar': 'true' }, false],
    ['core dump with native sidecars, no interception', {}, { 'sidecar.istio.io/enableCoreDump': 'true', 'sidecar.istio.io/interceptionMode': 'NONE' }, true],
    ['core dump from values', { global: { proxy: { enableCoreDump: true } } }, {}, false],
    ['istio_cni enabled, not chained', { istio_cni: { enabled: true, chained: false } }, { 'k8s.v1.cni.cncf.io/networks': 'other' }, false],
  ];
  for (const [name, overlay, annotations, native] of cases) {
    it(name, async () => {
      const base = JSON.parse(readFileSync(join(dir, 'config/values.json'), 'utf8')) as Record<string, unknown>;
      const values = join(tmp, `${name.replaceAll(/\W+/g, '-')}.json`);
      writeFileSync(values, JSON.stringify(deepMerge(base as never, overlay as never)));
      const common = [
        '--emulate',
        'kube-inject',
        '--native-sidecars',
        String(native),
        '--valuesFile',
        values,
        '--meshConfigFile',
        join(dir, 'config/mesh.yaml'),
      ];
      const templates = await runCli([...common, '--injectConfigFile', join(dir, 'config/inject-config.yaml')], pod(annotations));
      const builtin = await runCli([...common, '--istio-version', '1.22'], pod(annotations));
      expect(templates.code, templates.stderr).toBe(0);
      expect(builtin.code, builtin.stderr).toBe(0);
      expect(builtin.stderr).toContain('built-in profile');
      expect(sameData(templates.stdout, builtin.stdout), `templates:\n${templates.stdout}\nbuilt-in:\n${builtin.stdout}`).toBe(true);
      expect(builtin.stdout).toBe(templates.stdout);
    });
  }
  it('the cases reach the 1.22 changes', async () => {
    const run = async (overlay: Record<string, unknown>, annotations: Record<string, string>, native = false) => {
      const values = join(tmp, 'reach.json');
      writeFileSync(values, JSON.stringify(overlay));
      return (
        await runCli(['--emulate', 'kube-inject', '--native-sidecars', String(native), '--valuesFile', values, '--istio-version', '1.22'], pod(annotations))
      ).stdout;
    };
    expect(await run({ global: { pilotCertProvider: 'kubernetes' } }, {})).toContain('kube-root-ca.crt');
    expect(await run({}, { 'sidecar.istio.io/nativeSidecar': 'true' })).not.toContain('restartPolicy: Always');
    expect(await run({}, { 'sidecar.istio.io/enableCoreDump': 'true' })).toContain('name: enable-core-dump');
    expect(await run({ istio_cni: { enabled: true, chained: false } }, {})).toContain('istio-validation');
  });
});
