// The seam between a purchase and the renditions it needs: what the `purchase` job asks (a video's MP4 into a
// folder), and the settings in force it is made with (qualities, frame-rate cap, watermark, encoder).

/** One file a render made and where it goes in the store (relative to S3_KEY_PREFIX). */
export interface RenderObject {
  path: string;
  key: string;
  contentType: string;
}

/** What a render made (renditions.ts's RenditionResult). */
export interface RenderResult {
  renditions: { height: number; width: number; bandwidth: number; copied: boolean; playlistKey: string }[];
  skipped: { height: number; reason: string }[];
  mp4Key: string;
  objects: RenderObject[];
}

/** Makes the renditions of `source` (a video's local MP4) into `outDir` with the settings in force. */
export type RenderFn = (input: {
  uniqueId: string;
  source: string;
  outDir: string;
  signal: AbortSignal;
}) => Promise<RenderResult>;
