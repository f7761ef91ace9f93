/**
 * Parses one YAML value given as text (a ConfigMap `data` entry, an annotation holding YAML)
 * with the YAML 1.2 core schema. Returns `undefined` when the text is not valid YAML.
 */
import { parse } from 'yaml';

export function parseYamlValue(text: string): unknown {
  try {
    return parse(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 100, logLevel: 'error' });
  } catch {
    return undefined;
  }
}

/**
 * Parses YAML as Kubernetes' `sigs.k8s.io/yaml` does for annotation payloads such as
 * `proxy.istio.io/config`: YAML 1.1 scalars, duplicate keys allowed (the last wins).
 * Throws with the parser's first message line on invalid text.
 */
export function parseYaml11Value(text: string): unknown {
  try {
    return parse(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, maxAliasCount: 100, logLevel: 'error' });
  } catch (e) {
    throw new Error((e as Error).message.split('\n')[0]);
  }
}
