// The dashboard's live view (page #/live/<camera>): the camera's live HLS played by hls.js, which the service serves
// itself (/live/hls.min.js: no CDN, it works offline). Tuned for latency: play one segment behind the live edge and
// catch up faster than real time when behind. Part of /dashboard.js (it uses $, api, esc, pill, header, KEY).

/** JavaScript of the live view (appended to the dashboard's script). */
export const LIVE_VIEW_JS = String.raw`
let liveHls = null;
let livePlayerLoad = null;
function loadHlsPlayer() {
  livePlayerLoad ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/live/hls.min.js';
    s.onload = () => resolve(window.Hls);
    s.onerror = () => { livePlayerLoad = null; reject(new Error('the player did not load')); };
    document.head.appendChild(s);
  });
  return livePlayerLoad;
}
function stopLive() {
  if (liveHls) { liveHls.destroy(); liveHls = null; }
}
// Leaving the page stops the player: its fetches are what keeps the camera's live ffmpeg running.
window.addEventListener('hashchange', () => { if (!location.hash.startsWith('#/live/')) stopLive(); });
async function livePage(name) {
  const [status, actors] = await Promise.all([api('/api/status'), api('/api/actors')]);
  tz = status.data.venueTimezone;
  header(status.data, actors.data);
  const shown = $('#live');
  if (shown && shown.dataset.camera === name) { liveInfo(); return; }
  stopLive();
  $('#app').innerHTML = '<section class="wide" id="live" data-camera="' + esc(name) + '"><h2>Live · ' + esc(name) + ' <a class="muted" href="#/">back</a></h2>' +
    '<video id="live-video" muted playsinline autoplay style="width:100%;max-width:960px;background:#000"></video>' +
    '<p id="live-info" class="muted">starting the live view…</p></section>';
  const video = $('#live-video');
  const Hls = await loadHlsPlayer();
  const src = '/api/cameras/' + encodeURIComponent(name) + '/live/index.m3u8';
  if (!Hls || !Hls.isSupported()) { $('#live-info').textContent = 'This browser cannot play the live view (no Media Source Extensions).'; return; }
  const hls = new Hls({
    liveSyncDurationCount: 1, liveMaxLatencyDurationCount: 3, maxLiveSyncPlaybackRate: 1.5,
    backBufferLength: 4, maxBufferLength: 4, lowLatencyMode: false, enableWorker: true,
    manifestLoadingTimeOut: 20000, manifestLoadingMaxRetry: 10, manifestLoadingRetryDelay: 1000,
    levelLoadingTimeOut: 20000, fragLoadingTimeOut: 20000,
    xhrSetup: (xhr) => { const key = localStorage.getItem(KEY); if (key) xhr.setRequestHeader('Authorization', 'Bearer ' + key); },
  });
  liveHls = hls;
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => undefined));
  hls.on(Hls.Events.ERROR, (_e, d) => {
    if (!d.fatal) return;
    $('#live-info').textContent = 'live view interrupted (' + d.details + '), retrying…';
    if (d.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError(); else hls.startLoad();
  });
  hls.loadSource(src);
  hls.attachMedia(video);
}
function liveInfo() {
  const info = $('#live-info');
  if (!info || !liveHls) return;
  const v = $('#live-video');
  const behind = liveHls.latency;
  info.textContent = v.readyState >= 2 ? 'playing · ' + (Number.isFinite(behind) ? behind.toFixed(1) + ' s behind the live edge' : 'at the live edge') : 'waiting for the first segment…';
}
`;
