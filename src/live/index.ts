// Public names of the live view: the per-camera live ffmpeg started while watched, and its arguments.
export { LIVE_PLAYLIST, LIVE_SEGMENT_RE, liveArgs, type LiveArgsInput } from './live-args.js';
export { createLiveViews, lastSegmentOf, type LiveState, type LiveViewDto, type LiveViews } from './live-views.js';
