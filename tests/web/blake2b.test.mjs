// The browser's BLAKE2b (web/js/blake2b.js) against published vectors and
// node's OpenSSL blake2b512 on inputs around the block boundaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { blake2b, leadingZeroBits } from '../../web/js/blake2b.js';

const hex = (b) => Buffer.from(b).toString('hex');
const enc = (s) => new TextEncoder().encode(s);

test('RFC 7693 and reference vectors', () => {
  assert.equal(hex(blake2b(enc('abc'))), 'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1'
    + '7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923');
  assert.equal(hex(blake2b(enc(''))), '786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419'
    + 'd25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce');
});

test('agrees with OpenSSL on lengths 0 to 400', () => {
  for (let n = 0; n <= 400; n++) {
    const b = randomBytes(n);
    assert.equal(hex(blake2b(new Uint8Array(b))), createHash('blake2b512').update(b).digest('hex'), `length ${n}`);
  }
});

test('leading zero bits', () => {
  assert.equal(leadingZeroBits(new Uint8Array([0, 0x10, 0xff])), 11);
  assert.equal(leadingZeroBits(new Uint8Array([0x80])), 0);
  assert.equal(leadingZeroBits(new Uint8Array([0, 0])), 16);
});
