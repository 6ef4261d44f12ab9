// Browser entry point: runs the shared gRPC-web scenarios against the server given in the
// query string (?server=http://127.0.0.1:PORT[&scenarios=a,b]) and writes the observations into
// the DOM: JSON in #results (read by test/browser.test.mjs), a table for humans/screenshots,
// and body[data-state] = "done" when finished.

import { runAll, SCENARIOS } from './scenarios.js';

async function main() {
  const params = new URLSearchParams(location.search);
  const server = params.get('server');
  const names = params.get('scenarios')?.split(',').filter(Boolean) ?? Object.keys(SCENARIOS);
  document.getElementById('origin').textContent = location.origin;
  document.getElementById('server').textContent = server ?? '(missing ?server=)';
  if (!server) throw new Error('missing ?server= query parameter');
  document.body.dataset.state = 'running';

  const results = await runAll(server, names);

  const tbody = document.querySelector('#summary tbody');
  for (const [format, byName] of Object.entries(results)) {
    for (const [name, r] of Object.entries(byName)) {
      const row = tbody.insertRow();
      row.insertCell().textContent = format;
      row.insertCell().textContent = name;
      const cell = row.insertCell();
      cell.className = r.ok ? 'ok' : 'error';
      cell.textContent = r.ok ? JSON.stringify(r.value) : r.error;
    }
  }
  document.getElementById('results').textContent = JSON.stringify(results, null, 2);
}

main()
  .catch((err) => {
    document.getElementById('results').textContent = JSON.stringify({ pageError: String(err?.stack ?? err) });
  })
  .finally(() => { document.body.dataset.state = 'done'; });
