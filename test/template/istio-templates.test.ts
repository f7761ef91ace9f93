/**
 * Parses Istio's real injection templates (from the shared conformance corpus's
 * `config/inject-config.yaml`) with the port's parser: the four pod-injection templates with the
 * function check on (unknown functions are parse errors), every template with it off. Functions
 * the libraries do not provide yet are stubbed: this test is about parsing.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Template, type FuncMap } from '../../src/template/index.js';
import { loadLibraries } from './go-harness.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const configPath = path.resolve(repoRoot, '../shared/istio-conformance/config/inject-config.yaml');

/** The functions Istio's pod templates call (research census, HEAD plus older versions). */
const ISTIO_TEMPLATE_FUNCS = [
  'default',
  'quote',
  'list',
  'append',
  'join',
  'nindent',
  'trunc',
  'trimAll',
  'trimSuffix',
  'annotation',
  'isset',
  'valueOrDefault',
  'excludeInboundPort',
  'appendMultusNetwork',
  'directory',
  'fromJSON',
  'structToJSON',
  'protoToJSON',
  'toYaml',
  'indent',
  'contains',
  'toLower',
  'omitNil',
  'otelResourceAttributes',
  'env',
  'omit',
  'strdict',
  'toJsonMap',
  'formatDuration',
  'includeInboundPorts',
  'kubevirtInterfaces',
  'excludeInterfaces',
  'applicationPorts',
  'toJSON',
  'mergeMaps',
];

const POD_TEMPLATES = ['sidecar', 'gateway', 'grpc-simple', 'grpc-agent'];

describe.skipIf(!existsSync(configPath))("Istio's injection templates", () => {
  const config = parseYaml(readFileSync(configPath, 'utf8')) as { templates: Record<string, string> };

  it('include the four pod templates', () => {
    for (const name of POD_TEMPLATES) expect(typeof config.templates[name]).toBe('string');
  });

  it.each(POD_TEMPLATES)('parses %s with the function check', async (name) => {
    const libs = await loadLibraries();
    const stubs: FuncMap = {};
    for (const f of ISTIO_TEMPLATE_FUNCS) stubs[f] = () => '';
    const t = new Template(name, { funcs: [stubs, ...(libs.sprig ? [libs.sprig] : [])] });
    t.parse(config.templates[name] as string);
    expect(t.tree?.root?.nodes.length ?? 0).toBeGreaterThan(0);
    if (name === 'sidecar') expect(t.lookup('resources')).toBeDefined();
  });

  it('parses every template without the function check', () => {
    const names = Object.keys(config.templates);
    expect(names.length).toBeGreaterThanOrEqual(POD_TEMPLATES.length);
    for (const name of names) {
      const t = new Template(name, { skipFuncCheck: true });
      expect(() => t.parse(config.templates[name] as string)).not.toThrow();
    }
  });

  it('rejects an unknown function in a pod template by name', () => {
    const t = new Template('sidecar');
    expect(() => t.parse(config.templates['sidecar'] as string)).toThrow(/function "\w+" not defined/);
  });
});
