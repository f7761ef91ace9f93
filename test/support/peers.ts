/**
 * Where the peer tools live: scripts/peers.sh builds pinned versions of Helm 4, standalone kustomize
 * and istioctl from Go modules into a cache outside the clone, and this module finds them with the
 * same pins (scripts/peers.env) and the same cache rule. A peer that is missing makes its suite skip
 * with the reason on a laptop; under CI=true, a peer listed in PEERS_REQUIRED_IN_CI (those known to
 * build on the project's machines) fails the suite instead. Test-only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export type PeerName = 'helm' | 'kustomize' | 'istioctl';

/** The pins of scripts/peers.env (KEY=value lines; comments and blanks ignored). */
export function peerPins(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(repo, 'scripts/peers.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(?:"([^"]*)"|(\S*))\s*$/.exec(line);
    if (m) out[m[1]!] = m[2] ?? m[3] ?? '';
  }
  return out;
}

/** The cache directory, as scripts/peers.sh computes it. */
export function peerCache(): string {
  const env = process.env;
  return env.INJECT_SIDECAR_PEERS ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'inject-sidecar/peers');
}

const VERSION_KEY: Record<PeerName, string> = { helm: 'HELM_VERSION', kustomize: 'KUSTOMIZE_VERSION', istioctl: 'ISTIO_VERSION' };

export interface Peer {
  name: PeerName;
  version: string;
  /** The binary, when it was built. */
  bin?: string;
  /** Why it is missing. */
  missing?: string;
}

export function findPeer(name: PeerName): Peer {
  const version = peerPins()[VERSION_KEY[name]] ?? '';
  const dir = join(peerCache(), `${name}@${version}`);
  const bin = join(dir, name);
  if (existsSync(bin)) return { name, version, bin };
  const failed = `${dir}.failed`;
  const why = existsSync(failed) ? `its build failed: ${readFileSync(failed, 'utf8').trim()}` : 'not built (run scripts/peers.sh)';
  return { name, version, missing: `${name} ${version}: ${why}` };
}

/**
 * The peer for a suite, or undefined to skip it (the reason printed). Under CI=true a peer that
 * must build on the project's machines is a failure, thrown at collection time.
 */
export function requirePeer(suite: string, name: PeerName): Peer | undefined {
  const peer = findPeer(name);
  if (peer.bin) return peer;
  const required = (peerPins().PEERS_REQUIRED_IN_CI ?? '').split(/\s+/).includes(name);
  const message = `${suite}: ${peer.missing}`;
  if (process.env.CI === 'true' && required) throw new Error(`${message} (required when CI=true; .ci/run builds it)`);
  console.warn(`skipping ${message}`);
  return undefined;
}
