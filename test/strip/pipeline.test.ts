/**
 * uninject(inject(x)) == x through the real pipeline (`injectPod` with the built-in profile),
 * for every pod template of the golden corpus inputs, with each case's values and mesh settings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JsonObject, PodTemplate } from '../../src/kube/types.js';
import { injectPod } from '../../src/inject/pipeline.js';
import { builtinRenderer } from '../../src/inject/builtin/render.js';
import { applyMeshConfig, defaultMeshConfig } from '../../src/inject/mesh.js';
import { deepMerge } from '../../src/config/settings.js';
import type { InjectorSettings } from '../../src/inject/types.js';
import { resolveSettings } from '../../src/inject/settings.js';
import { stripInjection } from '../../src/inject/strip.js';
import { corpusDir, podTemplateOf, readDocs } from '../postprocess/corpus.js';

interface Case {
  name: string;
  input: string;
  values?: JsonObject;
  mesh?: JsonObject;
  templates?: unknown;
  nativeSidecars: boolean;
  revision?: string;
}

const cases = (parse(readFileSync(path.join(corpusDir, 'cases.yaml'), 'utf8')) as { cases: Case[] }).cases;
const baseValues = JSON.parse(readFileSync(path.join(corpusDir, 'config/values.json'), 'utf8')) as JsonObject;
const baseMesh = parse(readFileSync(path.join(corpusDir, 'config/mesh.yaml'), 'utf8')) as JsonObject;

function settingsFor(c: Case): InjectorSettings {
  return resolveSettings({
    values: deepMerge(baseValues, c.values ?? {}) as JsonObject,
    meshConfig: applyMeshConfig(deepMerge(baseMesh, c.mesh ?? {}) as JsonObject, defaultMeshConfig()),
    revision: c.revision ?? '',
    nativeSidecars: c.nativeSidecars,
    compliancePolicy: '',
  });
}

describe('uninject(inject(x)) == x through injectPod (built-in profile) on the corpus inputs', () => {
  let injectedPods = 0;
  for (const c of cases.filter((x) => !x.templates)) {
    it(c.name, () => {
      const settings = settingsFor(c);
      for (const doc of readDocs(c.input)) {
        const items = doc.kind === 'List' && Array.isArray(doc.items) ? (doc.items as JsonObject[]) : [doc];
        for (const item of items) {
          const template = podTemplateOf(item);
          if (!template) continue;
          const meta = (item.metadata ?? {}) as JsonObject;
          const workload = {
            apiVersion: String(item.apiVersion),
            kind: String(item.kind),
            name: String(meta.name ?? ''),
            namespace: String(meta.namespace ?? 'default'),
          };
          const pristine = stripInjection(template).pod;
          let injected: PodTemplate;
          try {
            injected = injectPod({ pod: pristine, workload, settings, renderer: builtinRenderer }).pod;
          } catch {
            continue; // invalid annotations etc.: not injectable, nothing to strip
          }
          injectedPods++;
          const stripped = stripInjection(injected);
          expect(stripped.pod).toEqual(pristine);
          expect(JSON.stringify(stripped.pod)).toBe(JSON.stringify(pristine));
          expect(injectPod({ pod: stripped.pod, workload, settings, renderer: builtinRenderer }).pod).toEqual(injected);
        }
      }
    });
  }
  it('injected a meaningful number of pods', () => expect(injectedPods).toBeGreaterThan(50));
});
