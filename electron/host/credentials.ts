import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file';
import { z } from 'zod';
import { OperatorSchema, type Operator } from '../../shared/contract';

/** How long an operator's last online sign-in lets them sign in offline (docs/architecture.md §8). */
export const OFFLINE_SIGN_IN_DAYS = 7;

// scrypt with N = 2^15 takes ~60 ms here: slow enough to make guessing a stolen file costly,
// quick enough for a sign-in. It runs on libuv's thread pool, so the host keeps answering the
// page (the link probe, an open case's calls) while a sign-in hashes.
const SCRYPT: ScryptOptions = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

function scryptHash(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, 32, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))));
}

// Hashed in place of a verifier's salt when there is none, so that an unknown account costs what
// a wrong password costs.
const NO_VERIFIER_SALT = randomBytes(16);

const Verifier = z.object({
  operator: OperatorSchema,
  salt: z.string(),
  hash: z.string(),
  lastOnlineAt: z.string(),
});
const VerifierFile = z.record(z.string(), Verifier);

/**
 * Offline sign-in verifiers: a salted scrypt hash of each operator's password, kept by the host
 * after an online sign-in, never the password itself. Keyed by library and username, so a
 * training sandbox's accounts never open the production workstation.
 */
export class CredentialStore {
  private verifiers: z.infer<typeof VerifierFile>;
  /** Verifiers still being hashed, by key: an offline check waits for its operator's. */
  private readonly hashing = new Map<string, Promise<void>>();

  constructor(
    private readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    try {
      this.verifiers = VerifierFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      this.verifiers = {};
    }
  }

  /**
   * Records a verifier after a successful online sign-in. The sign-in need not wait for it:
   * {@link check} waits for a verifier of the same operator that is still being hashed.
   */
  remember(libraryKey: string, username: string, password: string, operator: Operator): Promise<void> {
    const key = `${libraryKey} ${username}`;
    const previous = this.hashing.get(key) ?? Promise.resolve();
    const done = previous
      .catch(() => undefined)
      .then(() => this.record(key, password, operator))
      .finally(() => {
        if (this.hashing.get(key) === done) this.hashing.delete(key);
      });
    this.hashing.set(key, done);
    return done;
  }

  private async record(key: string, password: string, operator: Operator): Promise<void> {
    const salt = randomBytes(16);
    const hash = await scryptHash(password, salt);
    this.verifiers[key] = {
      operator,
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      lastOnlineAt: this.now().toISOString(),
    };
    this.save();
  }

  /**
   * Checks a password offline: the operator when it matches a verifier recorded online in the
   * last 7 days; `unknown` with no verifier, `stale` when it is older, `mismatch` otherwise.
   * Every outcome costs one scrypt of the same parameters, so the time taken does not tell an
   * unknown account from a wrong password.
   */
  async check(libraryKey: string, username: string, password: string): Promise<Operator | 'unknown' | 'stale' | 'mismatch'> {
    const key = `${libraryKey} ${username}`;
    await this.hashing.get(key)?.catch(() => undefined);
    const verifier = Object.prototype.hasOwnProperty.call(this.verifiers, key) ? this.verifiers[key] : undefined;
    const hash = await scryptHash(password, verifier ? Buffer.from(verifier.salt, 'base64') : NO_VERIFIER_SALT);
    if (!verifier) return 'unknown';
    const age = this.now().getTime() - Date.parse(verifier.lastOnlineAt);
    const expected = Buffer.from(verifier.hash, 'base64');
    const matches = hash.length === expected.length && timingSafeEqual(hash, expected);
    if (!(age >= 0 && age <= OFFLINE_SIGN_IN_DAYS * 86_400_000)) return 'stale';
    return matches ? verifier.operator : 'mismatch';
  }

  private save(): void {
    writeFileAtomic(this.file, JSON.stringify(this.verifiers), 0o600);
  }
}
