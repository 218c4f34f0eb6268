// The dashboard's camera editor (page #/cameras): the list, add, edit, disable, remove, and a test of the URL with
// ffprobe before saving. Passwords are write-only: the field shows *** and an unchanged *** (or blank) keeps the
// stored one. Without CAMERAS_FILE the page is read-only and says why. Part of /dashboard.js (it uses api, esc, pill).

/** JavaScript of the camera editor (appended to the dashboard's script). */
export const CAMERA_EDITOR_JS = String.raw`
let camEditing = null;
let camList = [];
const fmtProbe = (p) => p.ok ? [p.codec, p.width && p.height ? p.width + '×' + p.height : '', p.fps ? p.fps + ' fps' : '', p.audio ? 'audio ' + p.audio : ''].filter(Boolean).join(' · ') : p.message;
function reloadLine(r) {
  if (!r) return 'no reload yet';
  const what = [r.started.length ? 'started ' + r.started.join(', ') : '', r.stopped.length ? 'stopped ' + r.stopped.join(', ') : '', r.restarted.length ? 'restarted ' + r.restarted.join(', ') : ''].filter(Boolean).join('; ');
  return 'last reload ' + new Date(r.at).toLocaleTimeString() + ' (' + r.trigger + '): ' + r.result + (what ? ' · ' + what : '') + (r.problems.length ? ' · ' + r.problems.join('; ') : '');
}
async function camerasPage(refreshOnly) {
  const [status, actors, cfg] = await Promise.all([api('/api/status'), api('/api/actors'), api('/api/cameras/config')]);
  tz = status.data.venueTimezone;
  header(status.data, actors.data);
  const c = cfg.data;
  if (refreshOnly && $('#camera-editor')) { $('#cam-reload').textContent = reloadLine(c.lastReload); return; }
  camList = c.cameras;
  const ro = !c.editable;
  const rows = camList.map((x) => '<tr data-cam="' + esc(x.name) + '"><td><b>' + esc(x.name) + '</b></td><td>' + esc(x.fieldId) + '</td><td class="muted">' + esc(x.url) + '</td><td>' + (x.hasPassword ? '***' : '') + '</td><td>' + esc(x.buttonNo ?? '') + '</td><td>' + pill(x.enabled ? 'enabled' : 'disabled', x.enabled ? 'running' : 'pending') + '</td><td>' +
    (ro ? '' : '<button data-cam-edit="' + esc(x.name) + '">Edit</button> <button data-cam-toggle="' + esc(x.name) + '">' + (x.enabled ? 'Disable' : 'Enable') + '</button> <button data-cam-remove="' + esc(x.name) + '">Remove</button>') + '</td></tr>').join('');
  const dis = ro ? ' disabled' : '';
  $('#app').innerHTML = '<section class="wide" id="camera-editor"><h2>Cameras</h2>' +
    '<p class="muted">from ' + esc(c.source) + (c.file ? ' (' + esc(c.file) + ')' : '') + ' · <span id="cam-reload">' + esc(reloadLine(c.lastReload)) + '</span></p>' +
    (ro ? '<p id="cam-readonly" class="error">Read-only: ' + esc(c.reason) + '</p>' : '') +
    '<table id="cam-table"><tr><th>name</th><th>field</th><th>URL</th><th>password</th><th>button</th><th>state</th><th></th></tr>' + (rows || '<tr><td colspan="7" class="muted">No cameras.</td></tr>') + '</table>' +
    '<h2 id="cam-form-title">Add a camera</h2><form id="cam-form">' +
    '<label>Name <input id="cam-name" required pattern="[A-Za-z0-9_\\-]{1,64}"' + dis + '></label>' +
    '<label>Field id <input id="cam-field" type="number" min="0" required' + dis + '></label>' +
    '<label>URL <input id="cam-url" placeholder="rtsp://user@192.168.1.10/stream" required' + dis + '></label>' +
    '<label>Password <input id="cam-password" type="password" autocomplete="new-password" placeholder="blank: none, or keep the stored one"' + dis + '></label>' +
    '<label>Button <input id="cam-button" type="number" min="0" placeholder="optional"' + dis + '></label>' +
    '<label><input id="cam-enabled" type="checkbox" checked style="width:auto"' + dis + '> enabled</label>' +
    '<p><button type="button" id="cam-test-button">Test</button> <button type="submit" id="cam-save"' + dis + '>Save</button> <button type="button" id="cam-new"' + dis + '>New</button></p>' +
    '<p id="cam-test" class="muted"></p><p id="cam-result"></p></form></section>';
  for (const b of document.querySelectorAll('[data-cam-edit]')) b.addEventListener('click', () => camEdit(b.dataset.camEdit));
  for (const b of document.querySelectorAll('[data-cam-toggle]')) b.addEventListener('click', () => camSave(camList.map((x) => x.name === b.dataset.camToggle ? { ...x, enabled: !x.enabled } : x)));
  for (const b of document.querySelectorAll('[data-cam-remove]')) b.addEventListener('click', () => camSave(camList.filter((x) => x.name !== b.dataset.camRemove)));
  $('#cam-new').addEventListener('click', () => camEdit(null));
  $('#cam-test-button').addEventListener('click', camTest);
  $('#cam-form').addEventListener('submit', (e) => { e.preventDefault(); camSave(camFromForm()); });
}
function camEdit(name) {
  const x = camList.find((c) => c.name === name);
  camEditing = x ? x.name : null;
  $('#cam-form-title').textContent = x ? 'Edit ' + x.name : 'Add a camera';
  $('#cam-name').value = x ? x.name : '';
  $('#cam-field').value = x ? x.fieldId : '';
  $('#cam-url').value = x ? x.url : '';
  // Write-only: the stored password is never sent to the browser; *** stands for it and keeps it when saved.
  $('#cam-password').value = x && x.hasPassword ? '***' : '';
  $('#cam-button').value = x && x.buttonNo != null ? x.buttonNo : '';
  $('#cam-enabled').checked = x ? x.enabled : true;
  $('#cam-test').textContent = ''; $('#cam-result').textContent = '';
}
function camFromForm() {
  const edited = { name: $('#cam-name').value.trim(), fieldId: Number($('#cam-field').value), url: $('#cam-url').value.trim(), enabled: $('#cam-enabled').checked, password: $('#cam-password').value };
  if ($('#cam-button').value !== '') edited.buttonNo = Number($('#cam-button').value);
  const others = camList.filter((x) => x.name !== (camEditing ?? edited.name));
  const at = camList.findIndex((x) => x.name === camEditing);
  const list = others.slice();
  list.splice(at === -1 ? list.length : at, 0, edited);
  return list;
}
async function camSave(list) {
  $('#cam-result').className = ''; $('#cam-result').textContent = 'Saving…';
  try {
    const body = { cameras: list.map(({ hasPassword, ...c }) => c) };
    const r = await api('/api/cameras', 'PUT', body);
    camEditing = null;
    await camerasPage(false);
    $('#cam-result').textContent = 'Saved: ' + reloadLine(r.data.reload);
  } catch (e) {
    $('#cam-result').className = 'error'; $('#cam-result').textContent = 'Not saved: ' + e.message;
  }
}
async function camTest() {
  $('#cam-test').textContent = 'Testing…';
  try {
    const r = await api('/api/cameras/test', 'POST', { url: $('#cam-url').value.trim(), name: camEditing ?? $('#cam-name').value.trim(), password: $('#cam-password').value });
    $('#cam-test').textContent = fmtProbe(r.data);
    $('#cam-test').className = r.data.ok ? 'ok-text' : 'error';
  } catch (e) {
    $('#cam-test').className = 'error'; $('#cam-test').textContent = e.message;
  }
}
`;
