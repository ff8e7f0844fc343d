// PNG files built byte by byte for the page tests: valid, truncated or lying in their header.
import { deflateSync } from "node:zlib";

/** A PNG with the given header and an IDAT of `idat` (deflated raw rows when given). */
export function png(width, height, { colorType = 0, rows = null, cut = false } = {}) {
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
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const parts = [Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr)];
  if (rows) parts.push(chunk("IDAT", deflateSync(rows)));
  if (!cut) parts.push(chunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** Raw 8-bit gray rows (filter byte 0) of a width×height image with value `v`. */
export const grayRows = (w, h, v) => Buffer.concat(Array.from({ length: h }, () => Buffer.from([0, ...Array(w).fill(v)])));
