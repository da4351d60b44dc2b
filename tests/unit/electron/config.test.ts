import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PORT, parseBrowserModeArgs, parseRootKey } from '../../../electron/host/config';

const KEY = `04${'ab'.repeat(64)}`;

describe('browser-mode options', () => {
  it('defaults to the fixed port, the embedded sandbox and ./.data', () => {
    const config = parseBrowserModeArgs([], {}, '/srv/ws');
    expect(config).toMatchObject({ port: DEFAULT_PORT, libraryUrl: null, dataDir: '/srv/ws/.data', workstationId: null, rootKey: null });
  });

  it('reads every option', () => {
    const config = parseBrowserModeArgs(
      ['--port', '0', '--data', 'd', '--library', 'https://lib.example/', '--root-key', `root-1:${KEY}`, '--workstation-id', 'PD-W07'],
      {},
      '/srv/ws',
    );
    expect(config).toMatchObject({
      port: 0,
      dataDir: '/srv/ws/d',
      libraryUrl: 'https://lib.example',
      workstationId: 'PD-W07',
      rootKey: { kid: 'root-1', publicKey: KEY },
    });
  });

  it('takes the library and its root key from the environment', () => {
    const config = parseBrowserModeArgs([], { LIBRARY_URL: 'http://127.0.0.1:8700', ROOT_KEY: `r:${KEY.toUpperCase().replace(/^04/, '04')}` }, '/');
    expect(config.libraryUrl).toBe('http://127.0.0.1:8700');
    expect(config.rootKey?.publicKey).toBe(KEY);
  });

  it('runs the embedded hall on 127.0.0.1 by default; --hall names another hall or none, --hall-bind and --hall-port place the embedded one', () => {
    expect(parseBrowserModeArgs([], {}, '/')).toMatchObject({ hall: { mode: 'embedded' }, hallBind: '127.0.0.1', hallPort: 0 });
    expect(parseBrowserModeArgs(['--hall', 'http://10.20.0.5:8790/'], {}, '/').hall).toEqual({ mode: 'remote', url: 'http://10.20.0.5:8790' });
    expect(parseBrowserModeArgs(['--hall', 'off'], {}, '/').hall).toEqual({ mode: 'off' });
    expect(parseBrowserModeArgs(['--hall', 'http://[::1]:8790/hall/'], {}, '/').hall).toEqual({ mode: 'remote', url: 'http://[::1]:8790/hall' });
    expect(parseBrowserModeArgs(['--hall', 'https://hall.pd.example'], {}, '/').hall).toEqual({ mode: 'remote', url: 'https://hall.pd.example' });
    expect(parseBrowserModeArgs([], { HALL_URL: 'https://hall.pd.example' }, '/').hall).toEqual({ mode: 'remote', url: 'https://hall.pd.example' });
    // The command line wins over the environment.
    expect(parseBrowserModeArgs(['--hall', 'embedded'], { HALL_URL: 'https://hall.pd.example' }, '/').hall).toEqual({ mode: 'embedded' });
    expect(parseBrowserModeArgs(['--hall-bind', '0.0.0.0', '--hall-port', '8790'], {}, '/')).toMatchObject({ hallBind: '0.0.0.0', hallPort: 8790 });
  });

  it.each([
    [['--hall', 'ftp://hall']],
    [['--hall', 'http://user@hall']],
    [['--hall', 'hall.lan:8790']],
    // An address pasted twice, or with an impossible port: refused here, not taken for a hall that cannot be reached.
    [['--hall', 'http://127.0.0.1:43885http://127.0.0.1:43885']],
    [['--hall', 'http://10.20.0.5:99999']],
    [['--hall', 'http://10.20.0.5:0']],
    [['--hall', 'http://hall.lan:8790\\x']],
    [['--hall-bind', 'hall.lan']],
    [['--hall-port', '-1']],
    [['--port', '70000']],
    [['--port']],
    [['--port', 'abc']],
    [['--library', 'ftp://x']],
    [['--library', 'https://lib.example']],
    [['--root-key', `k:${KEY}`]],
    [['--workstation-id', 'has space']],
    [['--root-key', 'nokey']],
    [['--frobnicate']],
  ])('refuses %j with a message', (args) => {
    expect(() => parseBrowserModeArgs(args, {}, '/')).toThrow(ConfigError);
  });

  it('takes https:// for a library, and plain http:// only on this machine, saying why', () => {
    const withKey = (library: string) => parseBrowserModeArgs(['--library', library, '--root-key', `k:${KEY}`], {}, '/');
    expect(withKey('https://gateway.example.gov.cn/').libraryUrl).toBe('https://gateway.example.gov.cn');
    expect(withKey('http://localhost:8700').libraryUrl).toBe('http://localhost:8700');
    expect(() => withKey('http://gateway.example.gov.cn')).toThrow(/--library must be an https:\/\/ URL.*loopback/);
    expect(() => withKey('http://127.0.0.1.evil.example')).toThrow(/https:\/\//);
    expect(() => parseBrowserModeArgs([], { LIBRARY_URL: 'http://10.1.2.3:8700', ROOT_KEY: `k:${KEY}` }, '/')).toThrow(/LIBRARY_URL must be an https:\/\/ URL/);
  });

  it('parses a root key as kid and lowercase hex', () => {
    expect(parseRootKey(` k1:${KEY.toUpperCase()} `)).toEqual({ kid: 'k1', publicKey: KEY });
    expect(() => parseRootKey(`k1:${KEY.slice(0, -2)}`)).toThrow(ConfigError);
    expect(() => parseRootKey(`k1:${KEY}:extra`)).toThrow(ConfigError);
    expect(() => parseRootKey(`k 1:${KEY}`)).toThrow(ConfigError);
    expect(() => parseRootKey(KEY)).toThrow(ConfigError);
    expect(() => parseRootKey(`k1:03${KEY.slice(2)}`)).toThrow(ConfigError);
  });
});
