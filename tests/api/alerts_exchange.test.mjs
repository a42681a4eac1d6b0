// MISP and STIX 2.1: the alerts export as MISP events and as a STIX
// bundle, and the import of MISP events under the hardening rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { startServer, client, assertProblem, cliUser } from './lib.mjs';

// The MISP core format and STIX 2.1 as JSON Schemas written for these tests
// (tests/schemas/): each export is checked against them, and so is a broken
// copy, so that the check is known to refuse.
const ajv = new Ajv({ allErrors: true, strictTypes: false });
const schema = (name) => ajv.compile(JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url))));
const mispEvent = schema('misp-event');
const stixBundle = schema('stix21');
const errors = (v) => JSON.stringify(v.errors?.slice(0, 5));
/* A bundle's refs must name objects it holds: beyond what a schema says. */
function absentRefs(bundle) {
  const ids = new Set(bundle.objects.map((o) => o.id));
  const out = [];
  for (const o of bundle.objects)
    for (const [k, v] of Object.entries(o)) {
      if (k.endsWith('_ref') && !ids.has(v)) out.push(`${o.id}.${k}`);
      if (k.endsWith('_refs')) for (const r of v) if (!ids.has(r)) out.push(`${o.id}.${k}`);
    }
  return out;
}

let srv, api, other, alert, org, org2;
before(async () => {
  srv = await startServer();
  const root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  org = (await root.post('/api/v1/organisations', { body: { name: 'Lyon Police', kind: 'police', country: 'FR' } })).body;
  org2 = (await root.post('/api/v1/organisations', { body: { name: 'Almaty Police', kind: 'police', country: 'KZ' } })).body;
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
  // STIX ids are version 4 UUIDs made from the record's: the report names its alert
  const rep = objs.find((o) => o.type === 'report' && o.external_references[0].external_id === alert.id);
  assert.deepEqual(rep.external_references, [{ source_name: 'trellis', external_id: alert.id }]);
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
  const rep = stix.objects.find((o) => o.type === 'report' && o.external_references[0].external_id === made.body.id);
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

test('every MISP event of a real export is valid against the MISP core format schema, and a broken one is not', async () => {
  const g = await api.post('/api/v1/sharing-groups', { body: { name: 'Lyon and Almaty', members: [org2.id] } });
  assert.equal(g.status, 201, g.text);
  const made = [];
  const dists = ['organisation', 'country', 'network', 'federation', 'sharing_group'];
  const tlps = ['clear', 'green', 'amber', 'amber+strict'];
  for (let i = 0; i < dists.length; i++) {
    const body = { title: `Schema ${dists[i]}`, category: 'other', distribution: dists[i], tlp: tlps[i % tlps.length], status: 'published', summary: i % 2 ? '' : 'Text.' };
    if (dists[i] === 'sharing_group') body.sharing_group_id = g.body.id;
    if (i % 2) body.location = { lat: -33.5 + i, lon: 151.2 - i, place_name: 'Somewhere' };
    const r = await api.post('/api/v1/alerts', { body });
    assert.equal(r.status, 201, r.text);
    made.push(r.body);
  }
  const s = await api.post(`/api/v1/alerts/${made[3].id}/sightings`, { body: { type: 'false_positive', observed_at: '2026-10-04T12:00:00Z' } });
  assert.equal(s.status, 201, s.text);
  const r = await api.get('/api/v1/alerts/export?format=misp');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.response.length >= made.length + 1);
  for (const ev of r.body.response) assert.ok(mispEvent(ev), `${ev.Event.info}: ${errors(mispEvent)}`);
  const byId = new Map(r.body.response.map((x) => [x.Event.uuid, x.Event]));
  assert.deepEqual(made.map((a) => byId.get(a.id).distribution), ['0', '1', '2', '3', '4']);
  const grouped = byId.get(made[4].id);
  assert.equal(grouped.SharingGroup.uuid, g.body.id);
  assert.equal(grouped.SharingGroup.name, 'Lyon and Almaty');
  assert.deepEqual(byId.get(made[3].id).Sighting.map((x) => x.type), ['1']);
  assert.ok(byId.get(alert.id).Object.length === 1 && byId.get(alert.id).Sighting.length === 1);
  // broken copies are refused by the same schema
  const broken = [
    (e) => { e.distribution = '7'; },
    (e) => { delete e.uuid; },
    (e) => { e.timestamp = '2026-10-01T00:00:00Z'; },
    (e) => { e.sharing_group_id = '12'; },
    (e) => { delete e.SharingGroup; e.distribution = '4'; },
    (e) => { e.Object[0].Attribute[0].distribution = '9'; },
    (e) => { e.Sighting[0].type = 'seen'; },
    (e) => { e.Orgc = { name: 'Lyon Police' }; },
  ];
  for (const [i, spoil] of broken.entries()) {
    const copy = structuredClone({ Event: byId.get(alert.id) });
    spoil(copy.Event);
    assert.equal(mispEvent(copy), false, `broken copy ${i} passed`);
  }
});

test('the STIX bundle of a real export is valid against the STIX 2.1 schema, its refs resolve, and a broken one is not', async () => {
  const r = await api.get('/api/v1/alerts/export?format=stix');
  assert.equal(r.status, 200, r.text);
  const bundle = r.body;
  assert.ok(stixBundle(bundle), errors(stixBundle));
  assert.deepEqual(absentRefs(bundle), []);
  const types = new Set(bundle.objects.map((o) => o.type));
  for (const t of ['report', 'identity', 'location', 'sighting', 'marking-definition']) assert.ok(types.has(t), t);
  const marks = bundle.objects.filter((o) => o.type === 'marking-definition').map((o) => o.name).sort();
  assert.deepEqual(marks, ['TLP:AMBER', 'TLP:GREEN', 'TLP:RED', 'TLP:WHITE']);
  const report = (o) => o.type === 'report';
  const broken = [
    (b) => { b.objects.find(report).spec_version = '2.0'; },
    (b) => { delete b.objects.find(report).id; },
    (b) => { b.objects.find(report).object_refs.push('widget--6ba7b810-9dad-41d1-80b4-00c04fd430c8'); },
    (b) => { b.objects.find(report).created = '2026-10-01T00:00:00Z'; },
    (b) => { b.objects.find(report).id = 'report--01900000-0000-7000-8000-000000000001'; },
    (b) => { b.objects.find((o) => o.type === 'sighting').sighting_of_ref = b.objects.find((o) => o.type === 'marking-definition').id; },
    (b) => { b.objects.find((o) => o.type === 'marking-definition').name = 'green'; },
    (b) => { delete b.objects.find((o) => o.type === 'location').longitude; },
  ];
  for (const [i, spoil] of broken.entries()) {
    const copy = structuredClone(bundle);
    spoil(copy);
    assert.equal(stixBundle(copy), false, `broken copy ${i} passed`);
  }
  // a ref to an object the bundle does not hold
  const copy = structuredClone(bundle);
  copy.objects.find(report).object_refs.push('location--6ba7b810-9dad-41d1-80b4-00c04fd430c8');
  assert.deepEqual(absentRefs(copy).length, 1);
});
