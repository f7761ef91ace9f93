/**
 * One fuzz case = a target (how the input reaches the CLI) + a seed + mutations, as a fast-check
 * value. `runFuzzCase` builds the argv/stdin (writing mutated config files into a scratch
 * directory), runs the in-process CLI and checks the run contract (harness.ts). Shared by the
 * bounded in-suite run (fuzz.test.ts) and the long run (`npm run fuzz`, scripts/fuzz.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkRun, modeOf, runCli, type CliRun } from './harness.js';
import { asResourceList, configSeeds, injectConfigSeed, junkArb, manifestSeeds, mutate, opsArb, type Op, type Seed } from './mutate.js';
import { HOSTILE } from '../template/fixtures/hostile.js';

export const TARGETS = ['stream', 'stdin', 'krm', 'krm-config', 'config', 'template', 'injectConfig', 'junk-stream', 'junk-stdin'] as const;
/** A rare target: one of the hostile templates (issue 12) as the sidecar template, over a seed. */
export type Target = (typeof TARGETS)[number] | 'hostile-template';

/**
 * Hostile sidecar templates for the fuzz: those of test/template/fixtures/hostile.ts that end within
 * about a second (the 4 s serialisation case is left to the template tests), and regular
 * expressions that backtracking engines take exponential time on.
 */
const HOSTILE_TEMPLATES: readonly string[] = [
  ...Object.entries(HOSTILE)
    .filter(([name]) => name !== 'a dict holding one dict twice, 40 levels, as JSON')
    .map(([, c]) => c.template),
  `{{ if regexMatch "^(a+)+$" "${'a'.repeat(40)}b" }}match{{ end }}`,
  `{{ regexReplaceAll "(x+x+)+y" "${'x'.repeat(5000)}" "z" | len }}`,
  `{{ regexFindAll "(a|aa)*c" "${'a'.repeat(3000)}" -1 | len }}`,
];

export interface FuzzCase {
  target: Target;
  seed: number;
  config: number;
  ops: Op[];
  junk: string;
}

export interface FuzzContext {
  seeds: Seed[];
  configs: Seed[];
  injectConfig: Seed | undefined;
  dir: string;
  injectConfigPath: string | undefined;
}

export function fuzzContext(): FuzzContext {
  const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-fuzz-'));
  const injectConfig = injectConfigSeed();
  let injectConfigPath: string | undefined;
  if (injectConfig) {
    injectConfigPath = join(dir, 'inject-config.yaml');
    writeFileSync(injectConfigPath, injectConfig.text);
  }
  return { seeds: manifestSeeds(), configs: configSeeds(), injectConfig, dir, injectConfigPath };
}

export function fuzzCaseArb(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const targets = TARGETS.filter((t) => ctx.injectConfig || (t !== 'template' && t !== 'injectConfig'));
  // Hostile templates cost up to a second each: about one case in 200.
  const target: fc.Arbitrary<Target> = fc.oneof(
    { arbitrary: fc.constantFrom(...targets), weight: 199 },
    { arbitrary: fc.constant('hostile-template' as const), weight: 1 },
  );
  return fc.record({
    target,
    seed: fc.nat({ max: ctx.seeds.length - 1 }),
    config: fc.nat({ max: Math.max(ctx.configs.length, HOSTILE_TEMPLATES.length) - 1 }),
    ops: opsArb,
    junk: junkArb,
  });
}

export interface FuzzOutcome {
  argv: string[];
  stdin: string;
  run: CliRun;
  problem: string | undefined;
}

export async function runFuzzCase(c: FuzzCase, ctx: FuzzContext): Promise<FuzzOutcome> {
  const seed = ctx.seeds[c.seed]!.text;
  const config = ctx.configs[c.config % ctx.configs.length]!.text;
  const scratch = (name: string, text: string) => {
    const p = join(ctx.dir, name);
    writeFileSync(p, text);
    return p;
  };
  let argv: string[];
  let stdin: string;
  switch (c.target) {
    case 'stream':
      argv = ['-f', '-'];
      stdin = mutate(seed, c.ops, ctx.seeds);
      break;
    case 'stdin':
      argv = [];
      stdin = mutate(seed, c.ops, ctx.seeds);
      break;
    case 'krm':
      argv = [];
      stdin = mutate(asResourceList(seed), c.ops, ctx.seeds);
      break;
    case 'krm-config':
      argv = [];
      stdin = mutate(asResourceList(seed, config), c.ops, ctx.seeds);
      break;
    case 'config':
      argv = ['--config', scratch('config.yaml', mutate(config, c.ops, ctx.configs)), '-f', '-'];
      stdin = seed;
      break;
    case 'template':
      argv = ['--injectConfigFile', ctx.injectConfigPath!, '-f', '-'];
      stdin = mutate(seed, c.ops, ctx.seeds);
      break;
    case 'injectConfig':
      argv = ['--injectConfigFile', scratch('inject.yaml', mutate(ctx.injectConfig!.text, c.ops, [])), '-f', '-'];
      stdin = seed;
      break;
    case 'hostile-template': {
      const template = HOSTILE_TEMPLATES[c.config % HOSTILE_TEMPLATES.length]!;
      const injectConfig = JSON.stringify({ policy: 'enabled', defaultTemplates: ['sidecar'], templates: { sidecar: template } });
      argv = ['--emulate', 'kube-inject', '--injectConfigFile', scratch('hostile.yaml', injectConfig), '-f', '-'];
      stdin = seed;
      break;
    }
    case 'junk-stream':
      argv = ['-f', '-'];
      stdin = c.junk;
      break;
    case 'junk-stdin':
      argv = [];
      stdin = c.junk;
      break;
  }
  // a process reads stdin as UTF-8: no lone surrogates reach cli()
  stdin = Buffer.from(stdin, 'utf8').toString('utf8');
  const run = await runCli(argv, stdin);
  return { argv, stdin, run, problem: checkRun(run, modeOf(argv, stdin)) };
}
