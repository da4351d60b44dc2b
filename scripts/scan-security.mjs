// Electronegativity over the sources: electron/ and renderer/ together, so that its global
// checks (CSP, navigation limits, permission handler) see the whole app. It always exits 0, so its
// report is read here: any finding fails the scan except CSP_GLOBAL_CHECK, the review note reported
// for every `script-src 'self'` policy, which cannot be cleared (docs/architecture.md §11).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { blockingFindings, sarifFindings } from './sarif-findings.mjs';

const ACCEPTED = new Set(['CSP_GLOBAL_CHECK']);
// SARIF, not CSV: see sarif-findings.mjs.
const output = '.tmp/electronegativity.sarif';
const scanRoot = '.tmp/scan';
rmSync(scanRoot, { recursive: true, force: true });
mkdirSync(scanRoot, { recursive: true });
for (const dir of ['electron', 'renderer']) cpSync(dir, `${scanRoot}/${dir}`, { recursive: true });
rmSync(output, { force: true });
const run = spawnSync('npx', ['electronegativity', '-i', scanRoot, '-e', '45.5.0', '-o', output, '-r'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(readFileSync(output, 'utf8'));
} catch (error) {
  console.error(run.stdout, run.stderr);
  console.error(`scan:security: electronegativity wrote no readable report (${error.message})`);
  process.exit(1);
}
const findings = sarifFindings(report);
const blocking = blockingFindings(findings, ACCEPTED);
for (const f of findings) console.log(`${ACCEPTED.has(f.check) ? 'accepted' : 'FINDING '} ${f.check} ${f.file}:${f.line} ${f.message}`);
if (blocking.length > 0) {
  console.error(`scan:security: ${blocking.length} finding(s) to fix`);
  process.exit(1);
}
console.log(`scan:security: no findings to fix (${findings.length} accepted review note(s))`);
