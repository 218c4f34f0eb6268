// The dashboard's recording timeline and exports (page #/timeline): today's recording of every camera (covered and
// gaps with their reasons) under the bookings of its field, and a form to export any window with the list of
// exports. Part of /dashboard.js (it uses api, esc, pill, header, tz, KEY).

/** JavaScript of the timeline page (appended to the dashboard's script). */
export const TIMELINE_JS = String.raw`
const tlStyle = '.tl-track{position:relative;height:1.1rem;background:#0b1220;border-radius:4px;margin:.15rem 0}' +
  '.tl-track div{position:absolute;top:0;bottom:0}.tl-rec{background:#15803d}.tl-gap{background:#7f1d1d}.tl-gap.tl-progress{background:#475569}' +
  '.tl-booking{background:#1d4ed8;border-radius:3px;font-size:.65rem;overflow:hidden;white-space:nowrap;padding:0 .2rem}.tl-booking.cancelled{background:#7f1d1d;text-decoration:line-through}' +
  '.tl-hours{position:relative;height:1rem;font-size:.65rem;color:#94a3b8}.tl-hours span{position:absolute;transform:translateX(-50%)}' +
  '#export-form label{display:inline-block;margin:.25rem .5rem .25rem 0}#export-form input,#export-form select{width:auto}';
// Epoch ms of a wall-clock time in the venue's zone: the zone's offset at that instant, found from Intl and checked
// once more (a DST change between guess and answer).
function venueToUtc(date, time) {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s] = time.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s || 0);
  const offsetAt = (ms) => {
    const p = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
    const g = (t) => Number(p.find((x) => x.type === t).value);
    return Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'), g('second')) - ms;
  };
  let ms = wall - offsetAt(wall);
  ms = wall - offsetAt(ms);
  return ms;
}
const dayPct = (iso, from) => Math.max(0, Math.min(100, (Date.parse(iso) - from) / 864000));
function tlTrack(camera, line, bookings, from) {
  const rec = line.covered.map((c) => '<div class="tl-rec" style="left:' + dayPct(c.start, from) + '%;width:' + Math.max(0.1, dayPct(c.end, from) - dayPct(c.start, from)) + '%" title="' + esc(time(c.start) + '–' + time(c.end) + ' recorded') + '"></div>').join('');
  const gaps = line.gaps.map((g) => '<div class="tl-gap' + (g.reason === 'segment in progress' ? ' tl-progress' : '') + '" data-gap-reason="' + esc(g.reason) + '" style="left:' + dayPct(g.start, from) + '%;width:' + Math.max(0.1, dayPct(g.end, from) - dayPct(g.start, from)) + '%" title="' + esc(time(g.start) + '–' + time(g.end) + ': ' + g.reason) + '"></div>').join('');
  const books = bookings.map((b) => { const s = venueToUtc(b.date, b.startTime); let e = venueToUtc(b.date, b.endTime); if (e <= s) e = venueToUtc(addDay(b.date), b.endTime); const l = dayPct(new Date(s).toISOString(), from); const r = dayPct(new Date(e).toISOString(), from); return '<div class="tl-booking ' + esc(b.status) + '" data-tl-booking="' + esc(b.bookingId) + '" style="left:' + l + '%;width:' + Math.max(0.3, r - l) + '%" title="' + esc(b.bookingId + ' ' + b.startTime + '–' + b.endTime + ' ' + b.status) + '">' + esc(b.startTime.slice(0, 5)) + '</div>'; }).join('');
  const hours = [0, 3, 6, 9, 12, 15, 18, 21, 24].map((h) => '<span style="left:' + (h / 24 * 100) + '%">' + String(h).padStart(2, '0') + '</span>').join('');
  const nowPct = dayPct(new Date().toISOString(), from);
  const gapList = line.gaps.filter((g) => g.reason !== 'segment in progress').slice(-8).map((g) => '<li>' + esc(time(g.start) + '–' + time(g.end)) + ' <span class="muted">' + esc(g.reason) + '</span></li>').join('');
  return '<div class="field" data-timeline="' + esc(camera.name) + '"><b>' + esc(camera.name) + '</b> <span class="muted">field ' + esc(camera.fieldId) + ' · ' + esc(line.coveredSeconds < 3600 ? Math.round(line.coveredSeconds / 60) + ' min' : (line.coveredSeconds / 3600).toFixed(1) + ' h') + ' recorded today</span>' +
    '<div class="tl-track" title="bookings">' + books + '</div><div class="tl-track">' + rec + gaps + '<div class="now" style="left:' + nowPct + '%"></div></div><div class="tl-hours">' + hours + '</div>' +
    '<ul class="list">' + (gapList || '<li class="muted">no gaps</li>') + '</ul></div>';
}
function exportRow(e) {
  const missing = (e.missing || []).map((m) => time(m.start) + '–' + time(m.end) + ' ' + m.reason).join('; ');
  const dl = e.file ? ' <a href="' + esc(e.file) + '" data-export-file="' + e.id + '">download</a>' : '';
  return '<li data-export="' + e.id + '">' + pill(e.state, { done: 'ready', queued: 'pending', cutting: 'processing', expired: 'cancelled' }[e.state] || e.state) + ' <b>#' + e.id + '</b> ' + esc(e.camera) + ' ' + esc(when(e.from) + ' – ' + time(e.to)) +
    (e.coverage == null ? '' : ' <span data-export-coverage>coverage ' + esc((e.coverage * 100).toFixed(1)) + '%</span>') + dl +
    (missing ? ' <span class="muted">missing ' + esc(missing) + '</span>' : '') + (e.error ? ' <span class="error">' + esc(e.error) + '</span>' : '') + '</li>';
}
async function timelinePage(refreshOnly) {
  const [status, actors, cameras, exportsList] = await Promise.all([api('/api/status'), api('/api/actors'), api('/api/cameras'), api('/api/exports?limit=20')]);
  tz = status.data.venueTimezone;
  header(status.data, actors.data);
  const today = status.data.today;
  // Yesterday's bookings too: one that runs past midnight is on today's track until it ends.
  const [bookings, lastNight, lines] = await Promise.all([
    api('/api/bookings/date/' + today + '?limit=1000'),
    api('/api/bookings/date/' + addDay(today, -1) + '?limit=1000'),
    Promise.all(cameras.data.map((c) => api('/api/cameras/' + encodeURIComponent(c.name) + '/timeline').then((r) => r.data))),
  ]);
  const from = venueToUtc(today, '00:00:00');
  const ofDay = bookings.data.concat(lastNight.data.filter((b) => b.endTime <= b.startTime && venueToUtc(today, b.endTime) > from));
  const tracks = cameras.data.map((c, i) => tlTrack(c, lines[i], ofDay.filter((b) => b.fieldId === c.fieldId), from)).join('') || '<p class="muted">No cameras configured.</p>';
  const list = exportsList.data.map(exportRow).join('') || '<li class="muted">none yet</li>';
  if (refreshOnly && $('#timeline-page')) { $('#tl-tracks').innerHTML = tracks; $('#export-list').innerHTML = list; return; }
  const options = cameras.data.map((c) => '<option value="' + esc(c.name) + '">' + esc(c.name) + '</option>').join('');
  $('#app').innerHTML = '<style>' + tlStyle + '</style><section class="wide" id="timeline-page"><h2>Recording timeline, ' + esc(today) + ' <span class="muted">(' + esc(tz) + ')</span></h2><div id="tl-tracks">' + tracks + '</div></section>' +
    '<section class="wide" id="exports"><h2>Export a window</h2><form id="export-form">' +
    '<label>Camera <select id="export-camera">' + options + '</select></label>' +
    '<label>Date <input id="export-date" type="date" required value="' + esc(today) + '"></label>' +
    '<label>From <input id="export-from" type="time" step="1" required></label>' +
    '<label>To <input id="export-to" type="time" step="1" required></label>' +
    '<button type="submit" id="export-submit">Export</button> <span class="muted">at most 4 h, venue time</span>' +
    '<p id="export-result"></p></form><h2>Exports</h2><ul class="list" id="export-list">' + list + '</ul></section>';
  $('#export-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const date = $('#export-date').value;
    const start = venueToUtc(date, $('#export-from').value);
    let end = venueToUtc(date, $('#export-to').value);
    if (end <= start) end = venueToUtc(addDay(date), $('#export-to').value); // past midnight
    $('#export-result').textContent = 'queueing…';
    try {
      const r = await api('/api/exports', 'POST', { camera: $('#export-camera').value, from: new Date(start).toISOString(), to: new Date(end).toISOString() });
      $('#export-result').className = 'ok-text'; $('#export-result').textContent = 'Export #' + r.data.id + ' queued';
    } catch (e) { $('#export-result').className = 'error'; $('#export-result').textContent = e.message; }
    setTimeout(render, 300);
  });
  // The file sits under /api: with a key it is fetched with it and saved from memory.
  $('#export-list').addEventListener('click', async (ev) => {
    const a = ev.target.closest('[data-export-file]');
    if (!a || !localStorage.getItem(KEY)) return;
    ev.preventDefault();
    const res = await fetch(a.getAttribute('href'), { headers: { Authorization: 'Bearer ' + localStorage.getItem(KEY) } });
    if (!res.ok) { a.textContent = 'download failed (HTTP ' + res.status + ')'; return; }
    const url = URL.createObjectURL(await res.blob());
    const save = document.createElement('a'); save.href = url; save.download = 'export-' + a.dataset.exportFile + '.mp4'; save.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
}
function addDay(date, days = 1) { const d = new Date(date + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + days); return d.toISOString().slice(0, 10); }
`;
