/**
 * The README's first steps stay true (needs `npm run build`): the walk-through from an empty
 * directory to a committed, checked tree runs command by command with `inject-sidecar` on PATH (as
 * `npm link` puts it), `npx inject-sidecar` works in the clone, and the defaults table names the
 * built-in profile's image.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUILTIN_HUB, BUILTIN_TAG } from '../src/inject/builtin/values.js';
import { DEFAULT_RELEASE, supportedReleasesText } from '../src/inject/builtin/releases.js';

const repo = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

/** The shell blocks of the walk-through: from its marker to the next section. */
function walkThrough(): string[] {
  const start = readme.indexOf('<!-- walk-through');
  const end = readme.indexOf('\n## ', start);
  const section = readme.slice(start, end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README', () => {
  it('the walk-through runs command by command: a committed tree that passes --check', () => {
    const blocks = walkThrough();
    expect(blocks).toHaveLength(2);
    const root = mkdtempSync(join(tmpdir(), 'walk-'));
    // `npm link`: the command on PATH is a link to the built entry.
    const bin = join(root, 'bin');
    mkdirSync(bin);
    symlinkSync(join(repo, 'dist/inject-sidecar.js'), join(bin, 'inject-sidecar'));
    const clone = join(root, 'inject-sidecar');
    mkdirSync(clone);
    const env = {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: root,
      GIT_AUTHOR_NAME: 'walk',
      GIT_AUTHOR_EMAIL: 'walk@example.invalid',
      GIT_COMMITTER_NAME: 'walk',
      GIT_COMMITTER_EMAIL: 'walk@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
    };
    // Every command must succeed (set -e) unless the README itself handles its failure (||).
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', blocks.join('\n')], { cwd: clone, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('inject-sidecar 0.1.0');
    expect(r.stdout).toContain('not injected yet');
    expect(r.stderr).toContain('check failed: 1 workload not as the configuration implies (missing: 1)');
    expect(r.stderr).toMatch(/^injected +Deployment details +namespace-label +rev default +docker\.io\/istio\/proxyv2:/m);
    expect(r.stderr.trimEnd().split('\n').pop()).toBe('check passed: every workload is as the configuration implies');
    const repoDir = join(root, 'my-gitops');
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repoDir, env, encoding: 'utf8' }).stdout;
    expect(git('status', '--porcelain')).toBe('');
    expect(git('log', '--oneline').trim().split('\n')).toHaveLength(1);
    const injected = readFileSync(join(repoDir, 'k8s/details.yaml'), 'utf8');
    expect(injected).toContain('name: istio-proxy');
    expect(injected).not.toContain('namespace: bookinfo');
  });

  it("npx inject-sidecar runs the clone's own command (no download)", () => {
    const r = spawnSync('npx', ['--offline', 'inject-sidecar', '--version'], { cwd: repo, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('inject-sidecar 0.1.0');
    expect(r.stdout).toContain('built-in profile:');
  });

  it("the defaults table names the built-in profile's proxy image", () => {
    const row = readme.split('\n').find((l) => l.startsWith('| proxy image |')) ?? '';
    expect(row).toContain(`\`${BUILTIN_HUB}/proxyv2:${BUILTIN_TAG}\``);
    expect(row).toContain(`tag \`${BUILTIN_TAG}\``);
    const release = readme.split('\n').find((l) => l.startsWith('| Istio release rendered |')) ?? '';
    expect(release).toContain(`Istio ${DEFAULT_RELEASE.version}`);
    expect(release).toContain(supportedReleasesText());
  });

  it('kpt --exec examples come after the set-up that puts inject-sidecar on PATH', () => {
    const link = readme.indexOf('npm link');
    expect(link).toBeGreaterThan(0);
    expect(readme.indexOf('--exec inject-sidecar')).toBeGreaterThan(link);
  });
});
