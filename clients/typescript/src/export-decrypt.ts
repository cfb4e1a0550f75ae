// Decrypting an export of the vault (POST /v1/connected-accounts/export): each record is a compact
// JWE with `alg` ECDH-ES+A256KW and `enc` A256GCM (RFC 7516, RFC 7518 §4.6), opened here with
// node:crypto alone, so the client keeps no dependency.
import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type JsonWebKey,
} from 'node:crypto';

const ALG = 'ECDH-ES+A256KW';
const ENC = 'A256GCM';
/** RFC 3394's default initial value for AES key wrap. */
const KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

const b64url = (s: string) => Buffer.from(s, 'base64url');
const lengthPrefixed = (b: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

/** RFC 7518 §4.6.2: the Concat KDF (one SHA-256 round gives the 256-bit key-wrapping key). */
function concatKdf(z: Buffer, header: { apu?: string; apv?: string }): Buffer {
  const keyBits = Buffer.alloc(4);
  keyBits.writeUInt32BE(256);
  const otherInfo = Buffer.concat([
    lengthPrefixed(Buffer.from(ALG)),
    lengthPrefixed(header.apu ? b64url(header.apu) : Buffer.alloc(0)),
    lengthPrefixed(header.apv ? b64url(header.apv) : Buffer.alloc(0)),
    keyBits,
  ]);
  const counter = Buffer.from([0, 0, 0, 1]);
  return createHash('sha256').update(counter).update(z).update(otherInfo).digest();
}

/** Thrown for a line that is not a JWE this key can open (tampered, another key, another kind). */
export class ExportDecryptError extends Error {
  override readonly name = 'ExportDecryptError';
}

/** Opens one exported record with the private JWK (EC P-256/P-384 or OKP X25519) it was sealed to. */
export function decryptExportedRecord(jwe: string, privateJwk: JsonWebKey): unknown {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new ExportDecryptError('not a compact JWE');
  const [protectedB64, wrappedKey, iv, ciphertext, tag] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  let header: { alg?: string; enc?: string; epk?: JsonWebKey; apu?: string; apv?: string };
  try {
    header = JSON.parse(b64url(protectedB64).toString('utf8'));
  } catch {
    throw new ExportDecryptError('the JWE header is not JSON');
  }
  if (header.alg !== ALG || header.enc !== ENC || !header.epk)
    throw new ExportDecryptError(`expected alg ${ALG} and enc ${ENC} with an ephemeral key`);
  try {
    const z = diffieHellman({
      privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' }),
      publicKey: createPublicKey({ key: header.epk, format: 'jwk' }),
    });
    const kek = concatKdf(z, header);
    const unwrap = createDecipheriv('id-aes256-wrap', kek, KW_IV);
    const cek = Buffer.concat([unwrap.update(b64url(wrappedKey)), unwrap.final()]);
    const gcm = createDecipheriv('aes-256-gcm', cek, b64url(iv));
    gcm.setAAD(Buffer.from(protectedB64, 'ascii'));
    gcm.setAuthTag(b64url(tag));
    const plain = Buffer.concat([gcm.update(b64url(ciphertext)), gcm.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch {
    throw new ExportDecryptError(
      'the record does not open with this key (another key, or altered)',
    );
  }
}
