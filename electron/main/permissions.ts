/**
 * The permissions the renderer may be granted, as a commented allow-list (docs/architecture.md §10.6).
 * Everything not listed is refused.
 */

/** Why each allowed permission is needed. */
export const ALLOWED_PERMISSIONS: Readonly<Record<string, string>> = {
  // The camera reads the applicant's 亮证码 and captures paper pages (docs/architecture.md §4, steps 2 and 5).
  media: 'camera: read the 亮证码 and capture paper pages',
};

/**
 * The origin of a URL as `scheme://host`. WHATWG URL gives `null` as the origin of a custom
 * scheme outside Electron's registration (and in unit tests), so it is built by hand.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

/** Decides a permission request: only video capture, only from the workstation's own origin. */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  details: { mediaTypes?: readonly string[] } | undefined,
  appOrigin: string,
): boolean {
  if (!(permission in ALLOWED_PERMISSIONS)) return false;
  if (originOf(requestingUrl) !== appOrigin) return false;
  if (permission === 'media') {
    const types = details?.mediaTypes ?? [];
    // Audio is never needed at a counter; a request that includes it is refused whole.
    return types.length > 0 && types.every((type) => type === 'video');
  }
  return true;
}
