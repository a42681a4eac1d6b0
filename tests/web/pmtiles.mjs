// Test fixtures made at run time, never committed: a one-colour PNG tile and
// a small PMTiles v3 archive (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md)
// whose every tile of zooms 0..maxZoom is that PNG (one directory entry with
// a run length covering them all: tile ids of zooms 0..n are contiguous).
import { deflateSync } from 'node:zlib';

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A size × size PNG of one colour [r, g, b]. */
export function pngTile([r, g, b], size = 256) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1); // filter byte 0, then the pixels
    for (let x = 0; x < size; x++) raw.set([r, g, b], row + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function varint(n) {
  const out = [];
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}

/** A raster PMTiles v3 archive: every tile of zooms 0..maxZoom is tile. */
export function pmtilesArchive(tile, maxZoom = 4) {
  let tiles = 0;
  for (let z = 0; z <= maxZoom; z++) tiles += 4 ** z;
  // one entry: tile id 0, run length = all, its length, offset 0 (+1)
  const dir = Buffer.from([...varint(1), ...varint(0), ...varint(tiles), ...varint(tile.length), ...varint(1)]);
  const meta = Buffer.from(JSON.stringify({ name: 'trellis test tiles' }));
  const h = Buffer.alloc(127);
  h.write('PMTiles', 0, 'latin1');
  h[7] = 3;
  const rootOff = 127, metaOff = rootOff + dir.length, dataOff = metaOff + meta.length;
  const u64 = (v, at) => h.writeBigUInt64LE(BigInt(v), at);
  u64(rootOff, 8); u64(dir.length, 16);
  u64(metaOff, 24); u64(meta.length, 32);
  u64(dataOff, 40); u64(0, 48); // no leaf directories
  u64(dataOff, 56); u64(tile.length, 64);
  u64(tiles, 72); u64(1, 80); u64(1, 88); // addressed tiles, entries, contents
  h[96] = 1; // clustered
  h[97] = 1; // internal compression: none
  h[98] = 1; // tile compression: none
  h[99] = 2; // png
  h[100] = 0; h[101] = maxZoom;
  h.writeInt32LE(-1800000000, 102); h.writeInt32LE(-850511287, 106);
  h.writeInt32LE(1800000000, 110); h.writeInt32LE(850511287, 114);
  h[118] = 0; h.writeInt32LE(0, 119); h.writeInt32LE(0, 123);
  return Buffer.concat([h, dir, meta, tile]);
}
