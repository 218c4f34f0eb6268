// Public names of the object store layer.
export { videoObjectKeys, type ObjectStore } from './object-store.js';
export { createS3Store } from './s3-store.js';
export { createLocalStore, localObjectPath, type LocalStoreConfig } from './local-store.js';
export { createTokenBucket, mbpsToBytesPerSec, type TokenBucket, type UploadPriority } from './rate-cap.js';
