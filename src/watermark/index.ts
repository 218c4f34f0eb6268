// Public names of the watermark: AYO's images kept on disk, the watermark in force, and the overlay that draws it.
export {
  nearestImage,
  watermarkOverlay,
  type WatermarkImage,
  type WatermarkInForce,
  type WatermarkOverlay,
} from './overlay.js';
export { pngSize } from './png.js';
export {
  assetUrl,
  isPngFile,
  parseWatermarkList,
  readWatermarkIndex,
  readWatermarkInForce,
  resolveWatermark,
  storeWatermarks,
  watermarkPaths,
  writeWatermarkInForce,
  type WatermarkIndex,
  type WatermarkListItem,
} from './store.js';
