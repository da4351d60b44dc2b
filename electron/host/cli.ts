/**
 * Browser mode: the host as a Node HTTP server on 127.0.0.1 that serves the renderer and the
 * host API (`npm start`). With no library configured it starts the library sandbox in-process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, parseBrowserModeArgs } from './config';
import { createHost } from './host';
import { startHttpHost } from './http-server';
import { startSandbox } from '../../sandbox/index';
import { TrustRoot } from '../../shared/library-api';

async function main(): Promise<void> {
  const config = parseBrowserModeArgs(process.argv.slice(2), process.env, process.cwd());
  if (!existsSync(join(config.staticDir, 'index.html'))) {
    throw new ConfigError(`no built renderer in ${config.staticDir}: run \`npm run build:web\` first (npm start does it)`);
  }
  const version = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

  let libraryUrl: string;
  let rootKey: { kid: string; publicKey: string };
  let closeSandbox: (() => Promise<void>) | null = null;
  if (config.libraryUrl === null) {
    const sandbox = await startSandbox({ dataDir: join(config.dataDir, 'sandbox'), port: 0 });
    libraryUrl = sandbox.url;
    closeSandbox = sandbox.close;
    // The embedded sandbox runs in this process: its published root key is the one to pin.
    rootKey = await fetchSandboxRoot(sandbox.url);
    console.log(`SANDBOX_URL=${sandbox.url}`);
  } else {
    libraryUrl = config.libraryUrl;
    rootKey = config.rootKey!;
  }

  const host = createHost({
    version,
    workstationId: config.workstationId,
    libraryUrl,
    libraryMode: config.libraryUrl === null ? 'sandbox' : 'library',
    transport: 'browser',
    rootKey,
    dataDir: config.dataDir,
  });
  const secret = randomBytes(24).toString('base64url');
  const http = await startHttpHost({
    port: config.port,
    staticDir: config.staticDir,
    secret,
    handlers: host.handlers,
    currentOperator: host.currentOperator,
    onUnexpected: (error, name) => console.error(`host call ${name} failed:`, error),
  });
  console.log(`WORKSTATION_URL=${http.origin}/?key=${secret}`);

  const shutdown = async () => {
    await http.close();
    await closeSandbox?.();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

async function fetchSandboxRoot(url: string): Promise<{ kid: string; publicKey: string }> {
  const root = TrustRoot.parse(await (await fetch(`${url}/api/v1/trust/root`)).json());
  return { kid: root.kid, publicKey: root.publicKey };
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`workstation: ${error.message}`);
  else if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    console.error('workstation: the port is in use (another workstation running?). Stop it, or choose another with --port <n>; note that local data is kept per port.');
  } else console.error('workstation: failed to start:', error);
  process.exit(1);
});
