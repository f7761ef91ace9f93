/**
 * The invariants of the tool over generated valid manifests (gen.ts), as functions that return
 * the first broken invariant or `undefined`, shared by properties.test.ts (fixed seed, bounded)
 * and `npm run fuzz` (long run):
 * - stream mode: exit 0; the output parses; every input document is in the output, in order and
 *   with the same kind/name/namespace; documents not injected are byte-identical; injected ones
 *   keep every container they had; running again on the output gives the same bytes.
 * - KRM mode: the same over a ResourceList (untouched items byte-identical inside the output).
 */
import { parseDocument } from 'yaml';
import type { GenDoc } from './gen.js';
import { checkRun, parseOutput, runCli, splitStream } from './harness.js';
import { asResourceList } from './mutate.js';

type Obj = Record<string, any>;

function podSpec(o: Obj): Obj | undefined {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}

function containerNames(o: Obj): string[] {
  const s = podSpec(o) ?? {};
  return [...(s.initContainers ?? []), ...(s.containers ?? [])].map((c: Obj) => c.name);
}

const injected = (o: Obj) => containerNames(o).includes('istio-proxy');

function sameIdentity(d: GenDoc, o: unknown): string | undefined {
  const x = o as Obj;
  if (!x || x.kind !== d.kind || x.metadata?.name !== d.name || x.metadata?.namespace !== d.namespace) {
    return `document ${d.kind} ${d.namespace ?? ''}/${d.name} came out as ${JSON.stringify({ kind: x?.kind, metadata: x?.metadata })}`;
  }
  return undefined;
}

export async function streamInvariants(docs: GenDoc[]): Promise<string | undefined> {
  const input = docs.map((d) => d.text).join('---\n');
  const r = await runCli(['-f', '-'], input);
  const bad = checkRun(r, 'stream');
  if (bad) return bad;
  if (r.code !== 0) return `exit ${r.code}: ${r.stderr}`;
  const parsed = parseOutput(r.stdout);
  if ('error' in parsed) return `output does not parse: ${parsed.error}`;
  const outDocs = splitStream(r.stdout);
  if (outDocs.length !== docs.length || parsed.docs.length !== docs.length) {
    return `${docs.length} documents in, ${outDocs.length} texts and ${parsed.docs.length} documents out`;
  }
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    const o = parsed.docs[i] as Obj;
    const id = sameIdentity(d, o);
    if (id) return id;
    const before = parseDocument(d.text).toJS() as Obj;
    if (!d.workload || !injected(o)) {
      if (outDocs[i] !== d.text) return `document ${i + 1} (${d.kind} ${d.name}) is not injected but changed:\n--- in\n${d.text}\n--- out\n${outDocs[i]}`;
      continue;
    }
    const lost = containerNames(before).filter((n) => !containerNames(o).includes(n));
    if (lost.length) return `document ${i + 1} lost containers ${lost.join(', ')}`;
    const podLabels = (x: Obj) =>
      (x.kind === 'Pod' ? x.metadata : x.kind === 'CronJob' ? x.spec?.jobTemplate?.spec?.template?.metadata : x.spec?.template?.metadata)?.labels ?? {};
    for (const [k, v] of Object.entries(podLabels(before) as Obj)) {
      // the injection may set sidecar.istio.io/inject=false so a live webhook does not inject again
      if (k !== 'sidecar.istio.io/inject' && podLabels(o)[k] !== v) return `document ${i + 1} lost pod label ${k}`;
    }
  }
  const again = await runCli(['-f', '-'], r.stdout);
  if (again.code !== 0) return `second run exit ${again.code}: ${again.stderr}`;
  if (again.stdout !== r.stdout) return `f(f(x)) != f(x):\n--- f(x)\n${r.stdout}\n--- f(f(x))\n${again.stdout}`;
  return undefined;
}

/** The items text of a ResourceList output (everything before a top-level `results:`). */
function itemsPart(text: string): string {
  const i = text.search(/^results:/m);
  return i === -1 ? text : text.slice(0, i);
}

export async function krmInvariants(docs: GenDoc[]): Promise<string | undefined> {
  const input = asResourceList(docs.map((d) => d.text).join('---\n'));
  const r = await runCli([], input);
  const bad = checkRun(r, 'krm');
  if (bad) return bad;
  if (r.code !== 0) return `exit ${r.code}: ${r.stderr}`;
  const parsed = parseOutput(r.stdout);
  if ('error' in parsed) return `output does not parse: ${parsed.error}`;
  const items = (parsed.docs[0] as Obj).items as unknown[];
  if (items.length !== docs.length) return `${docs.length} items in, ${items.length} out`;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    const id = sameIdentity(d, items[i]);
    if (id) return id;
    if (!d.workload || !injected(items[i] as Obj)) {
      const itemText = asResourceList(d.text).replace(/^[\s\S]*?\nitems:\n/, '');
      if (!r.stdout.includes(itemText)) return `item ${i + 1} (${d.kind} ${d.name}) is not injected but its text changed:\n${itemText}\n--- out\n${r.stdout}`;
    }
  }
  const again = await runCli([], r.stdout);
  if (again.code !== 0) return `second run exit ${again.code}: ${again.stderr}`;
  if (itemsPart(again.stdout) !== itemsPart(r.stdout)) return `f(f(x)) != f(x) (items):\n--- f(x)\n${r.stdout}\n--- f(f(x))\n${again.stdout}`;
  return undefined;
}
