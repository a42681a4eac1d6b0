// MISP and STIX 2.1: the alerts export as MISP events and as a STIX
// bundle, and the import of MISP events under the hardening rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, assertProblem, cliUser } from './lib.mjs';

let srv, api, other, alert, org;
before(async () => {
  srv = await startServer();
  const root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  org = (await root.post('/api/v1/organisations', { body: { name: 'Lyon Police', kind: 'police', country: 'FR' } })).body;
  const org2 = (await root.post('/api/v1/organisations', { body: { name: 'Almaty Police', kind: 'police', country: 'KZ' } })).body;
  api = client(srv.base, { token: cliUser(srv, { email: 'a@example.org', role: 'analyst', org: org.id }).token });
  other = client(srv.base, { token: cliUser(srv, { email: 'b@example.org', role: 'analyst', org: org2.id }).token });
  const r = await api.post('/api/v1/alerts', { body: {
    title: 'Nitazene tablets', category: 'new_substance', distribution: 'federation', tlp: 'green',
    summary: 'Counterfeit tablets.', status: 'published', tags: ['tablets'],
    location: { lat: 45.76, lon: 4.84, place_name: 'Lyon', precision_m: 500 }, observed_from: '2026-10-01T00:00:00Z',
  } });
  assert.equal(r.status, 201, r.text);
  alert = r.body;
  const s = await other.post(`/api/v1/alerts/${alert.id}/sightings`, { body: { type: 'seen', observed_at: '2026-10-03T00:00:00Z' } });
  assert.equal(s.status, 201, s.text);
});
after(async () => { await srv?.stop(); });

test('format=misp answers MISP events as its REST search does', async () => {
  const r = await api.get('/api/v1/alerts/export?format=misp');
  assert.equal(r.status, 200, r.text);
  const ev = r.body.response.find((x) => x.Event.uuid === alert.id).Event;
  for (const k of ['uuid', 'info', 'date', 'timestamp', 'published', 'analysis', 'threat_level_id', 'distribution', 'Orgc', 'Tag', 'Attribute', 'Object', 'Sighting'])
    assert.ok(k in ev, k);
  assert.equal(ev.info, 'Nitazene tablets');
  assert.equal(ev.distribution, '3');
  assert.equal(ev.date, '2026-10-01');
  assert.match(ev.timestamp, /^\d+$/);
  assert.deepEqual(ev.Orgc, { uuid: org.id, name: 'Lyon Police' });
  assert.ok(ev.Tag.some((t) => t.name === 'tlp:green'));
  const geo = ev.Object.find((o) => o.name === 'geolocation');
  assert.deepEqual(geo.Attribute.map((a) => [a.object_relation, Number(a.value)]), [['latitude', 45.76], ['longitude', 4.84]]);
  assert.equal(ev.Sighting.length, 1);
  assert.equal(ev.Sighting[0].type, '0');
});

test('format=stix answers a STIX 2.1 bundle with report, identity, location, sightings and TLP markings', async () => {
  const r = await api.get('/api/v1/alerts/export?format=stix');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.type, 'bundle');
  assert.match(r.body.id, /^bundle--[0-9a-f-]{36}$/);
  const objs = r.body.objects;
  const byId = new Map(objs.map((o) => [o.id, o]));
  assert.equal(byId.size, objs.length, 'ids are unique');
  for (const o of objs) {
    assert.equal(o.spec_version, '2.1');
    assert.match(o.id, new RegExp(`^${o.type}--[0-9a-f-]{36}$`));
    if (o.type !== 'marking-definition') assert.ok(o.created && o.modified, o.id);
  }
  const rep = byId.get(`report--${alert.id}`);
  assert.equal(rep.name, 'Nitazene tablets');
  assert.ok(rep.object_refs.length >= 2 && rep.object_refs.every((x) => byId.has(x)));
  assert.equal(byId.get(rep.created_by_ref).name, 'Lyon Police');
  const mark = byId.get(rep.object_marking_refs[0]);
  assert.equal(mark.definition.tlp, 'green');
  const loc = objs.find((o) => o.type === 'location');
  assert.equal(loc.latitude, 45.76);
  const s = objs.find((o) => o.type === 'sighting');
  assert.equal(s.sighting_of_ref, rep.id);
  assertProblem(assert, await api.get('/api/v1/alerts/export?format=xml'), 400, 'format');
});

test('MISP events import only as the caller\'s own records', async () => {
  const misp = (await api.get('/api/v1/alerts/export?format=misp')).body;
  // another organisation's events are refused, whole
  const theirs = await other.post('/api/v1/alerts/import', { body: misp });
  assertProblem(assert, theirs, 400);
  // the owner's own come back as changes of its records (If-Match: version)
  const ev = structuredClone(misp.response[0]);
  ev.Event.uuid = '01900000-0000-7000-8000-00000000abcd';
  ev.Event.info = 'Imported from MISP';
  const mine = await api.post('/api/v1/alerts/import', { body: ev });
  assert.equal(mine.status, 200, mine.text);
  const got = await api.get(`/api/v1/alerts/${ev.Event.uuid}`);
  assert.equal(got.body.title, 'Imported from MISP');
  assert.equal(got.body.distribution, 'federation');
  assert.equal(got.body.org_id, org.id);
  assertProblem(assert, await api.post('/api/v1/alerts/import', { body: { Event: { uuid: 'x' } } }), 400, 'response[0].Event');
});

test('the drug form travels as a drug-form machine tag in MISP, a label in STIX, and comes back on import elsewhere', async () => {
  const made = await api.post('/api/v1/alerts', { body: {
    title: 'Crystal methamphetamine', category: 'street_distribution', distribution: 'network', tlp: 'amber',
    status: 'published', drug_form: 'crystal-rock',
  } });
  assert.equal(made.status, 201, made.text);
  const misp = (await api.get('/api/v1/alerts/export?format=misp&drug_form=crystal-rock')).body;
  assert.equal(misp.response.length, 1);
  const ev = misp.response[0].Event;
  assert.deepEqual(ev.Tag.map((t) => t.name).filter((n) => /^(tlp|drug-form):/.test(n)), ['tlp:amber', 'drug-form:form="crystal-rock"']);
  const stix = (await api.get('/api/v1/alerts/export?format=stix&drug_form=crystal-rock')).body;
  const rep = stix.objects.find((o) => o.id === `report--${made.body.id}`);
  assert.deepEqual(rep.labels, ['street_distribution', 'drug-form:form="crystal-rock"']);
  // another organisation's instance: the same event, adopted as its own
  const b = await startServer();
  try {
    const root = client(b.base, { token: cliUser(b, { email: 'root@example.org' }).token });
    const borg = (await root.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } })).body;
    const bapi = client(b.base, { token: cliUser(b, { email: 'c@example.org', role: 'analyst', org: borg.id }).token });
    ev.Orgc = { uuid: borg.id, name: 'Vienna Police' };
    const imp = await bapi.post('/api/v1/alerts/import', { body: misp });
    assert.equal(imp.status, 200, imp.text);
    assert.equal((await bapi.get(`/api/v1/alerts/${ev.uuid}`)).body.drug_form, 'crystal-rock');
    // a value outside the taxonomy names the field; two forms are refused, not dropped
    const odd = structuredClone(misp);
    odd.response[0].Event.uuid = '01900000-0000-7000-8000-00000000beef';
    odd.response[0].Event.Tag.push({ name: 'drug-form:form="resin"' });
    assertProblem(assert, await bapi.post('/api/v1/alerts/import', { body: odd }), 400, 'response[0].Event');
    odd.response[0].Event.Tag = [{ name: 'tlp:amber' }, { name: 'drug-form:form="resin"' }];
    assertProblem(assert, await bapi.post('/api/v1/alerts/import', { body: odd }), 400, 'items[0].drug_form');
  } finally {
    await b.stop();
  }
});
