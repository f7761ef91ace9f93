// The floor the throughput targets compare against: a Node process that reads stdin, parses it
// with the `yaml` package's document API and writes it back (`parseAllDocuments`, `toString`).
import { parseAllDocuments } from 'yaml';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const text = Buffer.concat(chunks).toString('utf8');
const out = parseAllDocuments(text).map((d) => d.toString()).join('');
process.stdout.write(out);
