/**
 * JSON manifests stay JSON: `--in-place` writes a changed `.json` file back as JSON in the file's
 * own indentation (2 or 4 spaces, a tab, or none) and line-break style; stream output of one
 * `.json` file holding one document is JSON too, anything else stays a YAML stream.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitFile, jsonStyle } from '../../src/io/json-file.js';
import { parseStream } from '../../src/io/index.js';
import { runCli } from '../support/run-cli.js';

const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } };
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25', args: ['a', 'b'] }] } },
  },
};

function setup(text: string): { dir: string; file: string; ns: string } {
  const dir = mkdtempSync(join(tmpdir(), 'json-file-'));
  const ns = join(dir, 'ns.yaml');
  writeFileSync(ns, JSON.stringify(namespace));
  const file = join(dir, 'web.json');
  writeFileSync(file, text);
  return { dir, file, ns };
}

describe('JSON manifests', () => {
  for (const [name, indent, eol] of [
    ['two spaces', 2, '\n'],
    ['four spaces', 4, '\n'],
    ['a tab', '\t', '\n'],
    ['compact, no final line break', undefined, ''],
    ['CRLF', 2, '\r\n'],
  ] as const) {
    it(`--in-place writes a .json file back as JSON (${name})`, async () => {
      const text = JSON.stringify(deployment, null, indent).replace(/\n/g, eol) + eol;
      const { file, ns } = setup(text);
      const r = await runCli(['-q', '--in-place', '-f', ns, '-f', file]);
      expect(r.code, r.stderr).toBe(0);
      const out = readFileSync(file, 'utf8');
      const value = JSON.parse(out) as typeof deployment;
      expect(value.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'istio-proxy']);
      expect(out).toBe(JSON.stringify(value, null, indent).replace(/\n/g, eol) + eol);
      expect(value.metadata).toEqual(deployment.metadata);
    });
  }

  it('leaves an unchanged .json file alone and writes the YAML file as YAML', async () => {
    const { file, ns } = setup(JSON.stringify({ ...deployment, metadata: { ...deployment.metadata, namespace: 'other' } }));
    const before = readFileSync(file, 'utf8');
    const r = await runCli(['-q', '--in-place', '-f', ns, '-f', file, '--emulate', 'webhook']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('stream output of one .json document is JSON; of several inputs a YAML stream', async () => {
    const { file, ns } = setup(JSON.stringify(deployment, null, 2) + '\n');
    const one = await runCli(['-q', '--emulate', 'kube-inject', '-f', file]);
    expect(one.code, one.stderr).toBe(0);
    const value = JSON.parse(one.stdout) as typeof deployment;
    expect(value.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'istio-proxy']);
    expect(one.stdout).toBe(JSON.stringify(value, null, 2) + '\n');
    const both = await runCli(['-q', '-f', ns, '-f', file]);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toContain('\n---\n');
    expect(() => JSON.parse(both.stdout) as unknown).toThrow();
  });

  it('a JSON document in a YAML stream stays JSON; the YAML documents around it keep their bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'json-file-'));
    const file = join(dir, 'all.yaml');
    const yamlNs = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop # the shop\n  labels: {istio-injection: enabled}\n';
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
    for (const [indent, eol] of [
      [2, '\n'],
      [4, '\r\n'],
      [undefined, '\n'],
    ] as const) {
      const json = JSON.stringify(deployment, null, indent).replace(/\n/g, eol) + eol;
      const text = [yamlNs.replace(/\n/g, eol), json, cm.replace(/\n/g, eol)].join(`---${eol}`);
      writeFileSync(file, text);
      const r = await runCli(['-q', '-f', file]);
      expect(r.code, r.stderr).toBe(0);
      const parts = r.stdout.split(`---${eol}`);
      expect(parts).toHaveLength(3);
      expect(parts[0]).toBe(yamlNs.replace(/\n/g, eol));
      expect(parts[2]).toBe(cm.replace(/\n/g, eol));
      const value = JSON.parse(parts[1]!) as typeof deployment;
      expect(value.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'istio-proxy']);
      expect(parts[1]).toBe(JSON.stringify(value, null, indent).replace(/\n/g, eol) + eol);
      // the stream reads back as YAML to the same objects
      const docs = parseStream(r.stdout);
      expect(docs.map((d) => d.value.kind)).toEqual(['Namespace', 'Deployment', 'ConfigMap']);
      expect(docs[1]!.value).toEqual(value);
      // and --uninject gives the input back byte for byte
      writeFileSync(file, r.stdout);
      const u = await runCli(['-q', '--uninject', '-f', file]);
      expect(u.code, u.stderr).toBe(0);
      expect(u.stdout).toBe(text);
    }
  });

  it('an indented JSON document keeps its column; what JSON writes as it is reads back the same', () => {
    const text = 'kind: A\n---\n  {\n    "apiVersion": "v1",\n    "kind": "ConfigMap"\n  }\n';
    const [, doc] = parseStream(text, 'x.yaml');
    doc!.update(['data'], { k: 'a\u2028b\u0085' });
    const out = emitFile(parseStream(text, 'x.yaml').slice(0, 1).concat(doc!), { file: 'x.yaml' });
    expect(out).toBe('kind: A\n---\n  {\n    "apiVersion": "v1",\n    "kind": "ConfigMap",\n    "data": {\n      "k": "a\u2028b\u0085"\n    }\n  }\n');
    expect(parseStream(out)[1]!.value).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'a\u2028b\u0085' } });
  });

  it('jsonStyle reads the indentation and the final line break', () => {
    expect(jsonStyle('{\n  "a": 1\n}\n')).toEqual({ indent: 2, eol: '\n', final: true });
    expect(jsonStyle('{\n    "a": {\n        "b": 1\n    }\n}')).toEqual({ indent: 4, eol: '\n', final: false });
    expect(jsonStyle('{\r\n\t"a": 1\r\n}\r\n')).toEqual({ indent: '\t', eol: '\r\n', final: true });
    expect(jsonStyle('{"a":1}\n')).toEqual({ indent: undefined, eol: '\n', final: true });
  });

  it('emitFile prints a changed document as JSON and keeps an unchanged one byte for byte', () => {
    const text = '{\n    "apiVersion": "v1",\n    "kind": "ConfigMap",\n    "metadata": {"name": "x"}\n}\n';
    const [doc] = parseStream(text, 'x.json');
    expect(emitFile([doc!], { file: 'x.json' })).toBe(text);
    doc!.update(['data'], { k: 'v' });
    expect(emitFile([doc!], { file: 'x.json' })).toBe(
      '{\n    "apiVersion": "v1",\n    "kind": "ConfigMap",\n    "metadata": {\n        "name": "x"\n    },\n    "data": {\n        "k": "v"\n    }\n}\n',
    );
    // under another name too
    expect(emitFile([doc!], { file: 'x.yaml' })).toBe(emitFile([doc!], { file: 'x.json' }));
  });
});
