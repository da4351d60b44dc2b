/**
 * The address of the city e-licence library. Bearer tokens, holders' data and licence files
 * travel to and from it, so it is `https://` — plain `http://` only to this machine itself
 * (a sandbox started alongside for training or tests), where nothing crosses a network.
 */

/** Why a library address was refused. */
export type LibraryUrlProblem =
  /** Not an absolute http(s) address of a host, or one with parts a base address cannot have. */
  | 'malformed'
  /** `http://` to another machine than this one. */
  | 'insecure';

/** The result of checking a library address: the address without trailing slashes, or why not. */
export type LibraryUrlCheck = { ok: true; url: string } | { ok: false; problem: LibraryUrlProblem };

// Strict on purpose: one host form per kind, no user-info (`user@host` hides the real host),
// no backslash (WHATWG URL parsing reads `\` as `/`), no query or fragment (the client appends
// paths to this base).
const URL_PATTERN = /^(https?):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::(\d{1,5}))?(\/[^\s?#\\@]*)?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** True for a host that names this machine: localhost, 127.0.0.0/8 written as four decimal octets, or [::1]. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === '[::1]') return true;
  const quad = IPV4.exec(lower);
  return quad !== null && quad.slice(1).every((octet) => Number(octet) <= 255 && (octet === '0' || !octet.startsWith('0'))) && quad[1] === '127';
}

/**
 * Checks a library base address: `https://` to any host, `http://` only to a loopback host
 * (see {@link isLoopbackHost}); a port, when given, is 1–65535. Trailing slashes are removed.
 */
export function checkLibraryUrl(text: string): LibraryUrlCheck {
  const match = URL_PATTERN.exec(text);
  if (!match) return { ok: false, problem: 'malformed' };
  // The scheme and host groups take part in every match (their defaults are never used); the port is optional.
  const [, scheme = '', host = '', port] = match;
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) return { ok: false, problem: 'malformed' };
  if (
    /^[\d.]+$/.test(host) &&
    !(
      IPV4.exec(host)
        ?.slice(1)
        .every((octet) => Number(octet) <= 255) ?? false
    )
  )
    return { ok: false, problem: 'malformed' };
  if (scheme !== 'https' && !isLoopbackHost(host)) return { ok: false, problem: 'insecure' };
  return { ok: true, url: text.replace(/\/+$/, '') };
}
