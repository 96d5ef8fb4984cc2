// A solid-colour PNG built in memory, so that tests have real images to upload and serve
// without fixture files in the repository.

import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
}

/** An 8-bit RGB PNG of `width` × `height` pixels; `paint(x, y)` gives each pixel's colour
 *  (solid `rgb` when it is an array). */
export function png(width, height, paint = [0x5a, 0x5a, 0x5a]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const colour = Array.isArray(paint) ? () => paint : paint;
  const pixels = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const at = y * (1 + width * 3);
    for (let x = 0; x < width; x++) pixels.set(colour(x, y), at + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Something that looks like the data page of an identity document at a glance: a tinted
 *  card, a photo box, lines of text and a machine-readable zone. Drawn, not real. */
export function documentPng(width = 640, height = 400) {
  const bar = (x, y, x0, y0, w, h) => x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
  return png(width, height, (x, y) => {
    const u = x / width;
    const v = y / height;
    if (bar(u, v, 0.06, 0.2, 0.26, 0.5)) return [150, 165, 185]; // photo
    if (bar(u, v, 0.38, 0.22, 0.4, 0.04) || bar(u, v, 0.38, 0.32, 0.5, 0.04)) return [60, 70, 90];
    if (bar(u, v, 0.38, 0.42, 0.3, 0.04) || bar(u, v, 0.38, 0.52, 0.45, 0.04)) return [60, 70, 90];
    if (bar(u, v, 0.06, 0.78, 0.88, 0.05) || bar(u, v, 0.06, 0.87, 0.88, 0.05)) return [40, 40, 40]; // MRZ
    if (v < 0.12) return [32, 78, 121]; // header band
    const wave = Math.sin(u * 40 + v * 12) * 6;
    return [226 + wave, 232 + wave, 222 + wave];
  });
}
