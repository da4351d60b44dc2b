import { describe, expect, it } from 'vitest';
import { ALLOWED_PERMISSIONS, isPermissionAllowed } from '../../../electron/main/permissions';

const APP = 'app://workstation';

describe('the permission allow-list', () => {
  it('allows only the camera', () => {
    expect(Object.keys(ALLOWED_PERMISSIONS)).toEqual(['media']);
  });

  it.each([
    ['media', `${APP}/index.html`, ['video'], true],
    ['media', `${APP}/index.html`, ['audio'], false],
    ['media', `${APP}/index.html`, ['video', 'audio'], false],
    ['media', `${APP}/index.html`, [], false],
    ['media', 'https://evil.example/', ['video'], false],
    ['geolocation', `${APP}/index.html`, undefined, false],
    ['notifications', `${APP}/index.html`, undefined, false],
    ['clipboard-read', `${APP}/index.html`, undefined, false],
    ['openExternal', `${APP}/index.html`, undefined, false],
    ['media', 'not a url', ['video'], false],
  ] as const)('%s from %s (%j) → %s', (permission, url, mediaTypes, allowed) => {
    expect(isPermissionAllowed(permission, url, mediaTypes ? { mediaTypes } : undefined, APP)).toBe(allowed);
  });
});
