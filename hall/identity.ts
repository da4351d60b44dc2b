/**
 * The hall's identity, kept in its own database (so that a restore from PostgreSQL's backup
 * brings the hall back as itself): its id and name, the SM2 key pair it signs every answer with
 * (the key its workstations pin) and the secret of the holder keys (HMAC-SM3 of an ID number,
 * which groups one holder's cases without keeping the number). Made once, at the first start.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { generateSm2KeyPair, sm2Sign } from '../shared/sm';
import { keyFingerprint, responseSigningText } from '../shared/hall-api';
import { maskHolderId } from '../shared/counter-case';
import { sql, type Database } from './db';

/** What identifies the hall. */
export interface HallIdentity {
  hallId: string;
  name: string;
  publicKey: string;
  fingerprint: string;
  /** Signs an answer (see shared/hall-api `responseSigningText`). */
  signResponse(status: number, requestNonce: string, body: Buffer, time: string): string;
  /** A holder as the hall keeps it: the ID number masked and its keyed hash. */
  holder(idType: '111' | '001', idNumber: string): { idType: '111' | '001'; idNumberMasked: string; holderKey: string };
}

const readMeta = sql<{ key: string; value: string }>(
  "SELECT key, value FROM hall_meta WHERE key IN ('hall_id', 'name', 'private_key', 'public_key', 'holder_secret')",
);
const insertMeta = sql<unknown, [string, string]>('INSERT INTO hall_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING');

/** SM3 of bytes, 64 hex (Node's OpenSSL SM3: several times the speed of the JavaScript one). */
export function sm3Of(bytes: Buffer | string): string {
  return createHash('sm3').update(bytes).digest('hex');
}

/**
 * Loads the hall's identity, making it on first use. Two halls starting at once on one server
 * both try to insert; the first wins and both read back the same rows.
 */
export async function loadIdentity(db: Database, defaultName: string): Promise<HallIdentity> {
  const pair = generateSm2KeyPair();
  await db.transaction(async (tx) => {
    await tx.run(insertMeta, ['hall_id', `HALL-${randomBytes(4).toString('hex').toUpperCase()}`]);
    await tx.run(insertMeta, ['name', defaultName]);
    await tx.run(insertMeta, ['private_key', pair.privateKey]);
    await tx.run(insertMeta, ['public_key', pair.publicKey]);
    await tx.run(insertMeta, ['holder_secret', randomBytes(32).toString('hex')]);
  });
  const meta = new Map((await db.all(readMeta)).map((row) => [row.key, row.value]));
  const privateKey = meta.get('private_key')!;
  const publicKey = meta.get('public_key')!;
  const secret = Buffer.from(meta.get('holder_secret')!, 'hex');
  return {
    hallId: meta.get('hall_id')!,
    name: meta.get('name')!,
    publicKey,
    fingerprint: keyFingerprint(publicKey),
    signResponse(status, requestNonce, body, time) {
      return sm2Sign(responseSigningText({ status, requestNonce, bodyDigest: sm3Of(body), time }), privateKey, publicKey);
    },
    holder(idType, idNumber) {
      return {
        idType,
        idNumberMasked: maskHolderId({ idType, idNumber }),
        holderKey: createHmac('sm3', secret).update(`${idType}:${idNumber}`).digest('hex'),
      };
    },
  };
}
