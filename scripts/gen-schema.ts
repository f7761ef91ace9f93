// Regenerates schema/sidecar-injection.schema.json from the zod schema.
import { writeFileSync } from 'node:fs';
import { functionConfigJsonSchemaText } from '../src/config/json-schema.js';

writeFileSync('schema/sidecar-injection.schema.json', functionConfigJsonSchemaText());
console.log('wrote schema/sidecar-injection.schema.json');
