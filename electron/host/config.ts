import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { HallUrlSchema, RootKeySchema } from '../../shared/contract';
import { checkLibraryUrl } from '../../shared/library-url';

/** Browser-mode settings, from the command line and the environment. */
export interface BrowserModeConfig {
  port: number;
  /** Folder for the host's own data and the embedded sandbox's. */
  dataDir: string;
  /** A library for this run (overrides the saved setting); null keeps the saved one. */
  libraryUrl: string | null;
  /** Overrides the saved workstation id for this run. */
  workstationId: string | null;
  /** Folder of the built renderer. */
  staticDir: string;
  /** The library's root key, pinned (`--root-key <kid>:<130 hex>`); the sandbox publishes its own. */
  rootKey: { kid: string; publicKey: string } | null;
  /**
   * The hall (`--hall`, HALL_URL): `embedded` (the default) runs one beside the workstation
   * unless a supervisor enrolled it with another in 设置; a URL points it at that hall; `off` runs
   * without a hall.
   */
  hall: { mode: 'embedded' } | { mode: 'remote'; url: string } | { mode: 'off' };
  /** The embedded hall's address to listen on (`--hall-bind`): 127.0.0.1 unless the hall's other windows are to reach it. */
  hallBind: string;
  /** The embedded hall's port (`--hall-port`); 0 picks a free one. */
  hallPort: number;
}

/**
 * The fixed default port of browser mode. The browser keeps IndexedDB per origin, so a port
 * that changed between launches would hide every case, scan and queued record kept so far.
 */
export const DEFAULT_PORT = 47615;

/** A command-line mistake, told to the person who started the workstation. */
export class ConfigError extends Error {}

function valueOf(args: string[], index: number, flag: string): string {
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new ConfigError(`${flag} needs a value`);
  return value;
}

/** Parses `--port`, `--data`, `--library`, `--workstation-id`, `--hall`, `--hall-bind`, `--hall-port` (and LIBRARY_URL, WORKSTATION_ID, HALL_URL). */
export function parseBrowserModeArgs(args: string[], env: Record<string, string | undefined>, cwd: string): BrowserModeConfig {
  const config: BrowserModeConfig = {
    port: DEFAULT_PORT,
    dataDir: resolve(cwd, '.data'),
    libraryUrl: env.LIBRARY_URL && env.LIBRARY_URL.length > 0 ? parseLibraryUrl(env.LIBRARY_URL, 'LIBRARY_URL') : null,
    workstationId: env.WORKSTATION_ID && env.WORKSTATION_ID.length > 0 ? env.WORKSTATION_ID : null,
    staticDir: resolve(cwd, 'dist-web'),
    rootKey: env.ROOT_KEY ? parseRootKey(env.ROOT_KEY) : null,
    hall: env.HALL_URL && env.HALL_URL.length > 0 ? parseHall(env.HALL_URL, 'HALL_URL') : { mode: 'embedded' },
    hallBind: '127.0.0.1',
    hallPort: 0,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    switch (arg) {
      case '--port': {
        const port = Number(valueOf(args, i++, arg));
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('--port must be a whole number from 0 to 65535');
        config.port = port;
        break;
      }
      case '--data':
        config.dataDir = resolve(cwd, valueOf(args, i++, arg));
        break;
      case '--library': {
        config.libraryUrl = parseLibraryUrl(valueOf(args, i++, arg), arg);
        break;
      }
      case '--workstation-id': {
        const id = valueOf(args, i++, arg);
        if (!/^[A-Za-z0-9-]{1,32}$/.test(id)) throw new ConfigError('--workstation-id takes 1-32 letters, digits or dashes');
        config.workstationId = id;
        break;
      }
      case '--root-key':
        config.rootKey = parseRootKey(valueOf(args, i++, arg));
        break;
      case '--hall':
        config.hall = parseHall(valueOf(args, i++, arg), arg);
        break;
      case '--hall-bind': {
        const bind = valueOf(args, i++, arg);
        if (!isIP(bind)) throw new ConfigError("--hall-bind takes an IP address to listen on (127.0.0.1, the machine's LAN address, or 0.0.0.0)");
        config.hallBind = bind;
        break;
      }
      case '--hall-port': {
        const port = Number(valueOf(args, i++, arg));
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('--hall-port must be a whole number from 0 to 65535');
        config.hallPort = port;
        break;
      }
      case '--static':
        config.staticDir = resolve(cwd, valueOf(args, i++, arg));
        break;
      default:
        throw new ConfigError(`unknown option ${arg}`);
    }
  }
  if ((config.libraryUrl === null) !== (config.rootKey === null)) {
    throw new ConfigError('--library and --root-key go together: a library needs its pinned root key (<kid>:<public key hex>)');
  }
  return config;
}

/**
 * Checks a library address given at start (`--library`, LIBRARY_URL): https:// to any host,
 * http:// only to this machine (shared/library-url.ts). Returns it without trailing slashes.
 */
export function parseLibraryUrl(text: string, from: string): string {
  const checked = checkLibraryUrl(text);
  if (checked.ok) return checked.url;
  if (checked.problem === 'insecure') {
    throw new ConfigError(
      `${from} must be an https:// URL (${text} is plain http to another machine, which would send bearer tokens and holders' data unencrypted); only a loopback address (127.0.0.1, localhost, [::1]) may use http://`,
    );
  }
  throw new ConfigError(`${from} must be an absolute https:// URL without spaces, user name, query or fragment, e.g. https://library.example/`);
}

/** Parses `--hall`'s value: `off`, `embedded`, or a hall's http(s) URL (the rule of the settings page's, HallUrlSchema). */
export function parseHall(text: string, from: string): BrowserModeConfig['hall'] {
  if (text === 'off') return { mode: 'off' };
  if (text === 'embedded') return { mode: 'embedded' };
  const parsed = HallUrlSchema.safeParse(text);
  if (!parsed.success)
    throw new ConfigError(`${from} must be off, embedded, or a hall's address such as http://10.20.0.5:8790 (http or https, no user name, query or fragment)`);
  return { mode: 'remote', url: parsed.data };
}

/** Parses `<kid>:<130 hex characters>`. */
export function parseRootKey(text: string): { kid: string; publicKey: string } {
  const [kid = '', publicKey = '', ...rest] = text.trim().split(':');
  // The same rule as the settings page's (RootKeySchema); hex may be given in either case.
  const parsed = RootKeySchema.safeParse({ kid, publicKey: publicKey.toLowerCase() });
  if (rest.length > 0 || !parsed.success) throw new ConfigError('the root key must be <kid>:<130 hex characters starting with 04>');
  return parsed.data;
}
