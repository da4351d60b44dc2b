/**
 * Browser mode: the host as a Node HTTP server on 127.0.0.1 that serves the renderer and the
 * host API (`npm start`). With no library configured it starts the library sandbox in-process;
 * unless pointed at another hall (`--hall`), it runs a hall in-process too, enrolled with itself.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, parseBrowserModeArgs } from './config';
import { embeddedSandbox } from './embedded-sandbox';
import { embeddedHall, hallLibraryAccount } from './embedded-hall';
import { createHost } from './host';
import { logHostEvent, hostEventLogFile } from './event-log';
import { startHttpHost } from './http-server';
import { startRefusalServer } from './refusal-server';
import { loadSettings, SettingsUnusableError, settingsUnusableMessage } from './settings-store';

async function main(): Promise<void> {
  const config = parseBrowserModeArgs(process.argv.slice(2), process.env, process.cwd());
  if (!existsSync(join(config.staticDir, 'index.html'))) {
    throw new ConfigError(`no built renderer in ${config.staticDir}: run \`npm run build:web\` first (npm start does it)`);
  }
  const version = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

  const settingsFile = join(config.dataDir, 'settings.json');
  let saved;
  try {
    saved = loadSettings(settingsFile);
  } catch (error) {
    if (!(error instanceof SettingsUnusableError)) throw error;
    await refuseToServe(config.dataDir, config.port, error);
    return;
  }
  const settings = {
    ...saved,
    ...(config.libraryUrl && config.rootKey ? { libraryUrl: config.libraryUrl, rootKey: config.rootKey } : {}),
    ...(config.workstationId ? { workstationId: config.workstationId } : {}),
  };

  const sandbox = embeddedSandbox(config.dataDir);
  const log = (line: string) => console.error(line);
  const hall = embeddedHall(config.dataDir, {
    bind: config.hallBind,
    port: config.hallPort,
    library: hallLibraryAccount(settings, sandbox),
    log,
  });

  const host = await createHost({
    version,
    transport: 'browser',
    dataDir: config.dataDir,
    settings,
    // Overrides given on the command line are for this run; changes made in the UI are saved.
    settingsFile,
    openSandbox: sandbox.open,
    hall: {
      url: config.hall.mode === 'remote' ? config.hall.url : null,
      openEmbedded: config.hall.mode === 'embedded' ? hall.open : null,
      off: config.hall.mode === 'off',
    },
    log,
  });
  const hallLink = host.hall.describe();
  if (hallLink.url) {
    console.log(`HALL_URL=${hallLink.url}`);
    if (!hallLink.enrolment)
      log(`workstation: not enrolled with the hall at ${hallLink.url}: a supervisor enrols it in 设置 with a code from \`npm run hall -- enrol\``);
  }
  if (host.target().mode === 'sandbox') {
    console.log(`SANDBOX_URL=${host.target().url}`);
    // In training the sandbox's ID-card reader simulator stands in for the reader; a trainer
    // lays cards on it from the holder page, <SANDBOX_URL>/_sandbox/holders.
    const { reader } = await sandbox.open();
    if (reader) console.log(`READER_SIM_URL=${reader.httpUrl}`);
  }
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
    await hall.close();
    await sandbox.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/**
 * Unusable settings: the workstation does not start (no sandbox, no host API). The terminal and
 * the page at the workstation's address say what happened and how to restore the settings, and
 * the event goes to the host event log. It never falls back to the defaults, which would run a
 * production workstation as a training one under another id.
 */
async function refuseToServe(dataDir: string, port: number, error: SettingsUnusableError): Promise<void> {
  const at = new Date();
  const message = settingsUnusableMessage(error);
  logHostEvent(
    dataDir,
    'settings_unusable',
    { file: error.file, problem: error.problem, keptAs: error.keptAs, backup: error.backup, detail: error.detail },
    at,
  );
  console.error(
    [
      `workstation: NOT SERVING — the settings file ${error.file} is ${error.problem} (${error.detail}).`,
      error.keptAs ? `workstation: the damaged file is kept as ${error.keptAs}.` : null,
      `workstation: logged in ${hostEventLogFile(dataDir)}. Restore the settings, then start again:`,
      `${message.title}。${message.what}`,
      ...message.steps.map((step, i) => `  ${i + 1}. ${step}`),
    ]
      .filter((line) => line !== null)
      .join('\n'),
  );
  const page = await startRefusalServer({ port, refusal: { ...message, at: at.toISOString() } });
  console.log(`WORKSTATION_REFUSED=${page.origin}/`);
  const shutdown = async () => {
    await page.close();
    process.exit(1);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`workstation: ${error.message}`);
  else if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    console.error(
      'workstation: the port is in use (another workstation running?). Stop it, or choose another with --port <n>; note that local data is kept per port.',
    );
  } else console.error('workstation: failed to start:', error);
  process.exit(1);
});
