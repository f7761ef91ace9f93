/**
 * Quick I/O measurement (not a test): parse + emit of a ResourceList with N workloads and N
 * Services/ConfigMaps, untouched and with every workload edited, against the `yaml` floor
 * (`parseAllDocuments` + `toString`). Run: npx tsx test/io/perf/measure.ts [N]
 */
import { parseAllDocuments } from 'yaml';
import { emitResourceList, emitStream, parseResourceList, parseStream } from '../../../src/io/index.js';
import type { Json } from '../../../src/kube/types.js';
import { resourceList, stream } from './gen.js';

const n = Number(process.argv[2] ?? 10000);
const runs = Number(process.argv[3] ?? 3);

function median(f: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    f();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

function inject(h: { value: Record<string, Json>; update(p: (string | number)[], v: Json): void }): void {
  if (h.value.kind !== 'Deployment') return;
  const tpl = structuredClone((h.value.spec as Record<string, Json>).template) as any;
  tpl.metadata.annotations = { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' };
  tpl.spec.containers.push({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0', args: ['proxy', 'sidecar'] });
  tpl.spec.volumes.push({ name: 'istio-envoy', emptyDir: { medium: 'Memory' } });
  h.update(['spec', 'template'], tpl);
}

for (const [name, text, kind] of [
  ['ResourceList', resourceList(n), 'rl'],
  ['stream', stream(n), 'stream'],
] as const) {
  const base = median(() => parseAllDocuments(text).map((d) => d.toString()).join(''));
  const untouched = median(() =>
    kind === 'rl' ? emitResourceList(parseResourceList(text), []) : emitStream(parseStream(text)),
  );
  const edited = median(() => {
    if (kind === 'rl') {
      const p = parseResourceList(text);
      p.items.forEach(inject);
      return emitResourceList(p, []);
    }
    const hs = parseStream(text);
    hs.forEach(inject);
    return emitStream(hs);
  });
  console.log(
    `${name} (${n} workloads + ${n} others, ${(text.length / 1e6).toFixed(1)} MB): yaml floor ${base.toFixed(0)} ms; ` +
      `io untouched ${untouched.toFixed(0)} ms (${(untouched / base).toFixed(2)}x); ` +
      `io all workloads edited ${edited.toFixed(0)} ms (${(edited / base).toFixed(2)}x)`,
  );
}
