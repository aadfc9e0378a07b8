import { inflateSync } from "node:zlib";

/** A decoded 8-bit RGB(A) PNG, enough to check charts are not blank. */
export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Minimal PNG decoder (8-bit, colour types 2 and 6, all five filters) for tests. */
export function decodePng(png: Buffer): Pixels {
  if (png.subarray(1, 4).toString() !== "PNG") throw new Error("not a PNG");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const bitDepth = png[24];
  const colorType = png[25];
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6))
    throw new Error(`unsupported PNG ${bitDepth}/${colorType}`);
  const channels = colorType === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString();
    if (type === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= channels ? (data[y * stride + x - channels] as number) : 0;
      const b = y > 0 ? (data[(y - 1) * stride + x] as number) : 0;
      const c = x >= channels && y > 0 ? (data[(y - 1) * stride + x - channels] as number) : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = Math.floor((a + b) / 2);
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      data[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** Share of pixels in a rectangle that are clearly not white. */
export function inkShare(p: Pixels, box: { x: number; y: number; w: number; h: number }): number {
  let ink = 0;
  for (let y = box.y; y < box.y + box.h; y++) {
    for (let x = box.x; x < box.x + box.w; x++) {
      const i = (y * p.width + x) * p.channels;
      if ((p.data[i] as number) + (p.data[i + 1] as number) + (p.data[i + 2] as number) < 600) ink += 1;
    }
  }
  return ink / (box.w * box.h);
}

/** Distinct colours in the image (coarse), to tell a chart from a blank or one-colour canvas. */
export function distinctColours(p: Pixels): number {
  const seen = new Set<number>();
  for (let i = 0; i < p.data.length; i += p.channels * 7) {
    seen.add(
      ((p.data[i] as number) >> 4) * 256 + ((p.data[i + 1] as number) >> 4) * 16 + ((p.data[i + 2] as number) >> 4),
    );
  }
  return seen.size;
}
