// `npm start`: builds the renderer for browser mode, then starts the host on 127.0.0.1, which
// prints WORKSTATION_URL=... (and SANDBOX_URL=... and READER_SIM_URL=... when it starts the
// embedded sandbox with its ID-card reader simulator).
// Arguments after `npm start --` go to the host: --port, --data, --library, --workstation-id.
import { spawn, spawnSync } from 'node:child_process';

const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], {
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('workstation: building the renderer failed (see above); nothing was started.');
  process.exit(build.status ?? 1);
}
const host = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => host.kill(signal));
host.on('exit', (code) => process.exit(code ?? 0));
