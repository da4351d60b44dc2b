// `npm test`: every check, in order, stopping at the first that fails: typecheck, lint (with
// the layer boundaries), the formatting (Prettier; `npm run format` fixes it), unit tests,
// end-to-end tests in Chromium through the real host and sandbox, and the security scan. Ends
// with one line `test: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const stages = [
  { name: 'typecheck', cmd: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'lint', cmd: ['npm', 'run', '--silent', 'lint'] },
  { name: 'format', cmd: ['npm', 'run', '--silent', 'format:check'] },
  { name: 'unit', cmd: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=.tmp/vitest.json'], report: 'vitest' },
  { name: 'build:web', cmd: ['npm', 'run', '--silent', 'build:web', '--', '--logLevel', 'warn'] },
  { name: 'e2e', cmd: ['npx', 'playwright', 'test'], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: '.tmp/playwright.json' }, report: 'playwright' },
  { name: 'scan:security', cmd: ['npm', 'run', '--silent', 'scan:security'] },
];

mkdirSync('.tmp', { recursive: true });
let passed = 0;
let failed = 0;
const timings = [];
for (const stage of stages) {
  console.log(`\n=== ${stage.name}`);
  const started = Date.now();
  const args = stage.report === 'playwright' ? [...stage.cmd, '--reporter=list,json'] : stage.cmd;
  if (stage.report) rmSync(stage.report === 'vitest' ? '.tmp/vitest.json' : '.tmp/playwright.json', { force: true });
  const run = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env: { ...process.env, ...stage.env } });
  timings.push(`${stage.name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (stage.report === 'vitest' && existsSync('.tmp/vitest.json')) {
    const report = JSON.parse(readFileSync('.tmp/vitest.json', 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
  if (stage.report === 'playwright' && existsSync('.tmp/playwright.json')) {
    const stats = JSON.parse(readFileSync('.tmp/playwright.json', 'utf8')).stats;
    passed += stats.expected;
    failed += stats.unexpected + stats.flaky;
  }
  if (run.status !== 0) {
    if (!stage.report) failed++;
    console.error(`\n${stage.name} failed.`);
    console.log(`\n${timings.join(' · ')}`);
    console.log(`test: ${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(1);
  }
}
console.log(`\n${timings.join(' · ')}`);
console.log(`test: ${passed} passed, ${failed} failed`);
