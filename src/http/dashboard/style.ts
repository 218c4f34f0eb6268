// The dashboard's stylesheet (served at /dashboard.css; no CDN: it works offline). Mobile first.

/** CSS of the dashboard. */
export const DASHBOARD_CSS = `
:root { --bg:#0f172a; --card:#1e293b; --text:#e2e8f0; --muted:#94a3b8; --ok:#22c55e; --warn:#f59e0b; --bad:#ef4444; --info:#38bdf8; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--text); }
header { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; padding:.75rem 1rem; background:#111827; position:sticky; top:0; z-index:2; }
header h1 { font-size:1.1rem; margin:0; }
header .pill { font-size:.8rem; }
main { padding:1rem; display:grid; gap:1rem; grid-template-columns: 1fr; }
@media (min-width: 1000px) { main { grid-template-columns: 2fr 1fr; } main > .wide { grid-column: 1 / -1; } }
section { background:var(--card); border-radius:10px; padding:.75rem 1rem; overflow-x:auto; }
h2 { font-size:1rem; margin:.2rem 0 .6rem; }
a { color:var(--info); }
.pill { display:inline-block; padding:.1rem .5rem; border-radius:999px; background:#334155; white-space:nowrap; }
.ok { background:#14532d; } .warn { background:#78350f; } .bad { background:#7f1d1d; } .info { background:#0c4a6e; }
.field { margin:.5rem 0 1rem; }
.track { position:relative; height:2.2rem; background:#0b1220; border-radius:6px; margin:.25rem 0; }
.booking { position:absolute; top:.2rem; bottom:.2rem; border-radius:4px; background:#334155; overflow:hidden; font-size:.7rem; padding:0 .25rem; white-space:nowrap; }
.booking.success { background:#1d4ed8; } .booking.cancelled { background:#7f1d1d; text-decoration:line-through; } .booking.pending, .booking.expired { background:#475569; }
.now { position:absolute; top:0; bottom:0; width:2px; background:var(--warn); }
.list { list-style:none; margin:0; padding:0; }
.list li { padding:.35rem 0; border-bottom:1px solid #334155; display:flex; flex-wrap:wrap; gap:.4rem; align-items:center; }
.muted { color:var(--muted); font-size:.85rem; }
table { width:100%; border-collapse:collapse; font-size:.9rem; }
td, th { text-align:left; padding:.3rem .4rem; border-bottom:1px solid #334155; vertical-align:top; }
.cams { display:grid; gap:.75rem; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); }
.cam img { width:100%; aspect-ratio:16/9; object-fit:cover; background:#000; border-radius:6px; }
button { font:inherit; padding:.3rem .8rem; border-radius:6px; border:0; background:var(--info); color:#0f172a; cursor:pointer; }
input { font:inherit; padding:.35rem; border-radius:6px; border:1px solid #475569; background:#0b1220; color:var(--text); width:100%; max-width:28rem; }
video, .thumb { width:100%; max-width:640px; border-radius:8px; background:#000; }
.error { color:#fecaca; }
.ok-text { color:#bbf7d0; }
#cam-form label { display:block; margin:.35rem 0; }
`;
