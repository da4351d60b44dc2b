/**
 * The trust list (`GET /trust`, docs/library-api.md §4): the issuers' and the holder platform's SM2
 * public keys, signed by the library's root key, which the workstation pins. A licence or a
 * 亮证 token is only as trusted as the key that signed it, so every key is looked up here by
 * its `kid`, its `use` and its validity window.
 */
import { type KeyUse, type TrustKey, TrustList, type TrustRoot } from './library-api';
import { verifyTrustList } from './licence-digest';

/** Why a trust list was refused. */
export type TrustListProblem =
  /** The body does not have the trust list's shape. */
  | 'malformed'
  /** It names another root key than the pinned one. */
  | 'root_kid_mismatch'
  /** The root signature over `{issuedAt, keys, rootKid}` does not verify. */
  | 'bad_signature'
  /** Two keys share a `kid`, so a lookup would be ambiguous. */
  | 'duplicate_kid';

/** A trust list whose root signature verified, indexed by `kid`. */
export interface VerifiedTrustList {
  readonly list: TrustList;
  readonly byKid: ReadonlyMap<string, TrustKey>;
}

/** The result of checking a trust list against the pinned root. */
export type TrustListCheck = { ok: true; trust: VerifiedTrustList } | { ok: false; problem: TrustListProblem };

/**
 * Parses and verifies a trust list against the pinned root key: the body's shape, the root
 * `kid`, the SM2 signature over canonical JSON of `{issuedAt, keys, rootKid}` (every field of
 * every key is covered, unknown ones included) and unique `kid`s.
 */
export function checkTrustList(body: unknown, root: TrustRoot): TrustListCheck {
  const parsed = TrustList.safeParse(body);
  if (!parsed.success) return { ok: false, problem: 'malformed' };
  const list = parsed.data;
  if (list.rootKid !== root.kid) return { ok: false, problem: 'root_kid_mismatch' };
  if (!verifyTrustList(list, root)) return { ok: false, problem: 'bad_signature' };
  const byKid = new Map<string, TrustKey>();
  for (const key of list.keys) {
    if (byKid.has(key.kid)) return { ok: false, problem: 'duplicate_kid' };
    byKid.set(key.kid, key);
  }
  return { ok: true, trust: { list, byKid } };
}

/** Why no trusted key was found. */
export type KeyLookupProblem =
  /** No key has this `kid`. */
  | 'unknown_kid'
  /** The key exists but is for another use (e.g. a holder-platform key on a licence). */
  | 'wrong_use'
  /** The key belongs to another organisation than the one expected. */
  | 'wrong_owner'
  /** The time is before the key's `notBefore`. */
  | 'not_yet_valid'
  /** The time is after the key's `notAfter`. */
  | 'expired';

/** A key lookup's result. */
export type KeyLookup = { ok: true; key: TrustKey } | { ok: false; problem: KeyLookupProblem; key: TrustKey | null };

/** What a key must be: its use, the time it must be valid at, and optionally its owner's code. */
export interface KeyRequirement {
  kid: string;
  use: KeyUse;
  /** The time the key must be valid at (for a licence, when it was signed). */
  at: Date;
  /** The owning organisation's code (for a licence key, the licence's issuer). */
  ownerCode?: string;
}

/**
 * Finds a trusted key by `kid` and checks its use, owner and window (`notBefore` ≤ at ≤
 * `notAfter`, both inclusive). The problems are checked in the order of {@link KeyLookupProblem}.
 */
export function findTrustedKey(trust: VerifiedTrustList, requirement: KeyRequirement): KeyLookup {
  const key = trust.byKid.get(requirement.kid);
  if (!key) return { ok: false, problem: 'unknown_kid', key: null };
  if (key.use !== requirement.use) return { ok: false, problem: 'wrong_use', key };
  if (requirement.ownerCode !== undefined && key.owner.code !== requirement.ownerCode) return { ok: false, problem: 'wrong_owner', key };
  const at = requirement.at.getTime();
  if (at < Date.parse(key.notBefore)) return { ok: false, problem: 'not_yet_valid', key };
  if (at > Date.parse(key.notAfter)) return { ok: false, problem: 'expired', key };
  return { ok: true, key };
}

/**
 * A key lookup for the 亮证 token's verifier (`shared/token.ts`): the public key of a trusted
 * `holder_token` key valid at `now`, or null.
 */
export function holderTokenKeyLookup(trust: VerifiedTrustList, now: Date): (kid: string) => string | null {
  return (kid) => {
    const found = findTrustedKey(trust, { kid, use: 'holder_token', at: now });
    return found.ok ? found.key.publicKey : null;
  };
}
