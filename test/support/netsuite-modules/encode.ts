// Fake of SuiteScript's N/encode for tests that load the NetSuite scripts (test/unit/netsuite-script*.test.ts):
// the Encoding enum, plus the byte conversions the N/crypto fake applies to each encoding.
import { Buffer } from 'node:buffer';

export const Encoding = Object.freeze({
  UTF_8: 'UTF_8',
  BASE_16: 'BASE_16',
  BASE_32: 'BASE_32',
  BASE_64: 'BASE_64',
  BASE_64_URL_SAFE: 'BASE_64_URL_SAFE',
  HEX: 'HEX',
});

export type EncodingName = (typeof Encoding)[keyof typeof Encoding];

export class EncodingFailure extends Error {
  override name = 'INVALID_STRING_ENCODING';
}

const base64Text = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const hexText = /^(?:[0-9a-fA-F]{2})*$/;

/** Bytes of `text` read in `encoding`; strict, so that a malformed value fails as NetSuite would. */
export function decodeText(text: string, encoding: string): Buffer {
  switch (encoding) {
    case Encoding.UTF_8:
      return Buffer.from(text, 'utf8');
    case Encoding.BASE_64:
      if (!base64Text.test(text)) throw new EncodingFailure('value is not base64');
      return Buffer.from(text, 'base64');
    case Encoding.HEX:
    case Encoding.BASE_16:
      if (!hexText.test(text)) throw new EncodingFailure('value is not hex');
      return Buffer.from(text, 'hex');
    default:
      throw new EncodingFailure(`encoding ${encoding} is not supported by this fake`);
  }
}

export function encodeBytes(bytes: Buffer, encoding: string): string {
  switch (encoding) {
    case Encoding.UTF_8:
      return bytes.toString('utf8');
    case Encoding.BASE_64:
      return bytes.toString('base64');
    case Encoding.BASE_64_URL_SAFE:
      return bytes.toString('base64url');
    case Encoding.HEX:
    case Encoding.BASE_16:
      return bytes.toString('hex');
    default:
      throw new EncodingFailure(`encoding ${encoding} is not supported by this fake`);
  }
}

export function createFakeEncode() {
  return {
    Encoding,
    /** N/encode convert: `string` read in inputEncoding, written in outputEncoding. */
    convert(options: { string: string; inputEncoding: string; outputEncoding: string }): string {
      return encodeBytes(decodeText(options.string, options.inputEncoding), options.outputEncoding);
    },
  };
}
