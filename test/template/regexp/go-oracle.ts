/**
 * Builds and runs the Go regexp oracle (go/main.go, standard library only) for the differential
 * test. It is built in module mode in a throwaway directory with its own go.mod, and the binary is
 * cached outside the repository, keyed by the hash of the source and the Go version. Test-only.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface OracleCase {
  pattern: string;
  input: string;
  repl: string;
  n: number;
}

export interface OracleResult {
  error?: string;
  match: boolean;
  find: string;
  findIndex: number[] | null;
  findAll: string[] | null;
  submatch: string[] | null;
  allSubmatch: string[][] | null;
  replace: string;
  literal: string;
  split: string[] | null;
  numSubexp: number;
  names: string[];
}

/** The installed Go's version line, or undefined when `go` is not on PATH. */
export function goVersion(): string | undefined {
  try {
    return execFileSync('go', ['version'], { stdio: 'pipe' }).toString().trim();
  } catch {
    return undefined;
  }
}

let built: string | undefined;

/** Compiles the oracle once (cached across runs by source hash and Go version). */
export function buildOracle(): string {
  if (built) return built;
  const source = readFileSync(path.join(here, 'go', 'main.go'));
  const key = createHash('sha256')
    .update(source)
    .update(goVersion() ?? '')
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(tmpdir(), `inject-sidecar-regexp-oracle-${key}`);
  const bin = path.join(dir, 'regexp-oracle');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'main.go'), source);
    writeFileSync(path.join(dir, 'go.mod'), 'module regexporacle\n\ngo 1.21\n');
    const env = {
      ...process.env,
      GO111MODULE: 'on',
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      GOCACHE: process.env.GOCACHE ?? path.join(tmpdir(), 'inject-sidecar-gocache'),
    };
    const tmp = `${bin}.${process.pid}.tmp`;
    execFileSync('go', ['build', '-o', tmp, '.'], { cwd: dir, env, stdio: 'pipe' });
    renameSync(tmp, bin);
  }
  built = bin;
  return bin;
}

/** Answers the cases with Go's regexp. */
export function runOracle(cases: readonly OracleCase[]): OracleResult[] {
  const bin = buildOracle();
  const r = spawnSync(bin, [], { input: JSON.stringify(cases), maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`regexp oracle failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as OracleResult[];
}
