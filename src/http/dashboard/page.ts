// The dashboard's HTML shell (served at /): the script fills it from the REST API.

/** HTML of the dashboard. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>venue-recorder</title>
<link rel="stylesheet" href="/dashboard.css">
</head>
<body>
<header>
  <h1>🎥 venue-recorder</h1>
  <span id="sync" class="pill">sync …</span>
  <span id="actors" class="pill">actors …</span>
  <span id="updated" class="muted"></span>
  <a href="#/">overview</a>
  <a href="#/cameras">cameras</a>
  <a href="#/timeline">timeline</a>
</header>
<div id="login" hidden>
  <section style="margin:1rem">
    <h2>API key</h2>
    <p class="muted">This box requires its API key. It is kept in this browser only.</p>
    <form id="login-form"><input id="key" type="password" autocomplete="current-password" placeholder="API key">
    <button type="submit">Open</button></form>
    <p id="login-error" class="error"></p>
  </section>
</div>
<main id="app"></main>
<script src="/dashboard.js"></script>
</body>
</html>
`;
