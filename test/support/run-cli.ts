/** Drives the CLI in-process with strings: argv and stdin in, exit code, stdout and stderr out. */
import { cli } from '../../src/cli/cli.js';
import type { IoContext } from '../../src/io/index.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `ioContext`: the I/O layer's state for the run (to turn a fast path off or read its counters). */
export async function runCli(argv: string[], stdin = '', ioContext?: IoContext): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await cli(argv, {
    readStdin: async () => stdin,
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    ...(ioContext ? { ioContext } : {}),
  });
  return { code, stdout, stderr };
}
