// AYO's venue video endpoints: `GET video-configuration` (the venue's video settings) and `GET watermark` (its
// watermark images). The calls only; the lenient reading of the answers lives in src/settings and src/watermark.

import type { AyoClient } from './client.js';

/** The `data` of `GET video-configuration`, unread: AYO's shapes vary, src/settings reads it leniently. */
export function fetchVideoConfiguration(client: AyoClient, signal?: AbortSignal): Promise<unknown> {
  return client.call('GET', 'video-configuration', {}, signal);
}

/** The `data` of `GET watermark` (`[{resolution, path}]`), unread. */
export function fetchWatermarkList(client: AyoClient, signal?: AbortSignal): Promise<unknown> {
  return client.call('GET', 'watermark', {}, signal);
}
