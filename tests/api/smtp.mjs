// A loopback SMTP server for the tests (tests/smtp_sink.py, Debian's
// python3-aiosmtpd), started by the test itself on a free port: the
// messages it accepted, parsed, and switches to make it fail or go away.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PY = process.env.TRELLIS_TEST_PYTHON || '/usr/bin/python3';

function launch(dir, port) {
  const proc = spawn(PY, ['tests/smtp_sink.py', dir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error('smtp sink did not start: ' + err)), 10000);
    proc.stderr.on('data', (c) => { err += c; });
    proc.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/"port": (\d+)/);
      if (m) { clearTimeout(timer); resolve({ proc, port: Number(m[1]) }); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`smtp sink exited ${code}: ${err}`)); });
  });
}

/** Decodes one part's base64 body of a stored message. */
function parts(data) {
  const out = {};
  const re = /Content-Type: (text\/(?:plain|html)); charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/g;
  let m;
  while ((m = re.exec(data))) out[m[1]] = Buffer.from(m[2].replace(/\r\n/g, ''), 'base64').toString('utf8');
  return out;
}

function subject(data) {
  const m = data.match(/^Subject:((?: =\?UTF-8\?B\?[^?]*\?=\r\n)+)/m);
  if (!m) return '';
  return [...m[1].matchAll(/=\?UTF-8\?B\?([^?]*)\?=/g)].map((w) => Buffer.from(w[1], 'base64').toString('utf8')).join('');
}

export async function startSink() {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-smtp-'));
  let { proc, port } = await launch(dir, 0);
  const sink = {
    port, dir,
    url: `smtp://127.0.0.1:${port}`,
    /** Every stored message, oldest first: { to, message_id, subject, text, html, data }. */
    messages() {
      return readdirSync(dir).filter((n) => /^\d+\.json$/.test(n)).sort().map((n) => {
        const r = JSON.parse(readFileSync(join(dir, n), 'utf8'));
        const p = parts(r.data);
        return { ...r, subject: subject(r.data), text: p['text/plain'] || '', html: p['text/html'] || '' };
      });
    },
    /** Waits until pred(messages) holds (or throws after ms). */
    async until(pred, ms = 20000) {
      const end = Date.now() + ms;
      for (;;) {
        const all = sink.messages();
        if (pred(all)) return all;
        if (Date.now() > end) throw new Error(`timed out waiting for mail; have ${all.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** While failing, DATA gets 451 and nothing is stored. */
    fail(on) {
      if (on) writeFileSync(join(dir, 'fail'), '');
      else try { unlinkSync(join(dir, 'fail')); } catch { /* already gone */ }
    },
    /** Stops the server (connections refused) ... */
    async down() {
      const gone = new Promise((r) => proc.on('exit', r));
      proc.kill('SIGTERM');
      await gone;
    },
    /** ... and brings it back on the same port. */
    async up() {
      ({ proc } = await launch(dir, port));
    },
    async stop() {
      await sink.down().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  proc.removeAllListeners('exit');
  return sink;
}

/** The server environment for mail through sink, with quick retries. */
export function mailEnv(sink, extra = {}) {
  return {
    TRELLIS_SMTP_URL: sink.url,
    TRELLIS_MAIL_FROM: 'trellis@example.org',
    TRELLIS_PUBLIC_URL: 'https://trellis.example.org',
    TRELLIS_SMTP_RETRY_MS: '100',
    TRELLIS_SMTP_RETRY_MAX_MS: '400',
    TRELLIS_SMTP_TIMEOUT_S: '3',
    TRELLIS_NOTIFY_POLL_MS: '50',
    ...extra,
  };
}
