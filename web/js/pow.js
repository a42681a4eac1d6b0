// Solves the tip form's proof-of-work: a nonce such that BLAKE2b-512 of the
// challenge text followed by the nonce text starts with `bits` zero bits.
// Works in slices so the page stays responsive and can show progress.
import { blake2b, leadingZeroBits } from './blake2b.js';

const SLICE = 2000;

/**
 * Resolves the nonce (a decimal string); onProgress(tries) after each slice.
 * The expected work is 2^bits hashes.
 */
export async function solveChallenge(challenge, bits, onProgress) {
  const enc = new TextEncoder();
  const prefix = enc.encode(challenge);
  const buf = new Uint8Array(prefix.length + 20);
  buf.set(prefix);
  for (let n = 0; ; n += SLICE) {
    for (let i = n; i < n + SLICE; i++) {
      const digits = enc.encode(String(i));
      buf.set(digits, prefix.length);
      if (leadingZeroBits(blake2b(buf.subarray(0, prefix.length + digits.length))) >= bits) return String(i);
    }
    if (onProgress) onProgress(n + SLICE);
    await new Promise((ok) => setTimeout(ok, 0));
  }
}
