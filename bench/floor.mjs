// The floor the throughput targets compare against: a Node process that reads its input, parses it
// with the `yaml` package's document API and writes it back (`parseAllDocuments`, `toString`).
// Input: stdin, or the files and directories (their *.yaml/*.yml files, sorted) named as arguments.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const texts = [];
if (process.argv.length > 2) {
  for (const p of process.argv.slice(2)) {
    const files = statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(p, f))
      : [p];
    for (const f of files) texts.push(readFileSync(f, 'utf8'));
  }
} else {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  texts.push(Buffer.concat(chunks).toString('utf8'));
}
const out = texts
  .map((text) =>
    parseAllDocuments(text)
      .map((d) => d.toString())
      .join(''),
  )
  .join('---\n');
process.stdout.write(out);
