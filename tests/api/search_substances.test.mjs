// Search expands a query word that names a known substance to all its names
// and synonyms in every language (героин ↔ heroin ↔ héroïne); its hits keep
// their TLP, status and organisation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cliUser } from './lib.mjs';

let srv, api, other, orgId;
before(async () => {
  srv = await startServer();
  const root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  api = root;
  orgId = (await root.get('/api/v1/me')).body.org_id;
  other = client(srv.base, { token: cliUser(srv, { email: 'viewer@example.org', role: 'viewer', org: 'unodc' }).token });
  const base = (over) => ({ title: 'x', category: 'street_distribution', tlp: 'amber', distribution: 'network', status: 'published', ...over });
  for (const body of [
    base({ title: 'Heroin sold at the Karlsplatz underpass', summary: 'Small bags, brown powder.' }),
    base({ title: 'Heroin cut with fentanyl in Graz', summary: 'Two overdoses.', tlp: 'green' }),
    base({ title: 'Smack on offer near the station', summary: 'Street slang for it.', status: 'draft' }),
    base({ title: 'Héroïne saisie à Lyon', summary: 'Sachets bruns.' }),
    base({ title: 'Cocaine in the port of Hamburg', summary: 'Containers.' }),
  ]) assert.equal((await api.post('/api/v1/alerts', { body })).status, 201);
});
after(async () => { await srv?.stop(); });

const hits = async (who, q) => (await who.get(`/api/v1/search?type=alert&q=${encodeURIComponent(q)}`)).body.items;

test('a Russian name finds the English and French alerts, and back', async () => {
  const ru = (await hits(api, 'героин')).map((h) => h.title).sort();
  assert.deepEqual(ru, ['Heroin cut with fentanyl in Graz', 'Heroin sold at the Karlsplatz underpass', 'Héroïne saisie à Lyon', 'Smack on offer near the station']);
  // an inflected form names it too
  assert.equal((await hits(api, 'героина')).length, 4);
  // a synonym, and the English name, find the others
  assert.equal((await hits(api, 'diamorphine')).length, 4);
  assert.equal((await hits(api, 'heroin')).length, 4);
  // the other words of the query still have to match
  assert.deepEqual((await hits(api, 'героин Graz')).map((h) => h.title), ['Heroin cut with fentanyl in Graz']);
  // a word that names no substance is not widened
  assert.deepEqual((await hits(api, 'Hamburg')).map((h) => h.title), ['Cocaine in the port of Hamburg']);
  // the snippet marks the word as the alert says it
  assert.match((await hits(api, 'героин Graz'))[0].snippet, /<mark>Heroin<\/mark>/);
});

test('hits keep TLP, status and organisation; what the reader may not see stays out', async () => {
  const h = await hits(api, 'heroin');
  const graz = h.find((x) => x.title.includes('Graz'));
  assert.deepEqual([graz.tlp, graz.status, graz.org_id], ['green', 'published', orgId]);
  assert.equal(h.find((x) => x.title.startsWith('Smack')).status, 'draft');
  // another organisation does not see the draft
  assert.ok(!(await hits(other, 'героин')).some((x) => x.title.startsWith('Smack')));
  const sub = (await api.get('/api/v1/search?type=substance&q=героин')).body.items[0];
  assert.equal(sub.title, 'Heroin');
  assert.equal(sub.tlp, null);
});

test('a substance made or changed widens the very next search (the stems are kept, and made again on a change)', async () => {
  const titles = async (q) => (await hits(api, q)).map((h) => h.title).sort();
  assert.deepEqual(await titles('zorblax'), []);
  const made = await api.post('/api/v1/substances', { body: { name: 'Zorblax', class: 'other', synonyms: [{ lang: 'en', name: 'Cocaine' }] } });
  assert.equal(made.status, 201, made.text);
  assert.deepEqual(await titles('zorblax'), ['Cocaine in the port of Hamburg']);
  const etag = (await api.get(`/api/v1/substances/${made.body.id}`)).headers.get('etag');
  const changed = await api.patch(`/api/v1/substances/${made.body.id}`, { body: { synonyms: [{ lang: 'en', name: 'Heroin' }] }, headers: { 'If-Match': etag } });
  assert.equal(changed.status, 200, changed.text);
  const now = await titles('zorblax');
  assert.ok(now.includes('Heroin cut with fentanyl in Graz') && !now.includes('Cocaine in the port of Hamburg'), now.join(' | '));
});
