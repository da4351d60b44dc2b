// Runs every benchmark in tests/bench (files named *.bench.ts), one after another so that
// they do not compete for the two cores, and exits non-zero if any of them failed to run.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';

const only = process.argv.slice(2);
const files = readdirSync('tests/bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (only.length === 0) rmSync('bench-results.json', { force: true });
// The benchmarks that open the workstation serve dist-web: build it from the working tree
// first, so that a figure never comes from a stale bundle.
console.log('building the renderer (dist-web)…');
if (spawnSync('npm', ['run', '--silent', 'build:web'], { stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) {
  console.error('bench: the renderer did not build');
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const run = spawnSync('npx', ['tsx', `tests/bench/${file}`], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
console.log(`\nbench: ${files.length - failed} ran, ${failed} failed; figures in bench-results.json`);
process.exit(failed === 0 ? 0 : 1);
