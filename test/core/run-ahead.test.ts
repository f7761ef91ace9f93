/**
 * The run renders pods a few at a time (core/run.ts `RENDERS_AHEAD`): it reads and decides the
 * next workloads while their renders wait, renders them back to back, then finishes each one.
 * What it says and writes must still come in input order, resource by resource, a render's error
 * must land on its own workload, and the resources it holds while renders wait are bounded.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { run, type Resource } from '../../src/core/run.js';
import type { TemplateEngine } from '../../src/istio/environment.js';
import type { RenderedPatch, SidecarTemplateData } from '../../src/inject/types.js';
import { getIn, type Path } from '../../src/kube/kinds.js';
import { isObject, type Json, type JsonObject } from '../../src/kube/types.js';
import { UserError } from '../../src/results/result.js';

/** What the fake resources and renderer saw, in the order they saw it. */
type Event = `read ${string}` | `render ${string}` | `done ${string}` | 'update';

function resource(obj: JsonObject, events: Event[]): Resource & { readonly done: boolean } {
  const name = String((obj.metadata as JsonObject).name);
  let read = false;
  return {
    header: { apiVersion: String(obj.apiVersion), kind: String(obj.kind) },
    get value() {
      if (!read) events.push(`read ${name}`);
      read = true;
      return obj;
    },
    update(path: Path, value: Json) {
      events.push('update');
      const parent = getIn(obj, path.slice(0, -1));
      if (!isObject(parent)) throw new Error(`no parent at ${path.join('.')}`);
      parent[String(path[path.length - 1])] = value;
    },
    get done() {
      return events.includes(`done ${name}`);
    },
  };
}

const deployment = (name: string, annotations: Record<string, string> = {}): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: { template: { metadata: { labels: { app: name }, annotations }, spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
});
const service = (name: string): JsonObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: {} });
const namespace: JsonObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } };
const injector: JsonObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
  data: { config: 'policy: enabled\ntemplates:\n  sidecar: "{}"\n', values: '{}' },
};

/** Renders a label naming the workload; a workload named `*bad-render*` makes it fail as a template would. */
function engine(events: Event[]): TemplateEngine {
  return {
    renderer: () => ({
      source: 'test renderer',
      render(data: SidecarTemplateData): RenderedPatch[] {
        const name = data.deploymentMeta.name;
        events.push(`render ${name}`);
        if (name.includes('bad-render')) throw new UserError(`template failed for ${name}`, undefined, 'template-error');
        return [{ metadata: { labels: { rendered: name } }, spec: { containers: [{ name: 'istio-proxy', image: 'proxy:1' }] } }];
      },
    }),
  };
}

function runAll(objects: JsonObject[]) {
  const events: Event[] = [];
  const resources = objects.map((o) => resource(o, events));
  const output = run(resources, {
    config: loadConfig(undefined),
    engine: engine(events),
    onResourceDone: (r) => {
      const obj = r.value;
      events.push(`done ${String((obj.metadata as JsonObject).name)}`);
    },
  });
  return { events, output, resources };
}

const names = (objects: JsonObject[]): string[] => objects.map((o) => String((o.metadata as JsonObject).name));
const rendered = (o: JsonObject): Json | undefined => getIn(o, ['spec', 'template', 'metadata', 'labels', 'rendered']);

describe('a run that renders ahead', () => {
  it('renders a batch back to back, and hands resources on in input order, each written first', () => {
    const objects = [namespace, injector];
    for (let i = 0; i < 20; i++) objects.push(deployment(`web-${i}`), service(`svc-${i}`));
    const { events, output } = runAll(objects);

    const done = events.filter((e) => e.startsWith('done ')).map((e) => e.slice(5));
    expect(done).toEqual(names(objects));
    // The first renders come back to back, before any workload is handed on.
    const firstDone = events.indexOf('done web-0');
    const rendersBefore = events.slice(0, firstDone).filter((e) => e.startsWith('render '));
    expect(rendersBefore.length).toBeGreaterThan(1);
    expect(rendersBefore.length).toBeLessThanOrEqual(8);
    // Every workload was injected with its own render, and each result sits at its own workload.
    for (let i = 0; i < 20; i++) expect(rendered(objects[2 + 2 * i]!)).toBe(`web-${i}`);
    const workloadResults = output.results.filter((r) => r.resourceRef?.kind === 'Deployment');
    expect(workloadResults.map((r) => r.resourceRef?.name)).toEqual(names(objects.filter((o) => o.kind === 'Deployment')));
    expect(workloadResults.every((r) => r.tags?.action === 'injected')).toBe(true);
  });

  it("turns a render's error into its own workload's result, in place", () => {
    const objects = [namespace, injector, deployment('web-a'), deployment('bad-render'), deployment('web-b'), service('svc'), deployment('web-c')];
    const { output } = runAll(objects);
    const byWorkload = output.results.filter((r) => r.resourceRef?.kind === 'Deployment');
    expect(byWorkload.map((r) => [r.resourceRef?.name, r.severity])).toEqual([
      ['web-a', 'info'],
      ['bad-render', 'error'],
      ['web-b', 'info'],
      ['web-c', 'info'],
    ]);
    expect(byWorkload[1]!.message).toBe('template failed for bad-render');
    expect(byWorkload[1]!.field?.path).toBe('spec.template');
    expect(byWorkload[1]!.tags?.reason).toBe('template-error');
    expect(rendered(objects[3]!)).toBeUndefined();
    expect(rendered(objects[4]!)).toBe('web-b');
  });

  it('keeps the order of results between workloads, errors before the render and skipped ones', () => {
    const objects = [
      namespace,
      injector,
      deployment('web-a'),
      deployment('bad-annotation', { 'sidecar.istio.io/interceptionMode': 'NOPE' }),
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'no-template', namespace: 'shop' }, spec: {} },
      deployment('opted-out', { 'sidecar.istio.io/inject': 'false' }),
      deployment('web-b'),
    ];
    const { output } = runAll(objects);
    const byWorkload = output.results.filter((r) => r.resourceRef?.kind === 'Deployment');
    expect(byWorkload.map((r) => [r.resourceRef?.name, r.tags?.action ?? r.severity])).toEqual([
      ['web-a', 'injected'],
      ['bad-annotation', 'error'],
      ['no-template', 'error'],
      ['opted-out', 'skipped'],
      ['web-b', 'injected'],
    ]);
  });

  it("finishes a List's workloads in order, each after the one before", () => {
    const items = ['a', 'b', 'c', 'bad-render', 'e'].map((n) => deployment(`item-${n}`));
    const list: JsonObject = { apiVersion: 'v1', kind: 'List', metadata: { name: 'the-list' }, items };
    const objects = [namespace, injector, deployment('before'), list, deployment('after')];
    const { events, output } = runAll(objects);
    expect(output.results.filter((r) => r.resourceRef?.kind === 'Deployment').map((r) => r.resourceRef?.name)).toEqual([
      'before',
      'item-a',
      'item-b',
      'item-c',
      'item-bad-render',
      'item-e',
      'after',
    ]);
    expect(events.filter((e) => e.startsWith('done ')).map((e) => e.slice(5))).toEqual(['shop', 'istio-sidecar-injector', 'before', 'the-list', 'after']);
    expect(items.map((i) => rendered(i) ?? null)).toEqual(['item-a', 'item-b', 'item-c', null, 'item-e']);
    // The List's workloads are rendered back to back with the others: all seven before the first is written.
    const rendersBeforeWrite = events.slice(0, events.indexOf('update')).filter((e) => e.startsWith('render ')).length;
    expect(rendersBeforeWrite).toBe(7);
  });

  it('holds a bounded number of resources while a render waits', () => {
    // Workloads that are not injected are read and decided as the run reaches them.
    const objects = [namespace, injector, deployment('web')];
    for (let i = 0; i < 500; i++) objects.push(deployment(`opted-out-${i}`, { 'sidecar.istio.io/inject': 'false' }));
    const { events } = runAll(objects);
    const readBeforeDone = events.slice(0, events.indexOf('done web')).filter((e) => e.startsWith('read ')).length;
    expect(readBeforeDone).toBeGreaterThan(3);
    expect(readBeforeDone).toBeLessThanOrEqual(3 + 64);
    expect(events.filter((e) => e.startsWith('done ')).length).toBe(objects.length);
  });

  it('holds a bounded number of resources behind a List whose workloads are taken on one by one', () => {
    const list: JsonObject = { apiVersion: 'v1', kind: 'List', metadata: { name: 'the-list' }, items: [] };
    for (let i = 0; i < 150; i++) (list.items as JsonObject[]).push(deployment(`item-${i}`));
    const objects = [namespace, injector, list];
    for (let i = 0; i < 300; i++) objects.push(deployment(`opted-out-${i}`, { 'sidecar.istio.io/inject': 'false' }));
    const { events } = runAll(objects);
    const readBeforeDone = events.slice(0, events.indexOf('done the-list')).filter((e) => e.startsWith('read ')).length;
    expect(readBeforeDone).toBeLessThanOrEqual(3 + 64);
    expect((list.items as JsonObject[]).every((item) => rendered(item) === (item.metadata as JsonObject).name)).toBe(true);
    expect(events.filter((e) => e.startsWith('done ')).map((e) => e.slice(5))).toEqual(names(objects));
  });
});
