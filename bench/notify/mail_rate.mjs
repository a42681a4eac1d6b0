// bench/notify: e-mails per second that Trellis delivers to an SMTP server
// on loopback (tests/smtp_sink.py), from the outbox of one alert matching
// N e-mail subscriptions (default 1000), each marked sent in the database
// only after the server accepted it. Run from the repository root with
// TRELLIS_BIN (default build/trellis).
import { startServer, client, cliUser, sql } from '../../tests/api/lib.mjs';
import { startSink, mailEnv } from '../../tests/api/smtp.mjs';

const n = Number(process.argv[2] || 1000);
const sink = await startSink();
const srv = await startServer({ env: mailEnv(sink) });
try {
  const author = client(srv.base, { token: cliUser(srv, { email: 'author@example.org', role: 'analyst' }).token });
  const reader = cliUser(srv, { email: 'reader@example.org', role: 'viewer' }).id;
  sql(srv, `INSERT INTO subscriptions (id, user_id, record_type, categories, delivery, created_at, updated_at)
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
    SELECT 'bench-' || i, '${reader}', 'alert', ',new_substance,', 'email', 0, 0 FROM k`);
  const r = await author.post('/api/v1/alerts', {
    body: { title: 'Benchmark alert', category: 'new_substance', tlp: 'green', status: 'published', distribution: 'network' },
  });
  if (r.status !== 201) throw new Error(r.text);
  const t0 = Date.now();
  await sink.until((all) => all.length >= n, 600000);
  const s = (Date.now() - t0) / 1000;
  console.log(`e-mails delivered ${n} in ${s.toFixed(2)} s: ${(n / s).toFixed(1)} e-mails/s`);
} finally {
  await srv.stop();
  await sink.stop();
}
