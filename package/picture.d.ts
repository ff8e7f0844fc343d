// Pictures decoded by the browser (picture.js): orientation, any format it reads, shrunk on the way.
import type { FigureCorrections, FoundFigure } from "./ruler.js";

/** A picture at most `wasm.workingSide()` pixels a side, upright, with its original's size. */
export interface DecodedPicture {
  pixels: ImageData;
  sourceWidth: number;
  sourceHeight: number;
}

/** Decodes a File or Blob with the browser's decoder (EXIF orientation applied). */
export function decodePicture(blob: Blob): Promise<DecodedPicture>;

/** ImageData of any size as a picture. */
export function imageDataPicture(image: ImageData): Promise<DecodedPicture>;

/** The figure by the module's rules, with the user's corrections. Needs a started module. */
export function findFigure(picture: DecodedPicture, corrections?: FigureCorrections): FoundFigure;

/** Words for a photo-like picture ("" for a silhouette); `editable` adds how to correct it. */
export function pictureWarning(found: FoundFigure, options?: { editable?: boolean }): string;
