// Bundles the CLI into dist/ for the fastest start-up Node 20 offers:
//
//   dist/inject-sidecar.js        the loader (scripts/loader.cjs): compiles the scripts below with
//                                 their V8 code caches and calls the entry's main()
//   dist/chunks/main-<hash>.js    the entry (src/cli/main.ts), a CommonJS script
//   dist/chunks/*-<hash>.js       chunks it requires: code shared with the Go template engine, and
//                                 the engine itself (loaded only when a run renders Istio's templates)
//   dist/chunks/*.js.cache        V8 code caches, made here by running small jobs in a fresh node
//   dist/package.json             {"type": "commonjs"}: the loader is CommonJS wherever dist/ is copied
//
// esbuild bundles src/ as ESM with code splitting (so the engine stays out of the entry), then
// each output file is turned into a CommonJS script (import() becomes require()). The container
// image and `bin` ship the whole dist/ directory; the loader finds chunks/ relative to its real
// path (symlinks to it work). A code cache only fits the Node version (and V8 flags) that made
// it; with another one the loader compiles normally, so dist/ stays portable, just slower to start.
import { build, transform } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

if (process.argv[2] === '--code-cache') await writeCodeCaches();
else await bundle();

async function bundle() {
  const chunks = join(dist, 'chunks');
  mkdirSync(chunks, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir: chunks,
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // main.ts runs itself only when started as a file; in the bundle the loader calls main().
    define: { 'import.meta.url': 'undefined' },
    // yaml's ES module build (its package's default export condition) rather than its CommonJS
    // one (the `node` condition): the same code, but bundled as ES modules it is hoisted into
    // the chunk and shaken, where the CommonJS one is ~60 module wrappers that each run and copy
    // their exports on every start.
    alias: { yaml: './node_modules/yaml/browser/index.js' },
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    write: false,
  });
  // Other builds may run at the same time (tests build when dist/ is stale) and the CLI may be
  // running from dist/: every file is written whole under its final name (rename), scripts keep
  // their content-hashed names, and the loader that names the new entry comes last.
  let entry;
  const written = new Set();
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    if (result.metafile.outputs[`dist/chunks/${name}`]?.entryPoint === 'src/cli/main.ts') entry = name;
    // import() of a chunk becomes require(): the loader resolves both to its own scripts.
    const { code } = await transform(file.text, {
      format: 'cjs',
      target: 'node20',
      supported: { 'dynamic-import': false },
      minifyWhitespace: true,
      logLevel: 'warning',
    });
    // Written as the function the loader calls, so that it compiles the file's text as read: a
    // wrapper added at run time would be a second copy of a large string, young garbage whose
    // collection costs more than the rest of a small run's allocations.
    writeWhole(file.path, `(function (exports, require, module, __filename, __dirname) {${code}\n${plainExports(code)}})`);
    written.add(name).add(`${name}.cache`);
  }
  if (!entry) throw new Error('build: esbuild reported no entry file');
  // Where dist/ is copied without the repo's package.json (the image's /app) as much as here,
  // where the root package.json says "module": the loader is CommonJS.
  writeWhole(join(dist, 'package.json'), '{ "type": "commonjs" }\n');
  // The caches are made through the new loader under a temporary name beside the real one.
  const staged = join(dist, `.inject-sidecar-${process.pid}.js`);
  writeFileSync(staged, readFileSync(join(root, 'scripts/loader.cjs'), 'utf8').replace('__ENTRY__', `./${entry}`), { mode: 0o755 });
  try {
    // A fresh node without the flags this process may run with: V8 ties a cache to its flags.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const made = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--code-cache', staged], { env, stdio: 'inherit' });
    if (made.status !== 0) throw new Error(`build: writing the code caches failed (exit ${made.status})`);
    renameSync(staged, join(dist, 'inject-sidecar.js'));
  } finally {
    rmSync(staged, { force: true });
  }
  // Earlier builds' scripts and caches, once they are a minute old (a build running beside this
  // one may just have written its own).
  for (const name of readdirSync(chunks)) {
    const path = join(chunks, name);
    if (!written.has(name) && Date.now() - statSync(path).mtimeMs > 60_000) rmSync(path, { force: true });
  }
}

/**
 * esbuild's CommonJS exports are getters (`__export`, then `__toCommonJS` wraps each in a second
 * getter), so every use of a function from another chunk (`(0, import_chunk.isObject)(x)`) runs
 * two getter calls, until the caller is optimised: ~6% of a 1,000-workload run. Once the script
 * has run, its exports are copied to a plain object of data properties, and that is what the
 * scripts requiring it get. Only bindings declared at the top level with their value (a
 * function, a class, `var x=...`) and never assigned again are copied (the script is parsed with
 * TypeScript's parser to tell); any other export stays a getter, with its live value. A
 * require cycle reaching a script still running gets the getters (correct, only slower).
 * `module.live` keeps the getters for the build's check after the code-cache jobs.
 */
function plainExports(code) {
  const list = /__export\(stdin_exports,\{([^}]*)\}\)/.exec(code);
  if (!list) return '';
  const exported = new Map(); // local binding -> export name
  for (const [, key, local] of list[1].matchAll(/([\w$]+):\(\)=>([\w$.]+)/g)) if (/^[\w$]+$/.test(local)) exported.set(local, key);
  // Top-level declarations with their value, and every assignment to a name anywhere.
  const file = ts.createSourceFile('chunk.js', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const once = new Set();
  for (const st of file.statements) {
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) once.add(st.name.text);
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) once.add(d.name.text);
  }
  const assigned = new Set();
  const visit = (n) => {
    const target =
      ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
        ? n.left
        : (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
            (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)
          ? n.operand
          : undefined;
    if (target)
      ts.forEachChild(target, function names(x) {
        if (ts.isIdentifier(x)) assigned.add(x.text);
        else ts.forEachChild(x, names);
      });
    if (target && ts.isIdentifier(target)) assigned.add(target.text);
    ts.forEachChild(n, visit);
  };
  visit(file);
  const plain = [...exported].filter(([local]) => once.has(local) && !assigned.has(local)).map(([, key]) => key);
  if (plain.length === 0) return '';
  return (
    `{const live=module.exports,plain=Object.defineProperty({},"__esModule",{value:true}),keep=new Set(${JSON.stringify(plain)});` +
    `for(const k of Object.keys(live))if(keep.has(k))plain[k]=live[k];else Object.defineProperty(plain,k,{get:()=>live[k],enumerable:true});` +
    `module.live=live;module.exports=plain}`
  );
}

/** Writes a file under a temporary name and renames it: readers see the old file or the new one. */
function writeWhole(path, data) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/**
 * Runs representative jobs through the loaded scripts, then writes each script's code cache:
 * V8 includes every function compiled so far, so a real run deserializes them instead of
 * compiling. The jobs: a ResourceList with an Istio injector ConfigMap (which loads and runs the
 * template engine), a plain manifest stream, a function config that needs the zod schema, and the
 * bench's small KRM job (a Namespace, a Deployment and a simple function config).
 */
async function writeCodeCaches() {
  const { load, loaded, ENTRY } = createRequire(import.meta.url)(process.argv[3]);
  const { cli } = load(ENTRY);
  const workload = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      containers:',
    '      - name: app',
    '        image: nginx:1.27',
    '        ports:',
    '        - containerPort: 80',
  ];
  const namespace = ['apiVersion: v1', 'kind: Namespace', 'metadata: {name: shop, labels: {istio-injection: enabled}}'];
  const item = (lines) => lines.map((l, i) => (i ? '  ' : '- ') + l);
  const list = (items, fnConfig) =>
    ['apiVersion: config.kubernetes.io/v1', 'kind: ResourceList', 'items:', ...items.flatMap(item), ...fnConfig].join('\n') + '\n';
  const fnConfig = [
    'functionConfig:',
    '  apiVersion: inject-sidecar.dev/v1alpha1',
    '  kind: SidecarInjection',
    '  metadata: {name: inject, annotations: {config.kubernetes.io/local-config: "true"}}',
    '  spec: {revision: ""}',
  ];
  const injector = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: istio-sidecar-injector, namespace: istio-system}',
    'data:',
    '  values: "{}"',
    '  config: |',
    '    policy: enabled',
    '    templates:',
    '      sidecar: |',
    '        spec:',
    '          containers:',
    '          - name: istio-proxy',
    '            image: {{ printf "%s:%s" "proxy" "1.0" | quote }}',
    '            args: [{{ range $i, $p := .Spec.Containers }}{{ if $i }}, {{ end }}{{ $p.Name | quote }}{{ end }}]',
  ];
  // A config the direct check leaves to the zod schema (a chunk of its own once the CLI loads it lazily).
  const schemaConfig = fnConfig.map((l) => l.replace('spec: {revision: ""}', 'spec: {revision: "", proxy: {tag: "1.28.0"}}'));
  // The small KRM job last: its functions are the freshest when the caches are taken.
  const jobs = [
    { argv: [], input: list([namespace, injector, workload], []) },
    { argv: ['-f', '-'], input: [...namespace, '---', ...workload].join('\n') + '\n' },
    { argv: [], input: list([namespace, workload], schemaConfig) },
    { argv: [], input: list([namespace, workload], fnConfig) },
  ];
  for (const job of jobs) {
    const err = [];
    const code = await cli(job.argv, { readStdin: async () => job.input, stdout: () => {}, stderr: (t) => err.push(t), stdinIsTTY: false });
    if (code !== 0) throw new Error(`build: the code-cache job ${JSON.stringify(job.argv)} failed (exit ${code}):\n${err.join('')}`);
  }
  // Exports copied to plain properties (plainExports) must still be what their bindings hold.
  for (const [file, mod] of loaded) {
    if (!mod.live) continue;
    for (const k of Object.keys(mod.live)) {
      if (mod.exports[k] !== mod.live[k]) throw new Error(`build: export ${k} of ${file} changed after its script ran; plainExports must leave it a getter`);
    }
  }
  for (const [file, { script }] of loaded) writeWhole(`${file}.cache`, script.createCachedData());
}
