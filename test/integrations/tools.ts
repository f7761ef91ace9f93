/**
 * Shared plumbing for the integration tests: where the repo and the shared container tools are,
 * which external tools exist, a spawn wrapper that never throws, and the environment that makes
 * podman (and the `docker` shim kustomize shells out to) work on the project's machines.
 * It does not build anything itself; scripts/container-test-env.sh does that.
 */
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The CLI under test: the bundle, or INJECT_SIDECAR_BUNDLE (e.g. an installed build). */
export const bundle = process.env.INJECT_SIDECAR_BUNDLE ?? join(repo, 'dist/inject-sidecar.js');
/** ../shared/tools/container, relative to the repo root (never a machine path). */
export const containerTools = resolve(repo, '../shared/tools/container');
export const inCI = process.env.CI === 'true';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: readonly string[], opts: SpawnSyncOptions = {}): Ran {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) return { code: -1, stdout: '', stderr: String(r.error) };
  return { code: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function onPath(cmd: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
}

/**
 * The tools from `needed` that are missing. In CI a missing tool is a failure (thrown at collection
 * time, so the file fails loudly); on a laptop the caller skips, and the reason is printed.
 */
export function requireTools(suite: string, needed: readonly string[], extra: Record<string, boolean> = {}): string[] {
  const missing = needed.filter((t) => !onPath(t));
  for (const [what, ok] of Object.entries(extra)) if (!ok) missing.push(what);
  if (missing.length === 0) return missing;
  const message = `${suite}: missing ${missing.join(', ')}`;
  if (inCI) throw new Error(`${message} (required when CI=true; see .ci/run)`);
  console.warn(`skipping ${message}`);
  return missing;
}

/** process.env plus what ../shared/tools/container/env.sh exports (CONTAINERS_CONF, KPT_FN_RUNTIME, docker shim on PATH). */
export function containerEnv(): NodeJS.ProcessEnv {
  const out = execFileSync('bash', ['-c', '. "$1" && env -0', 'env', join(containerTools, 'env.sh')], { encoding: 'utf8' });
  const env: NodeJS.ProcessEnv = {};
  for (const entry of out.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Builds dist/inject-sidecar.js when it is missing (npm test builds it before the tests run). */
export function ensureBundle(): void {
  if (!existsSync(bundle)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
}

/** The stream's documents as text, each with its `# Source:` comment, keyed by that source. */
export function documentsBySource(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const chunk of text.split(/^---\n/m)) {
    const source = /^# Source: (.+)$/m.exec(chunk)?.[1];
    if (source) out.set(source, chunk.trimEnd());
  }
  return out;
}
