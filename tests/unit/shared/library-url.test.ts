import { describe, expect, it } from 'vitest';
import { HostSettingsSchema } from '../../../shared/contract';
import { checkLibraryUrl, isLoopbackHost } from '../../../shared/library-url';

describe('the library address', () => {
  it.each([
    ['https://gateway.example.gov.cn', 'https://gateway.example.gov.cn'],
    ['https://gateway.example.gov.cn:8443/elicence/', 'https://gateway.example.gov.cn:8443/elicence'],
    ['https://10.20.30.40', 'https://10.20.30.40'],
    ['https://[2001:db8::1]:443', 'https://[2001:db8::1]:443'],
    ['http://127.0.0.1:8700', 'http://127.0.0.1:8700'],
    ['http://127.10.0.1:8700/', 'http://127.10.0.1:8700'],
    ['http://localhost:8700', 'http://localhost:8700'],
    ['http://LOCALHOST', 'http://LOCALHOST'],
    ['http://[::1]:8700', 'http://[::1]:8700'],
  ])('accepts %s', (text, url) => {
    expect(checkLibraryUrl(text)).toEqual({ ok: true, url });
  });

  it.each([
    'http://gateway.example.gov.cn',
    'http://10.20.30.40:8700',
    'http://192.168.1.5',
    // Names that only look like this machine.
    'http://127.0.0.1.evil.example',
    'http://localhost.evil.example',
    'http://128.0.0.1',
    // A browser reads this as 127.0.0.1; refused all the same.
    'http://0x7f.0.0.1',
    'http://[::2]',
  ])('refuses plain http to another machine: %s', (text) => {
    expect(checkLibraryUrl(text)).toEqual({ ok: false, problem: 'insecure' });
  });

  it.each([
    '',
    'gateway.example.gov.cn',
    'ftp://gateway.example.gov.cn',
    'https://',
    'https://gate way.example',
    'HTTPS://gateway.example',
    // User-info hides the real host; a backslash is a slash to a browser's URL parser.
    'http://127.0.0.1@evil.example',
    'https://user:pass@gateway.example',
    'http://127.0.0.1\\@evil.example',
    'https://gateway.example/?a=1',
    'https://gateway.example/#x',
    'http://127.1',
    'http://localhost.',
    'http://127.0.0.1:0',
    'http://127.0.0.1:70000',
    'http://127.0.0.256',
  ])('refuses a malformed address: %j', (text) => {
    expect(checkLibraryUrl(text)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.255.255.254', 'localhost', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['127.0.0.01', '10.0.0.1', 'localhost.localdomain', '[::ffff:127.0.0.1]'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });

  it('is the settings rule, with the problem the supervisor is told', () => {
    const base = { rootKey: null, workstationId: 'PD-W07', paperRetentionDays: 30 };
    expect(HostSettingsSchema.safeParse({ ...base, libraryUrl: 'https://gateway.example.gov.cn' }).success).toBe(true);
    expect(HostSettingsSchema.safeParse({ ...base, libraryUrl: 'http://127.0.0.1:8700' }).success).toBe(true);
    const refused = HostSettingsSchema.safeParse({ ...base, libraryUrl: 'http://gateway.example.gov.cn' });
    expect(refused.success).toBe(false);
    // The problem's code: the renderer words it (settings.problems), the host on its own pages.
    expect(refused.error?.issues[0]).toMatchObject({ path: ['libraryUrl'], message: 'library_url_insecure' });
  });
});
