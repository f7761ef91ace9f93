/**
 * A `SidecarRenderer` over Istio's Go injection templates (istiod's `RunTemplate` up to the
 * merge): selects the templates for a pod (`inject.istio.io/templates`, else `defaultTemplates`;
 * `aliases` expanded one level), executes each on the Go view of the template data, and reads
 * each output as `sigs.k8s.io/yaml` would into a patch. What the renderer keeps between workloads
 * it owns (one renderer per run and revision): the parsed templates (a template that fails to
 * parse fails every workload that selects it, with Go's message) and the Go view of `.Values`.
 *
 * Not responsible for: finding the configuration (config.ts), the merge and post-processing
 * (src/inject/pipeline.ts), or the template engine itself (src/template/).
 */
import { Annotation } from '../kube/keys.js';
import { parseTemplateOutput, TemplateOutputError } from '../io/template-output.js';
import type { RenderedPatch, SidecarRenderer, SidecarTemplateData } from '../inject/types.js';
import { checkGoStringFields, templateOutputError } from '../inject/gozero.js';
import { UserError } from '../results/result.js';
import { checkPodPatchTypes } from '../kube/shape.js';
import { isTemplateError, Template, type FuncMap } from '../template/index.js';
import type { StructType } from '../template/value.js';
import { compareGoStrings } from '../template/value.js';
import type { InjectorConfig } from './config.js';
import { goTemplateData, goTemplateType } from './goview.js';

export type Emulation = 'webhook' | 'kube-inject';

export interface TemplateRendererOptions {
  /** The injector config (templates, defaultTemplates, aliases). */
  injector: Pick<InjectorConfig, 'templates' | 'defaultTemplates' | 'aliases'>;
  /** kube-inject always starts from `[sidecar]` and knows no aliases, as istioctl does. */
  emulate: Emulation;
  /** Function maps installed in every template (sprig first, Istio's last so they win). */
  funcs: readonly FuncMap[];
  /** For results, e.g. `ConfigMap istio-system/istio-sidecar-injector`. */
  source: string;
}

const TEMPLATES_ANNOTATION_PATH = `metadata.annotations["${Annotation.templates}"]`;

/**
 * Istio's `selectTemplates` + `resolveAliases`: the annotation's comma list (names trimmed, order
 * and duplicates kept), else the default templates; each name replaced by its alias list (one
 * level, not recursive).
 */
export function selectTemplates(
  annotations: Readonly<Record<string, string>> | undefined,
  injector: Pick<InjectorConfig, 'defaultTemplates' | 'aliases'>,
  emulate: Emulation,
): { names: string[]; fromAnnotation: boolean } {
  const requested = annotations?.[Annotation.templates];
  const fromAnnotation = requested !== undefined;
  const names = fromAnnotation ? requested.split(',').map((n) => n.trim()) : emulate === 'kube-inject' ? ['sidecar'] : injector.defaultTemplates;
  const aliases = emulate === 'kube-inject' ? {} : injector.aliases;
  const out: string[] = [];
  for (const name of names) {
    const alias = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
    if (alias) out.push(...alias);
    else out.push(name);
  }
  return { names: out, fromAnnotation };
}

/**
 * Bounds for one execution of an injection template (they come from the repository, so they may be
 * hostile): real ones recurse little, loop over a pod's containers and ports, and print a few KiB.
 * Istio's sidecar template on the conformance corpus's pods uses at most 810 steps, 52 KiB of
 * allocations, 9 range iterations and 6 KiB of output: the bounds leave it 600 to 10,000 times
 * that (SECURITY.md, "Bounded CPU and memory"), and stop a hostile template within a few seconds
 * and a few hundred MB.
 */
export const INJECTION_TEMPLATE_LIMITS = {
  maxTemplateDepth: 1000,
  maxRangeIterations: 100_000,
  maxOutputBytes: 4 * 1024 * 1024,
  maxSteps: 1_000_000,
  maxAllocBytes: 32 * 1024 * 1024,
} as const;

type Compiled = { ok: true; template: Template } | { ok: false; error: string };

export class TemplateRenderer implements SidecarRenderer {
  readonly source: string;
  private readonly options: TemplateRendererOptions;
  /** Parsed templates by name, with the text they were parsed from. */
  private readonly compiled = new Map<string, { text: string; result: Compiled }>();
  /** The Go type of the template data for the `.Values` object of the run (the settings'), made on first use. */
  private view: { values: object; type: StructType } | undefined;

  constructor(options: TemplateRendererOptions) {
    this.options = options;
    this.source = options.source;
  }

  /** The parsed template `name` (parsed on first use, then reused while its text is the same). */
  private template(name: string, text: string): Template {
    let entry = this.compiled.get(name);
    if (!entry || entry.text !== text) {
      let result: Compiled;
      try {
        result = {
          ok: true,
          template: new Template(name, { funcs: this.options.funcs, missingKey: 'default', limits: INJECTION_TEMPLATE_LIMITS }).parse(text),
        };
      } catch (e) {
        if (!isTemplateError(e)) throw e;
        result = { ok: false, error: e.message };
      }
      entry = { text, result };
      this.compiled.set(name, entry);
    }
    const c = entry.result;
    if (!c.ok) throw new UserError(`injection template ${JSON.stringify(name)} of ${this.source} does not parse: ${c.error}`, undefined, 'template-parse');
    return c.template;
  }

  render(data: SidecarTemplateData): RenderedPatch[] {
    const { templates } = this.options.injector;
    const selected = selectTemplates(data.objectMeta.annotations, this.options.injector, this.options.emulate);
    if (this.view?.values !== data.values) this.view = { values: data.values, type: goTemplateType(data.values) };
    const view = goTemplateData(data, this.view.type);
    const patches: RenderedPatch[] = [];
    for (const name of selected.names) {
      const text = Object.hasOwn(templates, name) ? templates[name] : undefined;
      if (text === undefined) {
        const have = Object.keys(templates).sort(compareGoStrings).join(', ');
        throw new UserError(
          `requested template ${JSON.stringify(name)} not found; have ${have}`,
          selected.fromAnnotation ? TEMPLATES_ANNOTATION_PATH : undefined,
          'template-not-found',
        );
      }
      const template = this.template(name, text);
      let output: string;
      try {
        output = template.execute(view);
      } catch (e) {
        if (!isTemplateError(e)) throw e;
        throw new UserError(`injection template ${JSON.stringify(name)} failed: ${e.message}`, undefined, 'template-exec');
      }
      try {
        // istiod reads the output into corev1 structs: omitempty zero values do not survive.
        const patch = parseTemplateOutput(output);
        // as in istiod, output that does not fit the pod's types fails here, not in the merge
        checkPodPatchTypes(patch);
        // and so does a number or a boolean in a string field (env name `0o17` is int 15)
        checkGoStringFields(patch);
        patches.push(patch);
      } catch (e) {
        if (!(e instanceof TemplateOutputError) && !(e instanceof UserError)) throw e;
        throw templateOutputError(name, e.message);
      }
      checkIdentity(patches[patches.length - 1] as RenderedPatch, data, name);
    }
    return patches;
  }
}

/**
 * A template may not rename the pod or move it to another namespace: an admission webhook cannot
 * either (the API server rejects the patch), and an injector that did would let a repository's
 * template put a workload into `kube-system`. The pod's own value (for the namespace also the
 * workload's) is allowed; an empty or null value is Go's zero value, dropped before the merge.
 */
function checkIdentity(patch: RenderedPatch, data: SidecarTemplateData, template: string): void {
  const meta = patch.metadata;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return;
  const own = data.objectMeta;
  const allowed = { name: [own.name], namespace: [own.namespace, data.deploymentMeta.namespace] };
  for (const key of ['name', 'namespace'] as const) {
    if (!Object.hasOwn(meta, key)) continue;
    const v = meta[key];
    if (v === null || v === '' || (typeof v === 'string' && allowed[key].includes(v))) continue;
    const current = own[key] ?? '';
    throw new UserError(
      `injection template ${JSON.stringify(template)} may not change the pod's metadata.${key} (from ${JSON.stringify(current)} to ${JSON.stringify(v)}): an admission webhook cannot`,
      `metadata.${key}`,
      'template-identity',
    );
  }
}
