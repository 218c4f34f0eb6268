// The dashboard's browser script (served at /dashboard.js): plain JavaScript reading the REST API, refreshed
// every few seconds. Every value put into the page is escaped.

import { CAMERA_EDITOR_JS } from './camera-editor.script.js';
import { LIVE_VIEW_JS } from './live.script.js';
import { PURCHASES_JS } from './purchases.script.js';
import { TIMELINE_JS } from './timeline.script.js';

/** JavaScript of the dashboard (the camera editor's part is appended before the first render). */
export const DASHBOARD_JS =
  String.raw`
'use strict';
const $ = (s) => document.querySelector(s);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const KEY = 'venue-recorder-api-key';
let tz = 'UTC';
let timer;
// The snapshot shown per camera (an object URL): kept across refreshes so that an image never blinks, and released
// when a newer one replaces it, so that a dashboard left open all day does not pile up images.
const snaps = new Map();

async function api(path, method = 'GET', payload) {
  const headers = {};
  const key = localStorage.getItem(KEY);
  if (key) headers.Authorization = 'Bearer ' + key;
  // The API takes a state change only with a JSON body (or none): what a form on another site cannot send.
  const init = { method, headers };
  if (method !== 'GET') { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(payload ?? {}); }
  const res = await fetch(path, init);
  if (res.status === 401) { showLogin(localStorage.getItem(KEY) ? 'That key was not accepted.' : ''); throw new Error('unauthorized'); }
  const body = await res.json();
  if (!res.ok) throw new Error(body.message || ('HTTP ' + res.status));
  return body;
}
function showLogin(message) {
  $('#login').hidden = false; $('#app').hidden = true; $('#login-error').textContent = message || '';
}
$('#login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  localStorage.setItem(KEY, $('#key').value.trim());
  $('#login').hidden = true; $('#app').hidden = false;
  render();
});

const time = (iso) => iso ? new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso)) : '–';
const when = (iso) => new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
const ago = (iso) => { if (!iso) return 'never'; const s = Math.round((Date.now() - Date.parse(iso)) / 1000); return s < 90 ? s + ' s ago' : s < 5400 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago'; };
const cls = (status) => ({ ready: 'ok', recording: 'ok', running: 'ok', success: 'ok', failed: 'bad', offline: 'bad', crashed: 'bad', dead: 'bad', cancelled: 'bad', uploading: 'info', notifying: 'info', processing: 'info', pending: 'warn', reconnecting: 'warn', restarting: 'warn', starting: 'warn' }[status] || '');
const pill = (text, status) => '<span class="pill ' + cls(status || text) + '">' + esc(text) + '</span>';
const secondsOfDay = (iso) => { const p = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(iso)); const g = (t) => Number(p.find((x) => x.type === t).value); return g('hour') * 3600 + g('minute') * 60 + g('second'); };

async function overview() {
  const [status, videos, cameras, queue, actors] = await Promise.all([
    api('/api/status'), api('/api/videos?limit=1000'), api('/api/cameras'), api('/api/queue'), api('/api/actors'),
  ]);
  tz = status.data.venueTimezone;
  const today = status.data.today;
  const todays = (await api('/api/bookings/date/' + today + '?limit=1000')).data;
  header(status.data, actors.data);
  const byBooking = new Map();
  for (const v of videos.data) { if (!byBooking.has(v.bookingId)) byBooking.set(v.bookingId, []); byBooking.get(v.bookingId).push(v); }
  const fields = new Map();
  for (const b of todays) { const f = b.fieldId ?? '?'; if (!fields.has(f)) fields.set(f, []); fields.get(f).push(b); }
  const nowPct = secondsOfDay(new Date().toISOString()) / 864;
  let timeline = '';
  for (const [field, list] of [...fields].sort((a, b) => String(a[0]).localeCompare(String(b[0]), undefined, { numeric: true }))) {
    timeline += '<div class="field"><b>Field ' + esc(field) + '</b> <span class="muted">' + esc(list[0].fieldName || '') + '</span><div class="track">';
    for (const b of list) {
      const left = (toSec(b.startTime) / 864); const right = toSec(b.endTime) <= toSec(b.startTime) ? 100 : toSec(b.endTime) / 864;
      timeline += '<div class="booking ' + esc(b.status) + '" style="left:' + left + '%;width:' + Math.max(0.5, right - left) + '%" title="' + esc(b.bookingId + ' ' + b.startTime + '–' + b.endTime + ' ' + b.status) + '">' + esc(b.startTime.slice(0, 5)) + '</div>';
    }
    timeline += '<div class="now" style="left:' + nowPct + '%"></div></div><ul class="list">';
    for (const b of list) {
      const vs = byBooking.get(b.bookingId) || [];
      timeline += '<li data-booking="' + esc(b.bookingId) + '"><span>' + esc(b.startTime.slice(0, 5) + '–' + b.endTime.slice(0, 5)) + '</span> <b>' + esc(b.bookingId) + '</b> ' + pill(b.status) + ' ' +
        (vs.length ? vs.map((v) => '<a href="#/video/' + encodeURIComponent(v.uniqueId) + '">' + esc(v.camera) + '</a> ' + pill(v.status)).join(' ') : '<span class="muted">' + (b.status === 'success' ? 'no video yet' : 'no video') + '</span>') + '</li>';
    }
    timeline += '</ul></div>';
  }
  if (!todays.length) timeline = '<p class="muted">No bookings today (' + esc(today) + ').</p>';

  const counts = {};
  for (const c of queue.data.counts) { counts[c.kind] = counts[c.kind] || {}; counts[c.kind][c.status] = c.count; }
  const queueRows = Object.entries(counts).map(([kind, s]) => '<tr><td>' + esc(kind) + '</td><td>' + (s.pending || 0) + '</td><td>' + (s.running || 0) + '</td><td>' + (s.dead || 0) + '</td><td>' + esc(queue.data.oldestPendingAgeSeconds[kind] ? Math.round(queue.data.oldestPendingAgeSeconds[kind] / 60) + ' min' : '–') + '</td></tr>').join('');
  const waiting = (queue.data.waiting ? queue.data.waiting.jobs : []).map((w) => '<li data-waiting-job="' + w.id + '">' + pill(w.waitingFor === 'due-time' ? 'due ' + new Date(w.dueAt).toLocaleTimeString() : w.waitingFor, 'pending') + ' ' + esc(w.kind) + ' <a href="#/video/' + encodeURIComponent(w.uniqueId || '') + '">' + esc(w.uniqueId || '') + '</a> <span class="muted">' + esc([w.dependency, w.detail, 'since ' + new Date(w.since).toLocaleTimeString(), 'attempt ' + w.attempts + '/' + w.maxAttempts, w.lastError].filter(Boolean).join(' · ')) + '</span></li>').join('');
  const dead = queue.data.deadLetters.map((d) => '<li data-job="' + d.id + '">' + pill('dead', 'dead') + ' ' + esc(d.kind) + ' <a href="#/video/' + encodeURIComponent(d.uniqueId || '') + '">' + esc(d.uniqueId || '') + '</a> <span class="muted">' + esc(d.lastError || '') + '</span> <button data-retry-job="' + d.id + '">Retry</button></li>').join('');

  const cams = cameras.data.map((c) => '<div class="cam" data-camera="' + esc(c.name) + '"><img alt="' + esc(c.name) + '" data-snapshot="' + esc(c.name) + '"' + (snaps.has(c.name) ? ' src="' + esc(snaps.get(c.name)) + '"' : '') + '><div><b>' + esc(c.name) + '</b> ' + pill(c.state) + ' <a href="#/live/' + encodeURIComponent(c.name) + '" data-live="' + esc(c.name) + '">live</a></div><div class="muted">field ' + esc(c.fieldId) + ' · last segment ' + (c.lastSegmentAgeSeconds == null ? 'never' : esc(c.lastSegmentAgeSeconds) + ' s ago') + '</div>' + (c.reason ? '<div class="muted">' + esc(c.reason) + '</div>' : '') + '</div>').join('');
  const actorRows = actors.data.map((a) => '<tr><td>' + esc(a.id) + '</td><td>' + pill(a.state) + '</td><td>' + esc(a.restarts) + '</td><td class="muted">' + esc(a.lastError || '') + '</td></tr>').join('');

  $('#app').innerHTML =
    '<section class="wide" id="today"><h2>Today, ' + esc(today) + ' <span class="muted">(' + esc(tz) + ')</span></h2>' + timeline + '</section>' +
    '<section id="cameras"><h2>Cameras <a href="#/cameras" class="muted">edit</a></h2><div class="cams">' + (cams || '<p class="muted">No cameras configured.</p>') + '</div></section>' +
    '<section id="queue"><h2>Queue</h2><table><tr><th>kind</th><th>waiting</th><th>running</th><th>dead</th><th>oldest</th></tr>' + queueRows + '</table>' +
    '<h2>Waiting</h2><ul class="list" id="waiting">' + (waiting || '<li class="muted">none</li>') + '</ul>' +
    '<h2>Dead letters</h2><ul class="list">' + (dead || '<li class="muted">none</li>') + '</ul></section>' +
    '<section id="actors-section" class="wide"><h2>Actors</h2><table><tr><th>actor</th><th>state</th><th>restarts</th><th>last error</th></tr>' + actorRows + '</table></section>';
  for (const b of document.querySelectorAll('[data-retry-job]')) b.addEventListener('click', () => retry('/api/queue/' + b.dataset.retryJob + '/retry', b));
  // Snapshots sit under /api (the key may be required), so they are fetched with it and shown as blobs.
  for (const img of document.querySelectorAll('[data-snapshot]')) {
    const key = localStorage.getItem(KEY);
    fetch('/api/cameras/' + encodeURIComponent(img.dataset.snapshot) + '/snapshot.jpg', { headers: key ? { Authorization: 'Bearer ' + key } : {} })
      .then((r) => (r.ok ? r.blob() : null)).then((b) => {
        if (!b) return;
        const name = img.dataset.snapshot;
        const old = snaps.get(name);
        const url = URL.createObjectURL(b);
        snaps.set(name, url);
        for (const shown of document.querySelectorAll('img[data-snapshot]')) if (shown.dataset.snapshot === name) shown.src = url;
        if (old) URL.revokeObjectURL(old);
      }).catch(() => undefined);
  }
}
function toSec(hms) { const [h, m, s] = String(hms).split(':').map(Number); return h * 3600 + m * 60 + (s || 0); }

function header(status, actors) {
  const fresh = status.lastSuccessfulSyncAt;
  const stale = !fresh || Date.now() - Date.parse(fresh) > 30 * 60_000;
  $('#sync').className = 'pill ' + (stale ? 'warn' : 'ok');
  $('#sync').textContent = 'sync ' + ago(fresh) + (status.lastSyncError ? ' · ' + status.lastSyncError : '');
  const down = actors.filter((a) => a.state !== 'running');
  $('#actors').className = 'pill ' + (down.length ? 'bad' : 'ok');
  $('#actors').textContent = down.length ? down.length + ' actor(s) not running' : actors.length + ' actors running';
  $('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}

async function videoPage(uid) {
  const [status, actors, v] = await Promise.all([api('/api/status'), api('/api/actors'), api('/api/videos/' + encodeURIComponent(uid))]);
  tz = status.data.venueTimezone;
  header(status.data, actors.data);
  const d = v.data;
  const media = d.urls.preview ? '<video controls muted playsinline src="' + esc(d.urls.preview) + '" poster="' + esc(d.urls.thumbnail || '') + '"></video>' : (d.urls.thumbnail ? '<img class="thumb" src="' + esc(d.urls.thumbnail) + '">' : '<p class="muted">Preview once uploaded.</p>');
  const missing = (d.missing || []).map((m) => time(m.start) + '–' + time(m.end)).join(', ');
  // A refresh leaves the player alone (rebuilding it would stop a preview someone is watching): only a new video or
  // a preview that just became available redraws it.
  const mediaKey = uid + ' ' + (d.urls.preview || d.urls.thumbnail || '');
  const shown = $('#video');
  if (!shown || shown.dataset.media !== mediaKey) {
    $('#app').innerHTML = '<section class="wide" id="video" data-media="' + esc(mediaKey) + '"><h2 id="video-title"></h2>' + media + '<div id="video-info"></div></section>';
  }
  $('#video-title').innerHTML = esc(d.uniqueId) + ' ' + pill(d.status);
  $('#video-info').innerHTML = '<table><tr><td>booking</td><td>' + esc(d.bookingId) + '</td></tr><tr><td>camera</td><td>' + esc(d.camera) + ' (field ' + esc(d.fieldId) + ')</td></tr>' +
    '<tr><td>window</td><td>' + time(d.windowStart) + '–' + time(d.windowEnd) + ' · ' + esc(d.type) + '</td></tr>' +
    '<tr><td>coverage</td><td>' + (d.coverage == null ? '–' : esc((d.coverage * 100).toFixed(1) + '%')) + (missing ? ' · missing ' + esc(missing) : '') + '</td></tr>' +
    '<tr><td>duration</td><td>' + (d.durationSec == null ? '–' : esc(Math.round(d.durationSec) + ' s')) + '</td></tr>' +
    '<tr><td>links</td><td>' + ['mp4', 'preview', 'thumbnail'].filter((k) => d.urls[k]).map((k) => '<a href="' + esc(d.urls[k]) + '">' + k + '</a>').join(' · ') + '</td></tr>' +
    (d.reason ? '<tr><td>reason</td><td>' + esc(d.reason) + '</td></tr>' : '') + '</table>' +
    (d.status === 'failed' ? '<p><button id="retry-video">Retry this video</button></p>' : '') +
    '<h2>History</h2><ul class="list">' + d.history.map((h) => '<li>' + esc(when(h.at)) + ' ' + pill(h.status) + ' <span class="muted">' + esc(h.reason || '') + '</span></li>').join('') + '</ul>';
  const b = $('#retry-video');
  if (b) b.addEventListener('click', () => retry('/api/videos/' + encodeURIComponent(uid) + '/retry', b));
  await videoPurchases(uid);
}

async function retry(path, button) {
  button.disabled = true;
  try { await api(path, 'POST'); button.textContent = 'Queued again'; } catch (e) { button.textContent = 'Failed: ' + e.message; }
  setTimeout(render, 500);
}

async function render() {
  clearTimeout(timer);
  try {
    const m = /^#\/video\/(.+)$/.exec(location.hash);
    const live = /^#\/live\/(.+)$/.exec(location.hash);
    // The camera editor is drawn once per visit (a refresh would wipe a half-filled form); its status line refreshes.
    if (location.hash === '#/cameras') await camerasPage(!!$('#camera-editor'));
    else if (location.hash === '#/timeline') await timelinePage(!!$('#timeline-page'));
    else if (m) await videoPage(decodeURIComponent(m[1]));
    else if (live) await livePage(decodeURIComponent(live[1])); else await overview();
  } catch (e) {
    if (e.message !== 'unauthorized') $('#updated').textContent = 'error: ' + e.message;
  }
  timer = setTimeout(render, 5000);
}
window.addEventListener('hashchange', render);
` +
  CAMERA_EDITOR_JS +
  LIVE_VIEW_JS +
  TIMELINE_JS +
  PURCHASES_JS +
  'render();\n';
