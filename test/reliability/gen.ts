/**
 * fast-check generators of valid manifests written the many ways people write YAML: Namespaces,
 * Deployments, StatefulSets, Pods, CronJobs, Services, ConfigMaps and unknown kinds, with random
 * labels and annotations, comments (head, between keys, trailing), plain/single/double-quoted
 * and block scalars, flow and block maps, both sequence indentations, and pod opt-in/opt-out
 * labels and a few valid Istio annotations. Each generated document carries its text and what it
 * is (kind, name, namespace, workload or not), so properties can check the output per document.
 * It generates only inputs that are valid for the tool; invalid input is the fuzzer's job.
 */
import fc from 'fast-check';

export interface GenDoc {
  text: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  /** A kind with a pod template (the tool may inject it). */
  workload: boolean;
}

type Style = { maps: 'block' | 'flow'; seqIndent: 0 | 2 };

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|nan|inf)$/i;

/** Can `s` be written as a plain scalar that every reader (YAML 1.1 and 1.2) reads as this string? */
function plainOk(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9._/-]*$/.test(s) && !RESERVED.test(s) && !/^[0-9+.-]/.test(s);
}

const single = (s: string) => `'${s.replace(/'/g, "''")}'`;
const double = (s: string) => JSON.stringify(s);

const scalarArb = (s: string): fc.Arbitrary<string> => {
  const styles: fc.Arbitrary<string>[] = [fc.constant(double(s))];
  if (plainOk(s)) styles.push(fc.constant(s));
  // single quotes fold line breaks and cannot escape; keep them to one line of printable text
  if (/^[^\p{Cc}\u2028\u2029\u0085]*$/u.test(s) && !/^\s|\s$/.test(s)) styles.push(fc.constant(single(s)));
  return fc.oneof(...styles);
};

const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const labelKeyArb = fc.oneof(
  nameArb,
  nameArb.map((n) => `example.com/${n}`),
  nameArb.map((n) => `app.kubernetes.io/${n}`),
);
const labelValueArb = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,10}[A-Za-z0-9])?$/);
const commentArb = fc.string({ maxLength: 20, unit: 'grapheme-ascii' }).map((s) => `# ${s.replace(/[\r\n]/g, ' ')}`.trimEnd());
const annotationValueArb = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 30, unit: 'grapheme' }),
  fc.constantFrom('true', 'false', '8080', '1.0', 'null', '', ' leading', 'a: b', '# not a comment', '{"json": [1, 2]}', 'x\ny', '__proto__', 'constructor'),
);

/** A map written in block or flow style at `indent`, each entry `key: <scalar>`. */
function mapText(entries: { key: string; scalar: string; comment?: string | undefined; block?: string[] | undefined }[], indent: number, style: Style): string {
  const pad = ' '.repeat(indent);
  if (entries.length === 0) return ' {}\n';
  if (style.maps === 'flow' && entries.every((e) => !e.block)) {
    return ` {${entries.map((e) => `${keyText(e.key)}: ${e.scalar}`).join(', ')}}\n`;
  }
  let out = '\n';
  for (const e of entries) {
    if (e.block) out += `${pad}${keyText(e.key)}: |-\n${e.block.map((l) => `${pad}  ${l}`).join('\n')}\n`;
    else out += `${pad}${keyText(e.key)}: ${e.scalar}${e.comment ? ` ${e.comment}` : ''}\n`;
  }
  return out;
}

function keyText(k: string): string {
  return plainOk(k) ? k : double(k);
}

const stringMapArb = (keyArb: fc.Arbitrary<string>, valueArb: fc.Arbitrary<string>, opts: { blocks?: boolean } = {}) =>
  fc.uniqueArray(fc.tuple(keyArb, valueArb), { maxLength: 4, selector: ([k]) => k }).chain((pairs) =>
    fc.tuple(
      ...pairs.map(([key, value]) =>
        fc.record({
          key: fc.constant(key),
          scalar: scalarArb(value),
          comment: fc.option(commentArb, { nil: undefined, freq: 4 }),
          block: opts.blocks
            ? fc.option(fc.array(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 :#.,-]{0,20}[A-Za-z0-9]$/), { minLength: 1, maxLength: 3 }), {
                nil: undefined,
                freq: 6,
              })
            : fc.constant(undefined),
        }),
      ),
    ),
  );

const styleArb: fc.Arbitrary<Style> = fc.record({
  maps: fc.constantFrom('block' as const, 'flow' as const),
  seqIndent: fc.constantFrom(0 as const, 2 as const),
});

const ISTIO_ANNOTATIONS: [string, string][] = [
  ['sidecar.istio.io/proxyCPU', '100m'],
  ['sidecar.istio.io/proxyMemory', '128Mi'],
  ['traffic.sidecar.istio.io/excludeOutboundPorts', '9090,9091'],
  ['traffic.sidecar.istio.io/includeInboundPorts', '*'],
  ['sidecar.istio.io/logLevel', 'debug'],
  ['proxy.istio.io/config', '{"holdApplicationUntilProxyStarts": true}'],
];

interface MetaOpts {
  name: string;
  namespace: string | undefined;
  indent: number;
  style: Style;
  pod?: boolean;
}

const metadataArb = (o: MetaOpts): fc.Arbitrary<string> =>
  fc
    .record({
      labels: fc.option(stringMapArb(labelKeyArb, labelValueArb), { nil: undefined }),
      inject: o.pod ? fc.option(fc.constantFrom('true', 'false'), { nil: undefined, freq: 3 }) : fc.constant(undefined),
      annotations: fc.option(stringMapArb(labelKeyArb, annotationValueArb, { blocks: true }), { nil: undefined }),
      istio: o.pod ? fc.subarray(ISTIO_ANNOTATIONS, { maxLength: 2 }) : fc.constant([]),
      comment: fc.option(commentArb, { nil: undefined, freq: 4 }),
    })
    .map(({ labels, inject, annotations, istio, comment }) => {
      const pad = ' '.repeat(o.indent);
      let out = `${pad}metadata:\n`;
      if (comment) out += `${pad}  ${comment}\n`;
      if (!o.pod || o.name) out += `${pad}  name: ${o.name}\n`;
      if (o.namespace) out += `${pad}  namespace: ${o.namespace}\n`;
      const l = [...(labels ?? [])].filter((e) => e.key !== 'sidecar.istio.io/inject');
      if (inject) l.push({ key: 'sidecar.istio.io/inject', scalar: double(inject), comment: undefined, block: undefined });
      if (l.length || labels) out += `${pad}  labels:${mapText(l, o.indent + 4, o.style)}`;
      const a = [...(annotations ?? [])];
      for (const [k, v] of istio) if (!a.some((e) => e.key === k)) a.push({ key: k, scalar: double(v), comment: undefined, block: undefined });
      if (a.length || annotations) out += `${pad}  annotations:${mapText(a, o.indent + 4, o.style)}`;
      return out;
    });

const containerArb = (indent: number, style: Style) =>
  fc
    .record({
      name: nameArb,
      image: fc.constantFrom('example/app:1', 'registry.example.com/team/app@sha256:' + 'a'.repeat(64), 'busybox'),
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      cpu: fc.option(fc.constantFrom('100m', '2000m', '0.5', '"1"'), { nil: undefined }),
      args: fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), { nil: undefined }),
    })
    .map((c) => {
      const pad = ' '.repeat(indent);
      const d = ' '.repeat(style.seqIndent);
      let out = `${pad}${d}- name: ${c.name}\n${pad}${d}  image: ${c.image}\n`;
      if (c.port !== undefined) out += `${pad}${d}  ports: [{containerPort: ${c.port}}]\n`;
      if (c.cpu !== undefined) out += `${pad}${d}  resources:\n${pad}${d}    requests:\n${pad}${d}      cpu: ${c.cpu}\n`;
      if (c.args) out += `${pad}${d}  args: [${c.args.map(double).join(', ')}]\n`;
      return { name: c.name, text: out };
    });

/** A pod spec body at `indent` (the keys under `spec:`). */
const podSpecArb = (indent: number, style: Style) =>
  fc
    .record({
      containers: fc.uniqueArray(containerArb(indent + 2, style), { minLength: 1, maxLength: 3, selector: (c) => c.name }),
      hostNetwork: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      comment: fc.option(commentArb, { nil: undefined, freq: 5 }),
    })
    .map(({ containers, hostNetwork, comment }) => {
      const pad = ' '.repeat(indent);
      let out = '';
      if (comment) out += `${pad}${comment}\n`;
      if (hostNetwork) out += `${pad}hostNetwork: true\n`;
      out += `${pad}containers:\n${containers.map((c) => c.text).join('')}`;
      return out;
    });

const NAMESPACES = ['shop', 'ops', 'plain', undefined] as const;
const namespaceArb = fc.constantFrom(...NAMESPACES);

const head = (apiVersion: string, kind: string, comment: string | undefined) => `${comment ? `${comment}\n` : ''}apiVersion: ${apiVersion}\nkind: ${kind}\n`;

function workloadArb(kind: 'Deployment' | 'StatefulSet' | 'Pod' | 'CronJob'): fc.Arbitrary<GenDoc> {
  return fc
    .record({ name: nameArb, namespace: namespaceArb, style: styleArb, comment: fc.option(commentArb, { nil: undefined }) })
    .chain(({ name, namespace, style, comment }) => {
      const podIndent = kind === 'Pod' ? 0 : kind === 'CronJob' ? 8 : 4;
      return fc
        .record({
          meta: metadataArb({ name, namespace, indent: 0, style, pod: kind === 'Pod' }),
          podMeta: kind === 'Pod' ? fc.constant('') : metadataArb({ name: '', namespace: undefined, indent: podIndent, style, pod: true }),
          podSpec: podSpecArb(podIndent + 2, style),
          replicas: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        })
        .map(({ meta, podMeta, podSpec, replicas }) => {
          let text = head(kind === 'Pod' ? 'v1' : kind === 'CronJob' ? 'batch/v1' : 'apps/v1', kind, comment) + meta;
          if (kind === 'Pod') text += `spec:\n${podSpec}`;
          else if (kind === 'CronJob') {
            text += `spec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n${podMeta}        spec:\n${podSpec}`;
          } else {
            text += `spec:\n${replicas !== undefined ? `  replicas: ${replicas}\n` : ''}`;
            if (kind === 'StatefulSet') text += `  serviceName: ${name}\n`;
            text += `  selector:\n    matchLabels: {app: ${name}}\n  template:\n${podMeta}    spec:\n${podSpec}`;
          }
          return { text, kind, name, namespace, workload: true };
        });
    });
}

const serviceArb: fc.Arbitrary<GenDoc> = fc
  .record({
    name: nameArb,
    namespace: namespaceArb,
    style: styleArb,
    port: fc.integer({ min: 1, max: 65535 }),
    comment: fc.option(commentArb, { nil: undefined }),
  })
  .chain(({ name, namespace, style, port, comment }) =>
    metadataArb({ name, namespace, indent: 0, style }).map((meta) => ({
      text: `${head('v1', 'Service', comment)}${meta}spec:\n  selector: {app: ${name}}\n  ports:\n  - {port: ${port},   targetPort: ${port}} # spacing kept\n`,
      kind: 'Service',
      name,
      namespace,
      workload: false,
    })),
  );

const configMapArb: fc.Arbitrary<GenDoc> = fc
  .record({ name: nameArb, namespace: namespaceArb, style: styleArb, comment: fc.option(commentArb, { nil: undefined }) })
  .chain(({ name, namespace, style, comment }) =>
    fc.tuple(metadataArb({ name, namespace, indent: 0, style }), stringMapArb(nameArb, annotationValueArb, { blocks: true })).map(([meta, data]) => ({
      text: `${head('v1', 'ConfigMap', comment)}${meta}data:${mapText(data, 2, style)}`,
      kind: 'ConfigMap',
      name,
      namespace,
      workload: false,
    })),
  );

const unknownArb: fc.Arbitrary<GenDoc> = fc
  .record({
    name: nameArb,
    namespace: namespaceArb,
    style: styleArb,
    kind: fc.constantFrom('Widget', 'Gadget', 'DeploymentSpec'),
    comment: fc.option(commentArb, { nil: undefined }),
  })
  .chain(({ name, namespace, style, kind, comment }) =>
    fc.tuple(metadataArb({ name, namespace, indent: 0, style }), podSpecArb(4, style)).map(([meta, spec]) => ({
      text: `${head('example.com/v1', kind, comment)}${meta}spec:\n  template:\n    ${spec.trimStart()}`,
      kind,
      name,
      namespace,
      workload: false,
    })),
  );

const namespaceDocArb: fc.Arbitrary<GenDoc> = fc
  .record({ name: fc.constantFrom('shop', 'ops'), injection: fc.constantFrom('enabled', 'disabled'), comment: fc.option(commentArb, { nil: undefined }) })
  .map(({ name, injection, comment }) => ({
    text: `${head('v1', 'Namespace', comment)}metadata:\n  name: ${name}\n  labels:\n    istio-injection: ${injection}\n`,
    kind: 'Namespace',
    name,
    namespace: undefined,
    workload: false,
  }));

export const docArb: fc.Arbitrary<GenDoc> = fc.oneof(
  { weight: 3, arbitrary: workloadArb('Deployment') },
  { weight: 2, arbitrary: workloadArb('StatefulSet') },
  { weight: 2, arbitrary: workloadArb('Pod') },
  { weight: 2, arbitrary: workloadArb('CronJob') },
  { weight: 2, arbitrary: serviceArb },
  { weight: 2, arbitrary: configMapArb },
  { weight: 1, arbitrary: unknownArb },
);

/** A stream: a Namespace `shop` (injection enabled) usually first, then documents; names unique per kind. */
export const streamArb: fc.Arbitrary<GenDoc[]> = fc
  .tuple(
    fc.uniqueArray(namespaceDocArb, { maxLength: 2, selector: (d) => d.name }),
    fc.uniqueArray(docArb, { minLength: 1, maxLength: 6, selector: (d) => `${d.kind}/${d.namespace}/${d.name}` }),
  )
  .map(([ns, docs]) => [...ns, ...docs]);
