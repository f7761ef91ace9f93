/**
 * Parses one YAML value given as text (a ConfigMap `data` entry, an annotation holding YAML)
 * with the YAML 1.2 core schema. Returns `undefined` when the text is not valid YAML.
 */
import { parse } from 'yaml';

export function parseYamlValue(text: string): unknown {
  try {
    return parse(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}
