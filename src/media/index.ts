// Public names of the media layer: ffmpeg/ffprobe argument builders (pure) and the process runner.
export {
  parseProgressFrames,
  parseProgressLine,
  parseSegmentListLine,
  recordArgs,
  type RecordArgsInput,
  type SegmentListEntry,
} from './record-args.js';
export { firstVideoPts, TS_MUX_OFFSET_SEC } from './ts-head.js';
export { runMedia, runMediaToBuffer, runMediaToEnd, type MediaProcess, type ProcessExit } from './process.js';
export { probeMedia, type ProbedMedia, type ProbedStream } from './ffprobe.js';
export { diesWithParent } from './dies-with-parent.js';
export {
  concatList,
  cutArgs,
  keyframeArgs,
  excerptStarts,
  previewArgs,
  type PreviewOverlay,
  previewArgsOutputSeek,
  previewSize,
  thumbnailArgs,
} from './clip-args.js';
