// BLAKE2b (RFC 7693), unkeyed, for the tip form's proof-of-work: WebCrypto
// has no BLAKE2b. 64-bit words are kept as two 32-bit halves (low, high) in a
// Uint32Array, so no BigInt is needed and a hash is a few microseconds.

const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

const v = new Uint32Array(32);
const m = new Uint32Array(32);

// v[a] += v[b] + m[x], as 64-bit words at even indexes (low half first).
function add3(a, b, x) {
  const lo = v[a] + v[b] + m[x];
  v[a + 1] = v[a + 1] + v[b + 1] + m[x + 1] + Math.floor(lo / 0x100000000);
  v[a] = lo;
}

function add2(a, b) {
  const lo = v[a] + v[b];
  v[a + 1] = v[a + 1] + v[b + 1] + (lo >= 0x100000000 ? 1 : 0);
  v[a] = lo;
}

// v[d] = rotr64(v[d] ^ v[a], n) for n in 32, 24, 16, 63.
function xorRot(d, a, n) {
  const lo = v[d] ^ v[a];
  const hi = v[d + 1] ^ v[a + 1];
  if (n === 32) { v[d] = hi; v[d + 1] = lo; return; }
  if (n === 63) { v[d] = (lo << 1) | (hi >>> 31); v[d + 1] = (hi << 1) | (lo >>> 31); return; }
  v[d] = (lo >>> n) | (hi << (32 - n));
  v[d + 1] = (hi >>> n) | (lo << (32 - n));
}

function mix(a, b, c, d, x, y) {
  add3(a, b, x); xorRot(d, a, 32);
  add2(c, d); xorRot(b, c, 24);
  add3(a, b, y); xorRot(d, a, 16);
  add2(c, d); xorRot(b, c, 63);
}

// Compresses one 128-byte block at off of buf into h; t is the byte count so far.
function compress(h, buf, off, t, last) {
  for (let i = 0; i < 16; i++) { v[i] = h[i]; v[i + 16] = IV[i]; }
  v[24] ^= t >>> 0;
  v[25] ^= Math.floor(t / 0x100000000);
  if (last) { v[28] = ~v[28]; v[29] = ~v[29]; }
  for (let i = 0; i < 32; i++) {
    const j = off + i * 4;
    m[i] = buf[j] | (buf[j + 1] << 8) | (buf[j + 2] << 16) | (buf[j + 3] << 24);
  }
  for (let r = 0; r < 12; r++) {
    const s = SIGMA[r % 10];
    mix(0, 8, 16, 24, s[0] * 2, s[1] * 2);
    mix(2, 10, 18, 26, s[2] * 2, s[3] * 2);
    mix(4, 12, 20, 28, s[4] * 2, s[5] * 2);
    mix(6, 14, 22, 30, s[6] * 2, s[7] * 2);
    mix(0, 10, 20, 30, s[8] * 2, s[9] * 2);
    mix(2, 12, 22, 24, s[10] * 2, s[11] * 2);
    mix(4, 14, 16, 26, s[12] * 2, s[13] * 2);
    mix(6, 8, 18, 28, s[14] * 2, s[15] * 2);
  }
  for (let i = 0; i < 16; i++) h[i] ^= v[i] ^ v[i + 16];
}

/** BLAKE2b of bytes (a Uint8Array), outLen bytes (1 to 64, default 64). */
export function blake2b(bytes, outLen = 64) {
  const h = new Uint32Array(IV);
  h[0] ^= 0x01010000 ^ outLen;
  const block = new Uint8Array(128);
  let off = 0;
  // every full block but the last is compressed as not final
  while (bytes.length - off > 128) {
    compress(h, bytes, off, off + 128, false);
    off += 128;
  }
  block.set(bytes.subarray(off));
  compress(h, block, 0, bytes.length, true);
  const out = new Uint8Array(outLen);
  for (let i = 0; i < outLen; i++) out[i] = h[i >> 2] >>> (8 * (i & 3));
  return out;
}

/** Leading zero bits of a hash. */
export function leadingZeroBits(h) {
  let z = 0;
  for (const b of h) {
    if (b === 0) { z += 8; continue; }
    return z + Math.clz32(b) - 24;
  }
  return z;
}
