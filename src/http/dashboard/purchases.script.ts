// The purchases of a video on the dashboard's video page (#/video/<uid>): each request AYO sent for it, its state,
// the renditions delivered and its history. Part of /dashboard.js (it uses api, esc, pill, when and $).

/** JavaScript of the video page's purchases (appended to the dashboard's script). */
export const PURCHASES_JS = String.raw`
async function videoPurchases(uid) {
  const list = await api('/api/purchases?limit=20&unique_id=' + encodeURIComponent(uid));
  const details = await Promise.all(list.data.map((p) => api('/api/purchases/' + encodeURIComponent(p.videoRequestId))));
  const section = $('#video');
  if (!section) return;
  let box = $('#video-purchases');
  if (!box) { box = document.createElement('div'); box.id = 'video-purchases'; section.appendChild(box); }
  const one = (p) => '<li data-purchase="' + esc(p.videoRequestId) + '"><b>' + esc(p.videoRequestId) + '</b> ' + pill(p.state) +
    (p.reason ? ' <span class="muted">' + esc(p.reason) + '</span>' : '') +
    (p.video ? ' · ' + p.video.map((v) => '<a href="' + esc(v.stream_path) + '">' + esc(v.resolution) + 'p</a>').join(' ') + ' · <a href="' + esc(p.video[0].download_path) + '">mp4</a>' : '') +
    '<ul class="list">' + p.history.map((h) => '<li>' + esc(when(h.at)) + ' ' + pill(h.state) + ' <span class="muted">' + esc(h.reason || '') + '</span></li>').join('') + '</ul></li>';
  box.innerHTML = '<h2>Purchases</h2>' + (details.length ? '<ul class="list">' + details.map((d) => one(d.data)).join('') + '</ul>' : '<p class="muted">No purchase requested.</p>');
}
`;
