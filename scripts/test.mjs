// `npm test`: every check, in order, stopping at the first that fails: typecheck, lint (with
// the layer boundaries), the formatting (Prettier; `npm run format` fixes it), unit tests,
// end-to-end tests in Chromium through the real host and sandbox, and the security scan. Ends
// with one line `test: N passed, N failed`.
//
// The end-to-end stage is two Playwright runs: the `e2e` project with one worker per core (each
// worker its own workstation, sandbox and browser), then the `e2e-alone` project — the specs
// that judge time, such as the library link's two-second "slow" rule — with one worker, so that
// no other test shares the machine with them (playwright.config.ts). The second runs even when
// the first failed, so that one run reports every failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const e2eWorkers = String(Math.max(1, Math.min(2, availableParallelism())));

const stages = [
  { name: 'typecheck', runs: [{ cmd: ['npm', 'run', '--silent', 'typecheck'] }] },
  { name: 'lint', runs: [{ cmd: ['npm', 'run', '--silent', 'lint'] }] },
  { name: 'format', runs: [{ cmd: ['npm', 'run', '--silent', 'format:check'] }] },
  {
    name: 'unit',
    runs: [
      {
        cmd: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=.tmp/vitest.json'],
        report: { kind: 'vitest', file: '.tmp/vitest.json' },
      },
    ],
  },
  { name: 'build:web', runs: [{ cmd: ['npm', 'run', '--silent', 'build:web', '--', '--logLevel', 'warn'] }] },
  {
    name: 'e2e',
    runs: [
      { cmd: ['npx', 'playwright', 'test', '--project=e2e', `--workers=${e2eWorkers}`], report: { kind: 'playwright', file: '.tmp/playwright.json' } },
      { cmd: ['npx', 'playwright', 'test', '--project=e2e-alone', '--workers=1'], report: { kind: 'playwright', file: '.tmp/playwright-alone.json' } },
    ],
  },
  { name: 'scan:security', runs: [{ cmd: ['npm', 'run', '--silent', 'scan:security'] }] },
];

/** The passed and failed counts of a run's JSON report, or null when it wrote none. */
function counts(report) {
  if (!existsSync(report.file)) return null;
  const json = JSON.parse(readFileSync(report.file, 'utf8'));
  if (report.kind === 'vitest') return { passed: json.numPassedTests, failed: json.numFailedTests };
  return { passed: json.stats.expected, failed: json.stats.unexpected + json.stats.flaky };
}

mkdirSync('.tmp', { recursive: true });
let passed = 0;
let failed = 0;
const timings = [];
for (const stage of stages) {
  console.log(`\n=== ${stage.name}`);
  const started = Date.now();
  let stageFailed = false;
  for (const run of stage.runs) {
    const args = run.report?.kind === 'playwright' ? [...run.cmd, '--reporter=list,json'] : run.cmd;
    const env = run.report?.kind === 'playwright' ? { PLAYWRIGHT_JSON_OUTPUT_NAME: run.report.file } : {};
    if (run.report) rmSync(run.report.file, { force: true });
    const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } });
    const found = run.report ? counts(run.report) : null;
    if (found) {
      passed += found.passed;
      failed += found.failed;
    }
    if (result.status !== 0) {
      stageFailed = true;
      // A run that failed without a report of its failures (a crash, a config error) counts one.
      if (!found || found.failed === 0) failed++;
    }
  }
  timings.push(`${stage.name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (stageFailed) {
    console.error(`\n${stage.name} failed.`);
    console.log(`\n${timings.join(' · ')}`);
    console.log(`test: ${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(1);
  }
}
console.log(`\n${timings.join(' · ')}`);
console.log(`test: ${passed} passed, ${failed} failed`);
