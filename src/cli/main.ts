/**
 * Process entry point: the only place that touches `process`. Output is written with
 * `process.stdout.write` and the exit code set through `process.exitCode`, never
 * `process.exit()`, which would cut a piped stdout at 64 KiB.
 */
import { cli } from './cli.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  process.exitCode = await cli(process.argv.slice(2), {
    readStdin,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdinIsTTY: process.stdin.isTTY === true,
  });
} catch (e) {
  // A bug, not a user problem: say so plainly, without a stack trace unless asked for.
  const detail = process.env.INJECT_SIDECAR_DEBUG ? `\n${(e as Error).stack}` : '';
  process.stderr.write(`inject-sidecar: internal error: ${(e as Error).message}${detail}\n`);
  process.exitCode = 1;
}
