// Pictures decoded by the browser, not by the wasm module: any format the browser reads, turned
// upright by its EXIF orientation as an <img> would show it, and shrunk to the module's working
// side on the way. The module only ever holds that small RGBA copy, so a 48-megapixel photo
// does not grow its memory (which never shrinks) by the photo's decoded size.
import { wasm } from "./ruler.js";

/** Enough of a file for its header (JPEG's size can sit behind a large EXIF block). */
const HEAD_BYTES = 512 * 1024;

function cannotDecode(blob) {
  const kind = blob.type ? ` (${blob.type})` : "";
  return new Error(`the browser cannot decode this file as an image${kind}: use PNG, JPEG, WebP, GIF or another format it shows`);
}

/** Decodes through an <img> (SVG drawings and anything else createImageBitmap refuses). */
async function bitmapThroughImg(blob) {
  if (typeof document === "undefined") throw cannotDecode(blob);
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    if (!img.naturalWidth || !img.naturalHeight) throw cannotDecode(blob);
    return await createImageBitmap(img);
  } catch {
    throw cannotDecode(blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** An ImageBitmap's pixels at most `side` pixels a side, as ImageData. */
async function shrunkPixels(bitmap, side) {
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  let small = bitmap;
  if (scale < 1) small = await createImageBitmap(bitmap, { resizeWidth: w, resizeHeight: h, resizeQuality: "high" });
  try {
    const canvas = typeof OffscreenCanvas !== "undefined" ? new OffscreenCanvas(w, h) : Object.assign(document.createElement("canvas"), { width: w, height: h });
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(small, 0, 0);
    return ctx.getImageData(0, 0, w, h);
  } finally {
    if (small !== bitmap) small.close();
  }
}

/**
 * A File or Blob as `{ pixels: ImageData, sourceWidth, sourceHeight }`: upright, at most
 * `wasm.workingSide()` pixels a side; `source*` is the upright original's size.
 */
export async function decodePicture(blob) {
  // Size and header first: an empty file or one too large is refused before the browser
  // allocates its pixels.
  wasm.inspectImage(new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer()), blob.size);
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
  } catch {
    bitmap = await bitmapThroughImg(blob).catch(async (e) => {
      // The module's own decoder says precisely what is wrong (truncated, not an image, …).
      wasm.imageSilhouette(new Uint8Array(await blob.arrayBuffer()));
      throw e;
    });
  }
  try {
    const { width, height } = bitmap;
    wasm.checkImageSize(width, height);
    return { pixels: await shrunkPixels(bitmap, wasm.workingSide()), sourceWidth: width, sourceHeight: height };
  } finally {
    bitmap.close();
  }
}

/** ImageData (any size) as a picture, shrunk like a file. */
export async function imageDataPicture(image) {
  const bitmap = await createImageBitmap(image);
  try {
    return { pixels: await shrunkPixels(bitmap, wasm.workingSide()), sourceWidth: image.width, sourceHeight: image.height };
  } finally {
    bitmap.close();
  }
}

/**
 * The silhouette of a picture by the module's rules, with the user's corrections
 * (`{ threshold, lightFigure, piece, at: [x, y], radius }`, all optional): what
 * `wasm.silhouetteFromRgba` returns (`pixels`, `shade`, `threshold`, `pieces`, `photoLike`…).
 */
export function findFigure(picture, corrections = {}) {
  const { pixels, sourceWidth, sourceHeight } = picture;
  return wasm.silhouetteFromRgba(pixels.data, pixels.width, pixels.height, sourceWidth, sourceHeight, corrections);
}

/**
 * Words for what the rules found in a photo-like picture, or "" for a clean silhouette;
 * `editable`: the page, where the user can correct the figure.
 */
export function pictureWarning(found, { editable = false } = {}) {
  if (!found.photoLike) return "";
  const share = Math.round(100 * found.midToneShare);
  const side = found.lightFigure ? "lighter" : "darker";
  return `This looks like a photograph, not a two-tone silhouette (${share}% of its pixels are mid-tones): ` +
    `the figure measured is one piece ${side} than gray level ${Math.round(found.threshold)}, which may not be the child.` +
    (editable ? " Move the threshold, invert the shades or click the figure in the preview." : "");
}
