#!/usr/bin/env node
// Draws Paperboy's icon (the header's indigo square with a white "P") as public/favicon.ico: a 32×32 PNG
// inside an ICO container (every browser since IE 11 reads PNG-in-ICO). Run once when the mark changes;
// the output is committed. public/favicon.svg is the same mark for browsers that prefer SVG.
import fs from 'node:fs';
import zlib from 'node:zlib';

const N = 32;
const [R, G, B] = [0x4f, 0x46, 0xe5];
// Coverage of the rounded square (radius 7) and of the "P" (stem + bowl), sampled 4×4 per pixel.
function inSquare(x, y) {
  const r = 7;
  const cx = Math.min(Math.max(x, r), N - r);
  const cy = Math.min(Math.max(y, r), N - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
function inP(x, y) {
  const stem = x >= 9 && x < 14 && y >= 7 && y < 25;
  const dx = x - 16;
  const dy = y - 12.5;
  const d = Math.sqrt(dx * dx + dy * dy);
  const bowl = x >= 16 && d >= 2 && d <= 6.5; // the right half of a ring
  const bar = x >= 11 && x < 16 && ((y >= 6 && y < 10) || (y >= 15 && y < 19)); // joins the ring to the stem
  return stem || bowl || bar;
}
const px = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  px[y * (N * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < N; x++) {
    let sq = 0;
    let p = 0;
    for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) {
      const fx = x + (sx + 0.5) / 4;
      const fy = y + (sy + 0.5) / 4;
      if (inSquare(fx, fy)) sq++;
      if (inP(fx, fy)) p++;
    }
    const a = sq / 16;
    const w = p / 16;
    const o = y * (N * 4 + 1) + 1 + x * 4;
    px[o] = Math.round(R + (255 - R) * w);
    px[o + 1] = Math.round(G + (255 - G) * w);
    px[o + 2] = Math.round(B + (255 - B) * w);
    px[o + 3] = Math.round(255 * a);
  }
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(px, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const header = Buffer.alloc(6);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2); // icon
header.writeUInt16LE(1, 4); // one image
const entry = Buffer.alloc(16);
entry[0] = N;
entry[1] = N;
entry.writeUInt16LE(1, 4); // planes
entry.writeUInt16LE(32, 6); // bits per pixel
entry.writeUInt32LE(png.length, 8);
entry.writeUInt32LE(6 + 16, 12);
fs.writeFileSync(new URL('../public/favicon.ico', import.meta.url), Buffer.concat([header, entry, png]));
console.log(`public/favicon.ico: ${6 + 16 + png.length} bytes`);
