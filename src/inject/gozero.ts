/**
 * What Go's typed round trip does to a template's containers: istiod merges the rendered YAML into
 * a `corev1.Pod` struct and marshals it again (istioctl kube-inject prints that struct; the
 * webhook's JSON patch is the difference between it and the pod it was sent), so
 * - scalar fields tagged `omitempty` that the template set to their zero value
 *   (`initialDelaySeconds: 0`, an env `value: ""`, `readOnly: false`) disappear, while pointer
 *   fields (`runAsUser: 0`, `readOnlyRootFilesystem: false`) stay;
 * - scalar fields Go always writes appear with their zero value when the template left them out:
 *   `resourceFieldRef.divisor` is a non-pointer `resource.Quantity` (whose `omitempty` has no
 *   effect on a struct), so a template without it comes out with `divisor: "0"` (Istio's templates
 *   before 1.29 write no divisor).
 * The Go struct shapes are the ones `json.Marshal` uses for the override annotation
 * (postprocess/gojson.ts); this module applies them to the rendered patch in place of a full
 * re-serialization, keeping everything else (key order, quantities, unknown fields) as the
 * template wrote it. Non-pointer structs Go prints as `{}` (`resources: {}`) are not added: they
 * mean the same as an absent field and would only be noise. Nulls are kept: in a patch they
 * delete, and the merge must see them.
 *
 * `checkGoStringFields` fails a patch where istiod's typed decode would (a number or a boolean in
 * a string field), with the same shapes.
 *
 * Not responsible for: the merge, or zero values outside containers and init containers.
 */
import { isObject, type Json, type JsonObject } from '../kube/types.js';
import { kindOf, pathOf, type Segments } from '../kube/shape.js';
import { UserError } from '../results/result.js';
import { Container, Pod, type Fields, type Kind } from './postprocess/gojson.js';

/** Go's zero value of a scalar kind as `json.Marshal` writes it; undefined for kinds not filled in. */
function printedZero(kind: Kind): Json | undefined {
  switch (kind) {
    case 'string':
      return '';
    case 'int':
    case 'intstr':
      return 0;
    case 'bool':
      return false;
    case 'quantity':
      return '0';
    default:
      return undefined;
  }
}

function isZeroScalar(v: Json, kind: Kind): boolean {
  return (kind === 'string' && v === '') || (kind === 'int' && v === 0) || (kind === 'bool' && v === false);
}

function applyKind(value: Json, kind: Kind, zeroAsNull: boolean): Json {
  if (typeof kind !== 'object') return value;
  if ('list' in kind) return Array.isArray(value) ? value.map((item) => applyKind(item, kind.list, zeroAsNull)) : value;
  return isObject(value) ? applyFields(value, kind.struct, zeroAsNull) : value;
}

/** Each struct's fields by name, made once (the struct shapes are constants of gojson.ts). */
const fieldMaps = new WeakMap<Fields, Map<string, { kind: Kind; omitempty: boolean }>>();

function fieldMap(fields: Fields): Map<string, { kind: Kind; omitempty: boolean }> {
  let known = fieldMaps.get(fields);
  if (known === undefined) {
    known = new Map(fields.map(([name, kind, omitempty]) => [name, { kind, omitempty: omitempty === true }]));
    fieldMaps.set(fields, known);
  }
  return known;
}

function applyFields(value: JsonObject, fields: Fields, zeroAsNull: boolean): JsonObject {
  const out: JsonObject = {};
  const known = fieldMap(fields);
  for (const k of Object.keys(value)) {
    const v = value[k] as Json;
    const field = known.get(k);
    if (field === undefined) out[k] = v;
    else if (!(field.omitempty && isZeroScalar(v, field.kind))) out[k] = applyKind(v, field.kind, zeroAsNull);
    else if (zeroAsNull) out[k] = null;
  }
  for (const [name, kind, omitempty] of fields) {
    if (omitempty || Object.hasOwn(value, name)) continue;
    const zero = printedZero(kind);
    if (zero !== undefined) out[name] = zero;
  }
  return out;
}

/**
 * The patch as Go's typed round trip prints `spec.containers` and `spec.initContainers` (module
 * comment). `zeroAsNull`: an omitempty field the template set to its zero value becomes `null`
 * instead of disappearing, so merging the patch deletes the field from the pod below, as Istio's
 * merge of the raw template (zero wins) followed by the round trip (zero omitted) does; it matters
 * where the pod below has the field, i.e. when merging over an earlier injection.
 */
export function dropGoZeroValues(patch: JsonObject, zeroAsNull = false): JsonObject {
  if (!isObject(patch.spec ?? null)) return patch;
  const spec = patch.spec as JsonObject;
  const out: JsonObject = { ...spec };
  for (const list of ['containers', 'initContainers'] as const) {
    if (Array.isArray(spec[list])) out[list] = spec[list].map((c) => (isObject(c) ? applyFields(c, Container, zeroAsNull) : c));
  }
  return { ...patch, spec: out };
}

function notAString(segs: Segments, v: Json): never {
  const path = pathOf(segs);
  const hint = typeof v === 'object' ? '' : ': quote it';
  throw new UserError(`${path} must be a string, not ${kindOf(v)}${hint} (istiod cannot decode it into a corev1.Pod)`, path, 'invalid-pod');
}

function checkStrings(value: Json, kind: Kind, segs: Segments): void {
  if (value === null) return; // a null decodes into any Go field (and in a patch it deletes)
  if (kind === 'string' || kind === 'strptr') {
    if (typeof value !== 'string') notAString(segs, value);
    return;
  }
  if (kind === 'stringMap') {
    if (!isObject(value)) return; // a map that is not a map is the shape check's (kube/shape.ts)
    // (keys, not entries: no pair array per value; this walk runs on every rendered patch)
    for (const k of Object.keys(value)) {
      const v = value[k] as Json;
      if (typeof v === 'string' || v === null) continue;
      segs.push(k);
      notAString(segs, v);
    }
    return;
  }
  if (typeof kind !== 'object') return;
  if ('list' in kind) {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < value.length; i++) {
      segs.push(i);
      checkStrings(value[i] as Json, kind.list, segs);
      segs.pop();
    }
    return;
  }
  if (!isObject(value)) return;
  const known = fieldMap(kind.struct);
  for (const k of Object.keys(value)) {
    const field = known.get(k);
    if (field === undefined) continue;
    segs.push(k);
    checkStrings(value[k] as Json, field.kind, segs);
    segs.pop();
  }
}

/**
 * Fails, naming the field, where istiod's decode of a template's output into a `corev1.Pod` fails
 * for a string: istiod reads the output into `map[string]any` (go-yaml v2 resolution, so an
 * unquoted `0o17`, `1.5` or `yes` is a number or a boolean), merges it into the pod and decodes the
 * result with `encoding/json`, which refuses a number, a boolean, a map or a list in a string field
 * (`json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.name of type
 * string`). Covers the string fields of the shapes in gojson.ts (`Pod`); other fields pass.
 * A bound: the walk follows the fixed, non-recursive shape table, one step per value of the patch.
 */
export function checkGoStringFields(patch: JsonObject): void {
  checkStrings(patch, { struct: Pod, ptr: false }, []);
}

/**
 * The error istiod gives when a template's output does not decode into the pod (a parse error, a
 * value of the wrong type): one wording for the Istio-templates path and the built-in profile.
 */
export function templateOutputError(template: string, message: string): UserError {
  return new UserError(
    `failed parsing generated injected YAML of template ${JSON.stringify(template)} (check Istio version): ${message}`,
    undefined,
    'template-output',
  );
}
