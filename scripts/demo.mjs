// `npm run demo`: inject the example shop (examples/shop) with the built CLI and show, in one
// terminal screen, what the tool did: the summary table and a shortened diff of one workload.
// `npm run demo -- --full` prints the whole injected YAML stream instead (as the CLI does).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = `${root}dist/inject-sidecar.js`;
const args = ['--config', 'examples/shop/inject-sidecar.yaml', '-f', 'examples/shop'];
const full = process.argv.includes('--full');

const run = spawnSync(process.execPath, [bin, ...args, ...(full ? [] : ['--summary', 'text'])], { cwd: root, encoding: 'utf8' });
if (full || run.status !== 0) {
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  process.exitCode = run.status ?? 1;
} else {
  const out = [];
  out.push(`$ inject-sidecar ${args.join(' ')} --summary text`, '', run.stderr.trimEnd(), '');
  const file = 'examples/shop/cart.yaml';
  const before = readFileSync(`${root}${file}`, 'utf8');
  // The cart Deployment is the first document of cart.yaml, and the first of the stream in that file.
  const after = documentOf(run.stdout, 'name: cart');
  out.push(`What changed in Deployment shop/cart (${file}), long runs shortened:`, '');
  out.push(...shortDiff(documentOf(before, 'name: cart').split('\n'), after.split('\n')));
  out.push('', 'The whole injected YAML: npm run demo -- --full', `  (the same as: npx inject-sidecar ${args.join(' ')})`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The first document of a YAML stream whose text contains `marker`. */
function documentOf(stream, marker) {
  return stream.split(/^---\n/m).find((d) => d.includes('kind: Deployment') && d.includes(marker)) ?? '';
}

/** A line diff (longest common subsequence; small documents), with unchanged and added runs shortened. */
function shortDiff(a, b) {
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push([' ', a[i++], j++]);
    else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push(['-', a[i++]]);
    else ops.push(['+', b[j++]]);
  }
  const lines = [];
  for (let k = 0; k < ops.length; ) {
    let end = k;
    while (end < ops.length && ops[end][0] === ops[k][0]) end++;
    const run = ops.slice(k, end).map(([op, text]) => clip(`${op} ${text}`));
    const keep = ops[k][0] === ' ' ? 1 : 2;
    if (run.length > keep * 2 + 1) {
      lines.push(...run.slice(0, keep), `  … ${run.length - keep * 2} ${ops[k][0] === ' ' ? 'unchanged' : 'more'} lines …`, ...run.slice(-keep));
    } else {
      lines.push(...run);
    }
    k = end;
  }
  return lines.filter((l, x) => x < lines.length - 1 || l.trim() !== '');
}

/** One terminal line: long lines (the status annotation) end in `…`. */
function clip(line) {
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
