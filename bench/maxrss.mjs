// Preloaded (NODE_OPTIONS=--import) where GNU time is missing: writes the process's peak RSS in KiB
// to $BENCH_RSS_FILE at exit, the figure `/usr/bin/time -f %M` would print.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
