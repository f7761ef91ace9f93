// Bundles the CLI into dist/: the entry file dist/inject-sidecar.js plus chunks in dist/chunks/
// for what is loaded with import() only when needed (the Go template engine for Istio's
// templates). Few files is the cheapest start-up Node offers, and code that a run does not use
// is neither compiled nor evaluated. The container image and `bin` ship the whole dist/
// directory; the entry finds its chunks relative to its real path (symlinks to it work).
import { build } from 'esbuild';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';

const entry = 'dist/inject-sidecar.js';
// Chunk names carry a content hash: drop the ones of earlier builds.
rmSync('dist/chunks', { recursive: true, force: true });
await build({
  entryPoints: { 'inject-sidecar': 'src/cli/main.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // yaml ships CommonJS for Node; give the bundled CommonJS code a require() (in every file).
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(entry, 0o755);
// Marks dist/ as ESM where it is copied without the repo's package.json (the image's /app):
// without it Node 20 compiles the entry as CommonJS first, fails, and compiles it again as ESM.
writeFileSync('dist/package.json', '{ "type": "module" }\n');
