/**
 * The sandbox's SM2 keys: the library root, the holder platform, one `licence` key per issuer,
 * and one retired issuer key that is deliberately left out of the trust list. Each private key
 * is derived from the seed (SM3 of seed and label, reduced into [1, n-1]), so a reseed gives
 * the same keys; they are also written to `keys.json` in the data folder.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sm2PublicKeyOf, sm3Hex } from '../shared/sm';
import { ISSUERS, withCreditCheck } from './catalog';

const CURVE_ORDER = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');

/** A key of the sandbox with its owner and use. */
export interface SandboxKey {
  kid: string;
  ownerCode: string;
  ownerName: string;
  use: 'root' | 'licence' | 'holder_token';
  privateKey: string;
  publicKey: string;
  /** Whether the trust list carries it (false for the retired key). */
  trusted: boolean;
}

/** The kid of the library root key. */
export const ROOT_KID = 'sh-elicence-root-2024';
/** The kid of the holder platform's token key. */
export const PLATFORM_KID = 'sh-suishenban-token-2024';
/** The kid of the retired issuer key that signs the "untrusted key" edge case. */
export const RETIRED_KID = 'sh-civilpd-2019-retired';
/** The kid of an issuer's licence key. */
export function issuerKid(issuerKey: string): string {
  return `sh-${issuerKey.toLowerCase()}-2024`;
}

function derivePrivateKey(seed: string, label: string): string {
  const value = BigInt(`0x${sm3Hex(`${seed}|sm2-key|${label}`)}`);
  return ((value % (CURVE_ORDER - 1n)) + 1n).toString(16).padStart(64, '0');
}

function derive(seed: string, kid: string, ownerCode: string, ownerName: string, use: SandboxKey['use'], trusted: boolean): SandboxKey {
  const privateKey = derivePrivateKey(seed, kid);
  return { kid, ownerCode, ownerName, use, privateKey, publicKey: sm2PublicKeyOf(privateKey), trusted };
}

/** Derives every key of a seed. */
export function deriveKeys(seed: string): SandboxKey[] {
  const bigData = { code: withCreditCheck('12310000MB2F25863'), name: '上海市大数据中心' };
  return [
    derive(seed, ROOT_KID, bigData.code, bigData.name, 'root', false),
    derive(seed, PLATFORM_KID, bigData.code, '上海市大数据中心（随申办亮证平台）', 'holder_token', true),
    ...ISSUERS.map((issuer) => derive(seed, issuerKid(issuer.key), issuer.code, issuer.name, 'licence', true)),
    derive(seed, RETIRED_KID, ISSUERS.find((issuer) => issuer.key === 'civilPd')!.code, '上海市浦东新区民政局（已停用密钥）', 'licence', false),
  ];
}

const KEYS_FILE = 'keys.json';

/** Writes the keys to the data folder (owner-only permissions). */
export function saveKeys(dataDir: string, keys: readonly SandboxKey[]): void {
  writeFileSync(join(dataDir, KEYS_FILE), `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
}

/** Reads the keys of a data folder, or null when it has none. */
export function loadKeys(dataDir: string): SandboxKey[] | null {
  const path = join(dataDir, KEYS_FILE);
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as SandboxKey[];
}
