/**
 * Parses one YAML value given as text (a ConfigMap `data` entry, an annotation holding YAML, the
 * function config file) through the one YAML entry point (parse.ts), so its limits hold here too.
 */
import { InputError } from './errors.js';
import { MAX_CONFIG_TEXT, parseYaml, placeIn } from './parse.js';

/** Problems that are the text's syntax (the caller may read the text otherwise), not a limit. */
const SYNTAX = new Set(['yaml-syntax', 'duplicate-key']);

/**
 * Parses with the YAML 1.2 core schema. Returns `undefined` when the text is not valid YAML;
 * throws an `InputError` (naming `file` when given) when it breaks a limit (alias bomb, nesting,
 * control characters, size).
 */
export function parseYamlValue(text: string, file?: string): unknown {
  try {
    return parseYaml(text, { schema: 'core', uniqueKeys: true, logLevel: 'error' }, placeIn(text, file), { maxLength: MAX_CONFIG_TEXT }).toJS({
      maxAliasCount: -1,
    });
  } catch (e) {
    if (e instanceof InputError && SYNTAX.has(e.code)) return undefined;
    throw e;
  }
}

/**
 * Parses YAML as Kubernetes' `sigs.k8s.io/yaml` does for annotation payloads such as
 * `proxy.istio.io/config`: YAML 1.1 scalars, duplicate keys allowed (the last wins).
 * Throws with the problem and its position on invalid text.
 */
export function parseYaml11Value(text: string): unknown {
  try {
    return parseYaml(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, logLevel: 'error' }, placeIn(text), {
      maxLength: MAX_CONFIG_TEXT,
    }).toJS({ maxAliasCount: -1 });
  } catch (e) {
    if (e instanceof InputError) throw new Error(e.message);
    throw e;
  }
}
