// Bundles the CLI into one ESM file (dist/inject-sidecar.js): one file to start is the
// cheapest start-up Node offers, and it is what the container image and `bin` ship.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const outfile = 'dist/inject-sidecar.js';
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // yaml ships CommonJS for Node; give the bundled CommonJS code a require().
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
