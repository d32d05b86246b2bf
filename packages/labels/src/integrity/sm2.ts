/**
 * SM2 digital signatures (GB/T 32918.2-2016, GM/T 0003.2) with SM3 (GB/T 32905), the option the
 * TC260 integrity guide (TC260-PG-202511A) names for SecurityData.
 *
 * Node's OpenSSL signs SM2 with an empty distinguishing identifier and cannot be told another,
 * while Chinese tooling uses the GM/T 0009-2012 default ID "1234567812345678". So the signature
 * equation is written here (a dozen lines of modular arithmetic) over the audited curve
 * arithmetic of @noble/curves, with SM3 from node:crypto; tests check it against OpenSSL's SM2
 * in both directions.
 *
 * Signatures are 64 bytes, r || s big-endian (fixed length, so a label's size does not depend on
 * the signature); `sm2SignatureToDer` gives the ASN.1 form other tools exchange.
 */
import { createHash, randomBytes } from 'node:crypto';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';

const p = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const a = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn;
const b = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const Gx = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
const Gy = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

const Point = weierstrass({ p, n, h: 1n, a, b, Gx, Gy });

/** GM/T 0009-2012 §10: the default signer identity when none is agreed. */
export const SM2_DEFAULT_ID = '1234567812345678';

export const SM2_SIGNATURE_BYTES = 64;
/** Uncompressed public point: 0x04 || x || y. */
export const SM2_PUBLIC_KEY_BYTES = 65;

function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/** Modular inverse by extended Euclid (m prime, x not 0 mod m). */
function invert(x: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(x, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('sm2: not invertible');
  return mod(oldS, m);
}

function toBytes32(x: bigint): Uint8Array {
  const hex = x.toString(16).padStart(64, '0');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function toBigint(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function sm3(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sm3');
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
}

/** Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GB/T 32918.2 §5.5). */
function za(publicKey: Uint8Array, id: string): Uint8Array {
  const idBytes = new TextEncoder().encode(id);
  const bits = idBytes.length * 8;
  if (bits > 0xffff) throw new RangeError('sm2: identity too long');
  return sm3(
    Uint8Array.of(bits >> 8, bits & 0xff),
    idBytes,
    toBytes32(a),
    toBytes32(b),
    toBytes32(Gx),
    toBytes32(Gy),
    publicKey.subarray(1, 33),
    publicKey.subarray(33, 65),
  );
}

function digestScalar(publicKey: Uint8Array, message: Uint8Array, id: string): bigint {
  return toBigint(sm3(za(publicKey, id), message));
}

/** A private scalar d in [1, n-2] (GB/T 32918.1 §6.1) from the system CSPRNG. */
export function sm2GeneratePrivateKey(): Uint8Array {
  for (;;) {
    const d = toBigint(randomBytes(32));
    if (d >= 1n && d <= n - 2n) return toBytes32(d);
  }
}

export function sm2PublicKey(privateKey: Uint8Array): Uint8Array {
  const d = checkPrivate(privateKey);
  return Point.BASE.multiply(d).toBytes(false);
}

function checkPrivate(privateKey: Uint8Array): bigint {
  const d = toBigint(privateKey);
  if (privateKey.length !== 32 || d < 1n || d > n - 2n) throw new RangeError('sm2: invalid private key');
  return d;
}

/** Signs `message` (hashed with SM3 together with Z_A). Returns r || s, 64 bytes. */
export function sm2Sign(privateKey: Uint8Array, message: Uint8Array, id = SM2_DEFAULT_ID): Uint8Array {
  const d = checkPrivate(privateKey);
  const publicKey = Point.BASE.multiply(d).toBytes(false);
  const e = digestScalar(publicKey, message, id);
  const dInv = invert(1n + d, n);
  for (;;) {
    const k = toBigint(randomBytes(32));
    if (k < 1n || k >= n) continue;
    const x1 = Point.BASE.multiply(k).toAffine().x;
    const r = mod(e + x1, n);
    if (r === 0n || r + k === n) continue;
    const s = mod(dInv * (k - r * d), n);
    if (s === 0n) continue;
    const out = new Uint8Array(SM2_SIGNATURE_BYTES);
    out.set(toBytes32(r), 0);
    out.set(toBytes32(s), 32);
    return out;
  }
}

/** True when `signature` (r || s) is valid for `message` under `publicKey` (0x04 || x || y). */
export function sm2Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  id = SM2_DEFAULT_ID,
): boolean {
  if (signature.length !== SM2_SIGNATURE_BYTES || publicKey.length !== SM2_PUBLIC_KEY_BYTES) return false;
  let P: InstanceType<typeof Point>;
  try {
    P = Point.fromBytes(publicKey);
    P.assertValidity();
  } catch {
    return false;
  }
  const r = toBigint(signature.subarray(0, 32));
  const s = toBigint(signature.subarray(32));
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = mod(r + s, n);
  if (t === 0n) return false;
  const sum = Point.BASE.multiplyUnsafe(s).add(P.multiplyUnsafe(t));
  if (sum.is0()) return false;
  const e = digestScalar(publicKey, message, id);
  return mod(e + sum.toAffine().x, n) === r;
}

/** Checks that `publicKey` is a point on the curve (not infinity). */
export function isSm2PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== SM2_PUBLIC_KEY_BYTES) return false;
  try {
    Point.fromBytes(publicKey).assertValidity();
    return true;
  } catch {
    return false;
  }
}

function derInteger(x: Uint8Array): Uint8Array {
  let i = 0;
  while (i < x.length - 1 && x[i] === 0) i++;
  const body = x.subarray(i);
  const pad = (body[0] ?? 0) & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + body.length);
  out[0] = 0x02;
  out[1] = pad + body.length;
  out.set(body, 2 + pad);
  return out;
}

/** ASN.1 `SEQUENCE { r INTEGER, s INTEGER }` (GB/T 35276) from r || s. */
export function sm2SignatureToDer(signature: Uint8Array): Uint8Array {
  const r = derInteger(signature.subarray(0, 32));
  const s = derInteger(signature.subarray(32, 64));
  const out = new Uint8Array(2 + r.length + s.length);
  out[0] = 0x30;
  out[1] = r.length + s.length;
  out.set(r, 2);
  out.set(s, 2 + r.length);
  return out;
}
