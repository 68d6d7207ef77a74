// Fake of SuiteScript's N/crypto (createSecretKey from an API Secret, createHmac, createHash) and N/crypto/random for
// tests that load the NetSuite scripts. The HMAC is node:crypto's; the key bytes are the API Secret's
// value read in the encoding the script passes, which is what the encoding parameter documents.
import type { Buffer } from 'node:buffer';
import { createHash as nodeHash, createHmac as nodeHmac, randomUUID } from 'node:crypto';
import { decodeText, Encoding, encodeBytes } from './encode.ts';

export class SuiteScriptError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export const HashAlg = Object.freeze({ SHA1: 'SHA1', SHA256: 'SHA256', SHA512: 'SHA512', MD5: 'MD5' });

const nodeAlgorithms: Record<string, string> = {
  SHA1: 'sha1',
  SHA256: 'sha256',
  SHA512: 'sha512',
  MD5: 'md5',
};

interface SecretKey {
  readonly secret: string;
  readonly encoding: string;
}

/** Setup > Company > Preferences > API Secrets: script id → the value typed into the Password field. */
export type ApiSecrets = Map<string, string>;

export function createFakeCrypto(apiSecrets: ApiSecrets) {
  // Like NetSuite's handle, the key object does not expose the value: bytes are kept on the side.
  const keyBytes = new WeakMap<SecretKey, Buffer>();

  function createSecretKey(options: { secret?: string; guid?: string; encoding?: string }): SecretKey {
    if (!options?.secret) throw new SuiteScriptError('MISSING_REQD_ARGUMENT', 'options.secret is required');
    // NetSuite documents the parameter as optional without naming a default: require the script to set it.
    if (!options.encoding) throw new SuiteScriptError('MISSING_REQD_ARGUMENT', 'options.encoding not set');
    const value = apiSecrets.get(options.secret);
    if (value === undefined) {
      throw new SuiteScriptError('INVALID_SECRET_KEY', `no API secret with id ${options.secret}`);
    }
    const key: SecretKey = Object.freeze({ secret: options.secret, encoding: options.encoding });
    keyBytes.set(key, decodeText(value, options.encoding));
    return key;
  }

  function createHmac(options: { algorithm: string; key: SecretKey }) {
    const algorithm = nodeAlgorithms[options?.algorithm];
    if (!algorithm)
      throw new SuiteScriptError('INVALID_ALGORITHM', `unknown algorithm ${options?.algorithm}`);
    const bytes = keyBytes.get(options.key);
    if (!bytes) throw new SuiteScriptError('INVALID_SECRET_KEY', 'key was not made by createSecretKey');
    const hmac = nodeHmac(algorithm, bytes);
    return {
      update(update: { input: string; inputEncoding?: string }): void {
        hmac.update(decodeText(update.input, update.inputEncoding ?? Encoding.UTF_8));
      },
      // Documented default output encoding: HEX.
      digest(digest?: { outputEncoding?: string }): string {
        return encodeBytes(hmac.digest(), digest?.outputEncoding ?? Encoding.HEX);
      },
    };
  }

  /** N/crypto createHash: a plain digest of the input bytes (HEX output by default). */
  function createHash(options: { algorithm: string }) {
    const algorithm = nodeAlgorithms[options?.algorithm];
    if (!algorithm)
      throw new SuiteScriptError('INVALID_ALGORITHM', `unknown algorithm ${options?.algorithm}`);
    const hash = nodeHash(algorithm);
    return {
      update(update: { input: string; inputEncoding?: string }): void {
        hash.update(decodeText(update.input, update.inputEncoding ?? Encoding.UTF_8));
      },
      digest(digest?: { outputEncoding?: string }): string {
        return encodeBytes(hash.digest(), digest?.outputEncoding ?? Encoding.HEX);
      },
    };
  }

  return { HashAlg, createSecretKey, createHmac, createHash };
}

export function createFakeRandom() {
  return { generateUUID: (): string => randomUUID() };
}
