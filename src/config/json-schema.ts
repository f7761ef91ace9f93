/**
 * The JSON Schema of the function config, generated from the zod schema. Committed as
 * schema/sidecar-injection.schema.json for editors (yaml-language-server modelines) and checked
 * for staleness by the test suite.
 */
import * as z from 'zod';
import { configSchemas, API_VERSION, KIND } from './schema.js';

export function functionConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchemas().FunctionConfigSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://inject-sidecar.dev/schema/sidecar-injection.schema.json',
    title: `${KIND} (${API_VERSION})`,
    description: 'Configuration of the inject-sidecar KRM function: when to inject, and what to inject.',
  };
}

export function functionConfigJsonSchemaText(): string {
  return JSON.stringify(functionConfigJsonSchema(), null, 2) + '\n';
}
