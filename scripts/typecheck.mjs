// `npm run typecheck`: the four TypeScript projects (shared without DOM or Node, the Node side,
// the tests, the renderer with vue-tsc), as many at once as there are cores (each compiler is
// one thread). Each project's output is printed whole, in a fixed order, once it has finished;
// the exit code is 1 if any project failed.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

// Longest first, so that the short ones fill in behind them.
const projects = [
  { name: 'tests', cmd: ['npx', 'tsc', '-p', 'tsconfig.tests.json'] },
  { name: 'web', cmd: ['npx', 'vue-tsc', '-p', 'tsconfig.web.json'] },
  { name: 'node', cmd: ['npx', 'tsc', '-p', 'tsconfig.node.json'] },
  { name: 'shared', cmd: ['npx', 'tsc', '-p', 'tsconfig.shared.json'] },
];

function run(project) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(project.cmd[0], project.cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ ...project, code: 1, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on('close', (code) => resolve({ ...project, code: code ?? 1, output, seconds: (Date.now() - started) / 1000 }));
  });
}

const lanes = Math.max(1, Math.min(projects.length, availableParallelism()));
const queue = [...projects];
const results = [];
await Promise.all(
  Array.from({ length: lanes }, async () => {
    for (let project = queue.shift(); project; project = queue.shift()) results.push(await run(project));
  }),
);

let failed = false;
for (const { name } of projects) {
  const result = results.find((r) => r.name === name);
  if (result.code !== 0) failed = true;
  if (result.code !== 0 || result.output.trim()) {
    console.log(`--- ${name}${result.code !== 0 ? ` failed (exit ${result.code})` : ''}`);
    process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
  }
}
console.log(`typecheck: ${results.map((r) => `${r.name} ${r.seconds.toFixed(1)} s`).join(' · ')}`);
process.exit(failed ? 1 : 0);
