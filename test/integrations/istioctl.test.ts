/**
 * istioctl as a differential oracle. `istioctl kube-inject`, built from the istio.io/istio module by
 * scripts/peers.sh, and this tool in kube-inject emulation run on the same inputs with the same
 * injector config, mesh and values files (`--injectConfigFile`, `--meshConfigFile`, `--valuesFile`),
 * and their outputs are compared semantically (scripts/conformance.ts's rules):
 *
 * - every case of every corpus under ../shared/istio-conformance (master and each release) that
 *   kube-inject can express (no webhook-only, platform or namespace-annotation cases), with that
 *   corpus's own templates: a case whose templates this istioctl refuses is counted, not compared;
 * - thousands of generated workloads (every kind, probes of each type, named ports, security
 *   contexts, init containers, Istio's annotations with valid values), native and classic, with the
 *   master templates, in a few large multi-document runs.
 *
 * A difference must be argued in conformance/istioctl-differences.yaml (case name or generated
 * fingerprint, with the reason) or the test fails. Replacing this tool by `cat` makes it fail: the
 * last test proves it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { caseInputs, compareManifests, CORPUS_DIR, corpusAvailable, loadCases, runCase, type ConformanceCase } from '../../scripts/conformance.js';
import { repo, run } from './tools.js';
import { requirePeer } from '../support/peers.js';
import { runCli } from '../support/run-cli.js';

const istioctl = requirePeer('istioctl differential', 'istioctl');

interface Known {
  case: string;
  reason: string;
}
const known = new Map(
  ((parse(readFileSync(join(repo, 'conformance/istioctl-differences.yaml'), 'utf8')) as { differences?: Known[] }).differences ?? []).map((k) => [
    k.case,
    k.reason,
  ]),
);

function corpora(): { label: string; dir: string }[] {
  const out = corpusAvailable(CORPUS_DIR) ? [{ label: 'master', dir: CORPUS_DIR }] : [];
  const releases = join(CORPUS_DIR, 'releases');
  if (existsSync(releases)) {
    for (const tag of readdirSync(releases).sort()) {
      if (corpusAvailable(join(releases, tag))) out.push({ label: tag, dir: join(releases, tag) });
    }
  }
  return out;
}

/** Runs istioctl kube-inject on one input with the given config files and cluster switches. */
function kubeInject(
  input: string,
  files: { inject: string; mesh: string; values: string },
  opts: { native: boolean; revision?: string; compliancePolicy?: string },
) {
  const args = ['kube-inject', '-f', input, '--injectConfigFile', files.inject, '--meshConfigFile', files.mesh, '--valuesFile', files.values];
  // Always a revision: without one istioctl asks the cluster for its default revision tag (and, with
  // no cluster, waits for ever); `default` renders as the default revision.
  args.push('--revision', opts.revision || 'default');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tmpdir(), ENABLE_NATIVE_SIDECARS: String(opts.native) };
  if (opts.compliancePolicy) env.COMPLIANCE_POLICY = opts.compliancePolicy;
  return run(istioctl!.bin!, args, { env, timeout: 120_000 });
}

/** The case's files as istioctl takes them. */
function caseFiles(c: ConformanceCase, dir: string, tmp: string): { inject: string; mesh: string; values: string } {
  const { values, mesh, injectConfig } = caseInputs(c, dir);
  const files = { inject: join(dir, 'config/inject-config.yaml'), mesh: join(tmp, `${c.name}-mesh.yaml`), values: join(tmp, `${c.name}-values.json`) };
  writeFileSync(files.values, JSON.stringify(values, null, 2));
  writeFileSync(files.mesh, stringify(mesh));
  if (injectConfig !== undefined) {
    files.inject = join(tmp, `${c.name}-inject.yaml`);
    writeFileSync(files.inject, injectConfig);
  }
  return files;
}

const expressible = (c: ConformanceCase): boolean => c.golden !== null && !c.webhookOnly && !c.platform && !c.namespaceAnnotations;

describe.skipIf(!istioctl)('istioctl kube-inject as an oracle', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'inject-sidecar-istioctl-'));
  });

  it('agrees on every corpus case of every release that istioctl accepts', async () => {
    const unexplained: string[] = [];
    const tally: string[] = [];
    let compared = 0;
    for (const { label, dir } of corpora()) {
      let n = 0;
      let refused = 0;
      for (const c of loadCases(dir).filter(expressible)) {
        const files = caseFiles(c, dir, tmp);
        const istio = kubeInject(join(dir, c.input), files, { native: c.nativeSidecars, revision: c.revision, compliancePolicy: c.compliancePolicy });
        if (istio.code !== 0) {
          refused++;
          continue;
        }
        const ours = await runCase(c, 'templates', dir);
        n++;
        const id = `${label}/${c.name}`;
        const problems = ours.exitCode !== 0 ? [`inject-sidecar failed: ${ours.stderr.trim()}`] : compareManifests(istio.stdout, ours.stdout);
        if (problems.length && !known.has(id) && !known.has(c.name)) unexplained.push(`${id}:\n  ${problems.slice(0, 6).join('\n  ')}`);
      }
      compared += n;
      tally.push(`${label}: ${n} compared, ${refused} refused by istioctl`);
    }
    console.log(`istioctl differential (corpora): ${compared} cases compared; ${tally.join('; ')}; ${unexplained.length} unexplained differences`);
    if (unexplained.length) console.log(unexplained.slice(0, 40).join('\n'));
    expect(compared).toBeGreaterThan(100);
    expect(unexplained).toEqual([]);
  }, 900_000);

  it('agrees on thousands of generated workloads, native and classic', async () => {
    const cases = fc.sample(workloadArb(), { numRuns: GENERATED, seed: 20261207 });
    const files = {
      inject: join(CORPUS_DIR, 'config/inject-config.yaml'),
      mesh: join(CORPUS_DIR, 'config/mesh.yaml'),
      values: join(CORPUS_DIR, 'config/values.json'),
    };
    const unexplained: string[] = [];
    let compared = 0;
    // Classic and native sidecars, and a revision (istio.io/rev, the status annotation, the
    // revision's discovery address and CA) on the classic run.
    for (const { native, revision } of [
      { native: false, revision: 'canary' },
      { native: true, revision: '' },
    ]) {
      const input = join(tmp, `generated-${native}.yaml`);
      // JSON documents: the same data for both YAML readers (istioctl's YAML 1.1 would read a
      // generated label `y` as true).
      writeFileSync(input, cases.map((w) => `${JSON.stringify(w, null, 2)}\n`).join('---\n'));
      const istio = kubeInject(input, files, { native, revision });
      expect(istio.stderr).not.toMatch(/panic|goroutine/);
      expect(istio.code).toBe(0);
      const ours = await runCli([
        '--jobs',
        'classic',
        '--webhook-coexistence',
        'warn',
        '--emulate',
        'kube-inject',
        '--native-sidecars',
        String(native),
        '-f',
        input,
        '--injectConfigFile',
        files.inject,
        '--meshConfigFile',
        files.mesh,
        '--valuesFile',
        files.values,
        ...(revision ? ['--revision', revision] : []),
      ]);
      expect(ours.stderr).not.toContain('internal error');
      expect(ours.code).toBe(0);
      const istioDocs = istio.stdout.split(/^---\n/m).filter((d) => d.trim());
      const ourDocs = ours.stdout.split(/^---\n/m).filter((d) => d.trim());
      expect(ourDocs.length).toBe(istioDocs.length);
      istioDocs.forEach((doc, i) => {
        compared++;
        const problems = compareManifests(goNullsDropped(doc), ourDocs[i]!);
        const id = `generated/${(parse(doc) as { metadata: { name: string } }).metadata.name}`;
        if (problems.length && !known.has(id))
          unexplained.push(
            `${id} (native ${native}, revision ${revision || 'default'}):\n  ${problems.slice(0, 6).join('\n  ')}\n  input: ${JSON.stringify(cases[i])}`,
          );
      });
    }
    console.log(`istioctl differential (generated): ${compared} workloads compared; ${unexplained.length} unexplained differences`);
    if (unexplained.length) console.log(unexplained.slice(0, 20).join('\n'));
    expect(compared).toBe(2 * GENERATED);
    expect(unexplained).toEqual([]);
  }, 900_000);

  it('fails when the tool is replaced by cat', () => {
    const c = loadCases(CORPUS_DIR).find((x) => x.name === 'hello')!;
    const files = caseFiles(c, CORPUS_DIR, tmp);
    const istio = kubeInject(join(CORPUS_DIR, c.input), files, { native: c.nativeSidecars });
    expect(istio.code).toBe(0);
    const cat = readFileSync(join(CORPUS_DIR, c.input), 'utf8');
    expect(compareManifests(istio.stdout, cat).length).toBeGreaterThan(0);
  });
});

/**
 * istioctl re-serializes the whole pod through Go's types, so a nil pointer field without
 * `omitempty` comes out as `null` in the user's own containers: `grpc.service` of a gRPC probe.
 * This tool leaves what it does not change as it was written (null and absent mean the same to
 * Kubernetes), so those nulls are dropped from istioctl's side before comparing
 * (conformance/istioctl-differences.yaml, `normalized`).
 */
function goNullsDropped(doc: string): string {
  return doc.replace(/^(\s+)service: null\n/gm, (line, _indent: string, offset: number) => {
    const before = doc.slice(Math.max(0, doc.lastIndexOf('\n', offset - 2) + 1), offset);
    return /grpc:\s*$/.test(before) || before.trimStart().startsWith('port:') ? '' : line;
  });
}

// ---- generated workloads ----------------------------------------------------------------------

const GENERATED = Number(process.env.ISTIOCTL_DIFF_WORKLOADS ?? 1500);

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const portName = fc.constantFrom('http', 'http-web', 'grpc', 'tcp-db', 'metrics', 'admin');
const port = fc.integer({ min: 1, max: 65535 }).filter((p) => ![15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090].includes(p));

const probe = (ports: { name: string; containerPort: number }[]) =>
  fc.oneof(
    fc.record({
      httpGet: fc.record({
        path: fc.constantFrom('/', '/healthz', '/ready?x=1'),
        port: fc.oneof(fc.constantFrom(...ports.map((p) => p.containerPort)), fc.constantFrom(...ports.map((p) => p.name))),
      }),
      periodSeconds: fc.integer({ min: 1, max: 30 }),
    }),
    fc.record({ tcpSocket: fc.record({ port: fc.constantFrom(...ports.map((p) => p.containerPort)) }) }),
    fc.record({ grpc: fc.record({ port: fc.constantFrom(...ports.map((p) => p.containerPort)) }) }),
    fc.record({ exec: fc.record({ command: fc.constant(['cat', '/tmp/ready']) }) }),
  );

const container = fc
  .record({
    name,
    image: fc.constantFrom('nginx:1.27', 'example/app:v1', 'registry.example.com/team/api@sha256:' + 'a'.repeat(64)),
    ports: fc.uniqueArray(fc.record({ name: portName, containerPort: port }), { minLength: 1, maxLength: 3, selector: (p) => p.name }),
  })
  .filter((c) => new Set(c.ports.map((p) => p.containerPort)).size === c.ports.length)
  .chain((c) =>
    fc.record({
      name: fc.constant(c.name),
      image: fc.constant(c.image),
      ports: fc.constant(c.ports),
      readinessProbe: fc.option(probe(c.ports), { nil: undefined }),
      livenessProbe: fc.option(probe(c.ports), { nil: undefined }),
      startupProbe: fc.option(probe(c.ports), { nil: undefined }),
      securityContext: fc.option(
        fc.record({ runAsUser: fc.integer({ min: 1000, max: 2000 }), runAsNonRoot: fc.constant(true), readOnlyRootFilesystem: fc.boolean() }),
        { nil: undefined },
      ),
      resources: fc.option(fc.record({ limits: fc.record({ cpu: fc.constantFrom('500m', '1', '2000m'), memory: fc.constantFrom('128Mi', '1Gi') }) }), {
        nil: undefined,
      }),
    }),
  );

const annotations = fc.record(
  {
    'sidecar.istio.io/proxyCPU': fc.constantFrom('100m', '200m', '1'),
    'sidecar.istio.io/proxyMemory': fc.constantFrom('128Mi', '256Mi'),
    'sidecar.istio.io/proxyCPULimit': fc.constantFrom('500m', '2'),
    'sidecar.istio.io/proxyMemoryLimit': fc.constantFrom('512Mi', '1Gi'),
    'sidecar.istio.io/logLevel': fc.constantFrom('debug', 'info', 'warning', 'error'),
    'sidecar.istio.io/componentLogLevel': fc.constantFrom('misc:error', 'misc:error,upstream:debug'),
    'sidecar.istio.io/agentLogLevel': fc.constantFrom('default:info', 'default:debug'),
    'sidecar.istio.io/interceptionMode': fc.constantFrom('REDIRECT', 'TPROXY'),
    'sidecar.istio.io/rewriteAppHTTPProbers': fc.constantFrom('true', 'false'),
    'sidecar.istio.io/nativeSidecar': fc.constantFrom('true', 'false'),
    'sidecar.istio.io/inject': fc.constant('true'),
    'traffic.sidecar.istio.io/includeOutboundIPRanges': fc.constantFrom('*', '10.0.0.0/8', '10.0.0.0/8,172.16.0.0/12'),
    'traffic.sidecar.istio.io/excludeOutboundIPRanges': fc.constantFrom('169.254.169.254/32', '10.1.0.0/16'),
    'traffic.sidecar.istio.io/excludeInboundPorts': fc.constantFrom('8080', '8080,9090'),
    'traffic.sidecar.istio.io/excludeOutboundPorts': fc.constantFrom('5432', '3306,6379'),
    'traffic.sidecar.istio.io/includeInboundPorts': fc.constantFrom('*', '8080'),
    'status.sidecar.istio.io/port': fc.constantFrom('15020', '15021', '0'),
    'readiness.status.sidecar.istio.io/initialDelaySeconds': fc.constantFrom('1', '10'),
    'readiness.status.sidecar.istio.io/periodSeconds': fc.constantFrom('2', '15'),
    'readiness.status.sidecar.istio.io/failureThreshold': fc.constantFrom('4', '30'),
    'proxy.istio.io/config': fc.constantFrom(
      'concurrency: 2',
      '{"holdApplicationUntilProxyStarts": true}',
      'proxyMetadata:\n  ISTIO_META_DNS_CAPTURE: "true"\n',
    ),
    'prometheus.io/scrape': fc.constantFrom('true', 'false'),
    'prometheus.io/port': fc.constantFrom('9090', '8080'),
    'prometheus.io/path': fc.constantFrom('/metrics', '/stats'),
    'kubectl.kubernetes.io/default-container': fc.constant('main'),
    'sidecar.istio.io/proxyImage': fc.constantFrom('docker.io/istio/proxyv2:1.29.0', 'example.com/proxy:dev'),
    'sidecar.istio.io/enableCoreDump': fc.constantFrom('true', 'false'),
    'sidecar.istio.io/userVolume': fc.constant('{"extra":{"emptyDir":{}}}'),
    'sidecar.istio.io/userVolumeMount': fc.constant('{"extra":{"mountPath":"/extra"}}'),
    'sidecar.istio.io/statsInclusionPrefixes': fc.constantFrom('cluster.outbound', 'cluster.outbound,listener'),
    'sidecar.istio.io/extraStatTags': fc.constantFrom('tag1', 'tag1,tag2'),
    'sidecar.istio.io/bootstrapOverride': fc.constant('custom-bootstrap'),
    'traffic.sidecar.istio.io/excludeInterfaces': fc.constantFrom('eth1', 'eth1,eth2'),
    'traffic.sidecar.istio.io/kubevirtInterfaces': fc.constant('net1'),
  },
  { requiredKeys: [] },
);

const podSpec = fc.record({
  containers: fc.uniqueArray(container, { minLength: 1, maxLength: 3, selector: (c) => c.name }),
  initContainers: fc.option(
    fc.array(fc.record({ name: fc.constantFrom('init-db', 'migrate'), image: fc.constant('busybox:1.36'), command: fc.constant(['sh', '-c', 'true']) }), {
      minLength: 1,
      maxLength: 1,
    }),
    { nil: undefined },
  ),
  securityContext: fc.option(fc.record({ fsGroup: fc.integer({ min: 1000, max: 3000 }), runAsNonRoot: fc.boolean() }), { nil: undefined }),
  serviceAccountName: fc.option(name, { nil: undefined }),
  dnsPolicy: fc.option(fc.constantFrom('ClusterFirst', 'Default'), { nil: undefined }),
});

const template = fc.record({
  metadata: fc.record({ labels: fc.record({ app: name, version: fc.option(fc.constantFrom('v1', 'v2'), { nil: undefined }) }), annotations }),
  spec: podSpec,
});

let serial = 0;
function workloadArb() {
  return fc
    .tuple(fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController'), template)
    .map(([kind, t]) => {
      const metadata = { name: `w${serial++}-${kind.toLowerCase()}`, namespace: 'app' };
      const clean = JSON.parse(JSON.stringify(t)) as { metadata: { labels: Record<string, string> }; spec: { restartPolicy?: string } };
      if (kind === 'Pod')
        return {
          apiVersion: 'v1',
          kind,
          metadata: { ...metadata, labels: clean.metadata.labels, annotations: (clean.metadata as { annotations?: unknown }).annotations },
          spec: clean.spec,
        };
      const selector = { matchLabels: { app: clean.metadata.labels.app } };
      if (kind === 'Job') return { apiVersion: 'batch/v1', kind, metadata, spec: { template: { ...clean, spec: { ...clean.spec, restartPolicy: 'Never' } } } };
      if (kind === 'CronJob')
        return {
          apiVersion: 'batch/v1',
          kind,
          metadata,
          spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { ...clean, spec: { ...clean.spec, restartPolicy: 'OnFailure' } } } } },
        };
      if (kind === 'ReplicationController') return { apiVersion: 'v1', kind, metadata, spec: { selector: clean.metadata.labels, template: clean } };
      const apiVersion = 'apps/v1';
      if (kind === 'StatefulSet') return { apiVersion, kind, metadata, spec: { serviceName: metadata.name, selector, template: clean } };
      return { apiVersion, kind, metadata, spec: { selector, template: clean } };
    });
}
