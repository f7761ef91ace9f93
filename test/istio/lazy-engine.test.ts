/**
 * The Go template engine is loaded only when a run may render with Istio's templates:
 * `usesIstioTemplates` must say yes whenever `findIstioSources` would find templates, a missing
 * engine is a loud internal error (never a silent fall-back to the built-in profile), and the
 * built entry script keeps the engine out of its own code (a chunk required only when needed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { JsonObject } from '../../src/kube/types.js';
import { buildEnvironment } from '../../src/core/environment.js';
import { usesIstioTemplates } from '../../src/istio/environment.js';
import { templateEngine } from '../../src/istio/templates.js';
import type { Result } from '../../src/results/result.js';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const configMap = (name: string, data: Record<string, string> = {}): JsonObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'istio-system' },
  data,
});
const deployment: JsonObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: {} };
const injector = configMap('istio-sidecar-injector', {
  config: 'policy: enabled\ntemplates:\n  sidecar: |\n    metadata:\n      labels:\n        rendered-by: templates\n',
  values: '{}',
});

describe('usesIstioTemplates', () => {
  const plain = loadConfig(undefined);

  it('is false for a built-in run, also with a mesh ConfigMap or values file', () => {
    expect(usesIstioTemplates([deployment, configMap('istio')], [plain], [{ valuesFile: { path: 'v.json', text: '{}' } }])).toBe(false);
  });

  it('is true for an injector ConfigMap in the input, revisioned or inside a List', () => {
    expect(usesIstioTemplates([deployment, injector], [plain], [{}])).toBe(true);
    const list: JsonObject = { apiVersion: 'v1', kind: 'List', items: [configMap('istio-sidecar-injector-canary')] };
    expect(usesIstioTemplates([list], [plain], [{}])).toBe(true);
  });

  it('is true when a templates file or an injector ConfigMap is configured, for any revision', () => {
    expect(usesIstioTemplates([deployment], [plain], [{}, { injectConfigFile: { path: 't.yaml', text: '' } }])).toBe(true);
    const revisions = loadConfig({
      apiVersion: 'inject-sidecar.dev/v1alpha1',
      kind: 'SidecarInjection',
      spec: { revisions: [{ revision: 'canary', istio: { injectorConfigMap: 'my-injector' } }] },
    });
    expect(usesIstioTemplates([deployment], [revisions, ...revisions.revisions], [{}])).toBe(true);
  });
});

describe('the environment and the engine', () => {
  const config = loadConfig(undefined, 'config', { emulate: 'kube-inject' });

  it('fails loudly when templates are found but no engine was loaded', () => {
    expect(() => buildEnvironment([injector], config, [], {}, {}, undefined)).toThrow(/template engine was not loaded/);
  });

  it('renders with the engine it is given', () => {
    const results: Result[] = [];
    const env = buildEnvironment([injector], config, results, {}, {}, templateEngine);
    expect(env.renderer.source).toBe('ConfigMap istio-system/istio-sidecar-injector');
    expect(results.map((r) => r.message)).toEqual([expect.stringMatching(/^Istio injector configuration: ConfigMap istio-system\/istio-sidecar-injector\b/)]);
  });
});

describe('the built CLI', () => {
  it('keeps the template engine out of the entry script and loads its chunk only when a run needs it', () => {
    const entry = join(repo, 'dist/inject-sidecar.js');
    if (!existsSync(entry)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo });
    // dist/inject-sidecar.js is the start-up loader; it names the entry script in dist/chunks/.
    const main = /\.\/(main-[A-Za-z0-9]+\.js)/.exec(readFileSync(entry, 'utf8'))?.[1];
    expect(main).toBeDefined();
    const chunks = join(repo, 'dist/chunks');
    const mainText = readFileSync(join(chunks, main!), 'utf8');
    const renderer = /\bTemplateRenderer ?= ?class\b/;
    expect(mainText).not.toMatch(renderer);
    // the engine's chunk is required from inside a deferred call (the bundled import()), not at load
    const lazy = /\.then\(\(\) ?=> ?(?:__toESM\()?require\("\.\/(templates-[A-Za-z0-9]+\.js)"\)/.exec(mainText);
    expect(lazy).not.toBeNull();
    const engine = lazy![1]!;
    expect(readFileSync(join(chunks, engine), 'utf8')).toMatch(renderer);
    // no other script the entry loads at start-up holds the engine
    for (const [, dep] of mainText.matchAll(/require\("\.\/((?!templates-)[A-Za-z0-9-]+\.js)"\)/g)) {
      expect(readFileSync(join(chunks, dep!), 'utf8')).not.toMatch(renderer);
    }
  });
});
