// Practices in the full-text search: languages, and who may find which.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cliUser, assertProblem } from './lib.mjs';

let srv, a, b;
before(async () => {
  srv = await startServer();
  const root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const o1 = (await root.post('/api/v1/organisations', { body: { name: 'MILDECA', kind: 'drug_control_agency', country: 'FR' } })).body;
  const o2 = (await root.post('/api/v1/organisations', { body: { name: 'Almaty youth centre', kind: 'youth_organisation', country: 'KZ' } })).body;
  a = client(srv.base, { token: cliUser(srv, { email: 'a@example.org', role: 'analyst', org: o1.id }).token });
  b = client(srv.base, { token: cliUser(srv, { email: 'b@example.org', role: 'analyst', org: o2.id }).token });
});
after(async () => { await srv?.stop(); });

test('practices are found in French and Russian, drafts only by their organisation', async () => {
  const fr = await a.post('/api/v1/practices', { body: { title: 'Programme de prévention au collège', summary: 'Compétences psychosociales des élèves et soutien des parents', language: 'fr' } });
  assert.equal(fr.status, 201, fr.text);
  const ru = await b.post('/api/v1/practices', { body: { title: 'Профилактика в школах Алматы', summary: 'Занятия для подростков и родителей', language: 'ru' } });
  assert.equal(ru.status, 201, ru.text);
  const find = async (c, q) => (await c.get(`/api/v1/search?type=practice&q=${encodeURIComponent(q)}`)).body.items.map((h) => h.id);
  assert.ok((await find(a, 'prevention eleve')).includes(fr.body.id));
  assert.ok((await find(a, 'PRÉVENTION')).includes(fr.body.id));
  assert.ok((await find(b, 'школа')).includes(ru.body.id));
  // a draft is not found from another organisation
  assert.ok(!(await find(b, 'prevention')).includes(fr.body.id));
  assert.ok(!(await find(a, 'школах')).includes(ru.body.id));
  assertProblem(assert, await a.get('/api/v1/search?q=x&type=nothing'), 400, 'type');
});
