// Fills a demo database (after scripts/demo-data added organisations and
// users) with content that makes every page meaningful: a sharing group,
// alerts with sightings and comments, a year of tips with an emerging hot
// spot in Vienna, activities with a few true overlaps, practices at every
// stage of review, a proposal, a SARA problem, and early-warning signals.
// Usage: node scripts/demo-content.mjs DBURL   (run by scripts/demo-data)
import { spawn, execFileSync } from 'node:child_process';

const db = process.argv[2];
const bin = process.env.TRELLIS_BIN || 'build/trellis';
const domain = 'demo.example.org';
let seed = 20261123;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const day = 86400000;
const iso = (ms) => new Date(ms).toISOString();

function token(email) {
  return execFileSync(bin, ['token', 'create', '--email', `${email}@${domain}`, '--name', 'demo', '--expires-days', '1', '--db', db], { encoding: 'utf8' }).trim();
}

async function start() {
  const env = { ...process.env, TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0', TRELLIS_TIP_PENDING_MAX: '0', TRELLIS_DETECT_INTERVAL_S: '0' };
  const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', db], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise((ok, fail) => {
    let buf = '';
    proc.stderr.on('data', (d) => { buf += d; const m = buf.match(/"listening","port":(\d+)/); if (m) ok(Number(m[1])); });
    proc.on('exit', (c) => fail(new Error(`server exited ${c}: ${buf}`)));
  });
  return { proc, base: `http://127.0.0.1:${port}` };
}

function client(base, tok) {
  return async (method, path, body) => {
    const r = await fetch(base + path, { method, headers: { Authorization: `Bearer ${tok}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return { body: text ? JSON.parse(text) : null, etag: r.headers.get('etag') };
  };
}

const { proc, base } = await start();
try {
  const admin = client(base, token('coordinator'));
  const wien = client(base, token('officer.wien'));
  const wienAdmin = client(base, token('orgadmin.wien'));
  const bmi = client(base, token('analyst.bmi'));
  const mildeca = client(base, token('analyst.mildeca'));
  const lyon = client(base, token('officer.lyon'));
  const berlin = client(base, token('officer.berlin'));
  const novisad = client(base, token('officer.novisad'));
  const almaty = client(base, token('officer.almaty'));
  const orgs = Object.fromEntries((await admin('GET', '/api/v1/organisations?limit=500')).body.items.map((o) => [o.name, o]));
  const byPrefix = (p) => Object.values(orgs).find((o) => o.name.startsWith(p));
  const subs = Object.fromEntries((await admin('GET', '/api/v1/substances?limit=500')).body.items.map((s) => [s.name, s.id]));

  // reviewers for the practice workflow
  const users = (await admin('GET', '/api/v1/users?limit=500')).body.items;
  for (const email of [`analyst.bmi@${domain}`, `analyst.mildeca@${domain}`, `viewer.unodc@${domain}`]) {
    const u = users.find((x) => x.email === email);
    const cur = await admin('GET', `/api/v1/users/${u.id}`);
    await fetch(`${base}/api/v1/users/${u.id}`, { method: 'PATCH', headers: { Authorization: `Bearer ${token('coordinator')}`, 'Content-Type': 'application/json', 'If-Match': cur.etag }, body: JSON.stringify({ reviewer: true }) });
  }

  // a sharing group: Vienna police, the ministry of interior and Lyon's police
  const group = (await bmi('POST', '/api/v1/sharing-groups', { name: 'Danube–Rhône synthetic opioids working group', description: 'Police and ministries exchanging on nitazenes and fentanyl analogues', members: [byPrefix('Landespolizeidirektion Wien').id, byPrefix('Police nationale').id] })).body;

  // alerts (officers share no further than their country: docs/access.md)
  const now = Date.now();
  const alertSpecs = [
    [bmi, 'Nitazene tablets sold as oxycodone in Vienna', 'new_substance', ['Isotonitazene'], 48.2, 16.37, 'Wien', 'network', 'amber'],
    [bmi, 'Fentanyl analogue found in heroin seized at Schwechat', 'adulterant_or_contamination', ['Fentanyl', 'Heroin'], 48.11, 16.57, 'Schwechat', 'sharing_group', 'amber'],
    [mildeca, 'Héroïne coupée au fentanyl saisie à Lyon', 'adulterant_or_contamination', ['Heroin', 'Fentanyl'], 45.76, 4.84, 'Lyon', 'network', 'green'],
    [lyon, "Vente de 3-MMC aux abords d'un lycée", 'youth_recruitment', ['3-MMC'], 45.75, 4.85, 'Lyon 7e', 'country', 'amber'],
    [berlin, 'Synthetic cannabinoid vapes sold to pupils', 'youth_recruitment', ['MDMB-4en-PINACA'], 52.52, 13.4, 'Berlin-Mitte', 'country', 'green'],
    [berlin, 'Overdose cluster after festival weekend', 'overdose_cluster', ['MDMA', 'Ketamine'], 52.48, 13.43, 'Berlin-Neukölln', 'country', 'amber'],
    [novisad, 'Online sales of pregabalin through Telegram', 'online_sales', ['Pregabalin'], 45.25, 19.84, 'Novi Sad', 'country', 'clear'],
    [almaty, 'Синтетические катиноны через закладки', 'street_distribution', ['alpha-PVP', 'Mephedrone'], 43.24, 76.89, 'Алматы', 'country', 'green'],
    [almaty, 'Вербовка подростков в курьеры', 'youth_recruitment', ['Mephedrone'], 43.25, 76.94, 'Алматы', 'country', 'amber'],
    [wien, 'Stash house suspected near Favoriten school', 'street_distribution', ['Cannabis', 'Cocaine'], 48.17, 16.38, 'Wien-Favoriten', 'organisation', 'red'],
    [mildeca, 'Précurseurs BMK détournés via le port du Havre', 'precursor_diversion', ['BMK'], 49.49, 0.1, 'Le Havre', 'network', 'amber'],
    [bmi, 'Xylazine detected in street heroin samples', 'adulterant_or_contamination', ['Xylazine', 'Heroin'], 47.07, 15.44, 'Graz', 'network', 'amber'],
  ];
  const alerts = [];
  for (const [who, title, category, sub, lat, lon, place, distribution, tlp] of alertSpecs) {
    const from = now - Math.floor(rnd() * 60) * day;
    const body = { title, category, summary: `${title}. Reported by partners and confirmed by laboratory analysis.`, status: 'published', distribution, tlp,
      substances: sub.map((s) => subs[s]).filter(Boolean), location: { lat, lon, place_name: place, precision_m: 500 },
      observed_from: iso(from), observed_to: iso(from + 3 * day), reliability: pick(['A', 'B', 'C']), credibility: 1 + Math.floor(rnd() * 3),
      tags: ['youth', 'demo'], ews: { health_risks: 'Risk of respiratory depression and overdose', measures: 'Warnings to schools, outreach workers and emergency services' } };
    if (distribution === 'sharing_group') body.sharing_group_id = group.id;
    alerts.push((await who('POST', '/api/v1/alerts', body)).body);
  }
  await wien('POST', `/api/v1/alerts/${alerts[0].id}/sightings`, { type: 'seen', place_name: 'Wien-Ottakring', count: 3 });
  await lyon('POST', `/api/v1/alerts/${alerts[0].id}/sightings`, { type: 'seen', place_name: 'Lyon', count: 1 });
  await novisad('POST', `/api/v1/alerts/${alerts[2].id}/sightings`, { type: 'false_positive', place_name: 'Novi Sad' });
  await lyon('POST', `/api/v1/alerts/${alerts[2].id}/comments`, { body: 'Same batch markings seen in Villeurbanne last week.' });
  await wien('POST', `/api/v1/alerts/${alerts[0].id}/comments`, { body: 'School liaison officers informed.', distribution: 'organisation' });

  // a year of tips, with an emerging hot spot in Wien-Favoriten in the last three weeks
  const places = [['AT', 48.21, 16.37], ['AT', 47.07, 15.44], ['DE', 52.52, 13.4], ['FR', 45.76, 4.84], ['RS', 45.25, 19.84], ['KZ', 43.24, 76.89]];
  const cats = ['dealing_near_school', 'public_drug_use', 'discarded_needles', 'suspected_stash_house', 'youth_recruitment', 'online_dealing'];
  const texts = ['Young people are offered pills near the school gate after classes.', 'Needles left in the playground every morning this week.',
    'Cars stop briefly at the same flat late at night, many visitors.', 'An account on a messaging app sells vapes to pupils.',
    'Older men ask teenagers to deliver small parcels for money.', 'People use drugs openly in the park by the station.'];
  const tip = async (country, lat, lon, when, category) => {
    const r = await fetch(`${base}/api/v1/public/tips`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ category, description: pick(texts), country, lat, lon, observed_at: iso(when), language: 'en' }) });
    if (r.status !== 201) throw new Error(`tip: ${r.status} ${await r.text()}`);
  };
  for (let i = 0; i < 220; i++) {
    const [c, la, lo] = pick(places);
    await tip(c, la + (rnd() - 0.5) * 0.3, lo + (rnd() - 0.5) * 0.4, now - Math.floor(rnd() * 360) * day, pick(cats));
  }
  for (let i = 0; i < 45; i++)
    await tip('AT', 48.175 + (rnd() - 0.5) * 0.01, 16.38 + (rnd() - 0.5) * 0.015, now - Math.floor(rnd() * 20) * day, pick(['dealing_near_school', 'youth_recruitment']));

  // activities, three of them overlapping in Vienna
  const act = (who, title, type, lat, lon, country, extra = {}) => who('POST', '/api/v1/activities', { title, type, setting: 'school', area_country: country, lat, lon, radius_km: 3,
    start: iso(now - 60 * day), end: iso(now + 120 * day), status: 'active', age_min: 12, age_max: 17, gender: 'all', distribution: 'network', tlp: 'green',
    planned_female: 200, planned_male: 200, reached_female: 80, reached_male: 95, ...extra });
  await act(wien, 'Police–school liaison in Favoriten', 'police_school_liaison', 48.176, 16.38, 'AT', { distribution: 'country' });
  await act(bmi, 'Life-skills programme, Vienna secondary schools', 'school_prevention', 48.18, 16.37, 'AT', { type: 'police_school_liaison' });
  await act(wienAdmin, 'Outreach at Reumannplatz', 'outreach', 48.174, 16.378, 'AT', { setting: 'community', age_min: 14, age_max: 24 });
  await act(lyon, 'Prévention au collège — Lyon 7e', 'school_prevention', 45.75, 4.84, 'FR', { distribution: 'country' });
  await act(mildeca, 'Unplugged dans les collèges du Rhône', 'school_prevention', 45.76, 4.85, 'FR');
  await act(berlin, 'Festival harm-reduction team', 'outreach', 52.48, 13.43, 'DE', { setting: 'nightlife', age_min: 16, age_max: 30, distribution: 'country' });
  await act(novisad, 'Family skills evenings', 'family_skills', 45.25, 19.84, 'RS', { setting: 'family', distribution: 'country' });
  await act(almaty, 'Спортивные секции для подростков', 'youth_alternative_activities', 43.24, 76.89, 'KZ', { setting: 'community', distribution: 'country' });

  // practices at every stage
  const prac = (who, title, status, extra = {}) => who('POST', '/api/v1/practices', { title, summary: `${title}: a school-based programme with an evaluation.`, origin_country: 'AT', setting: 'school',
    evidence_level: 'likely_beneficial', evaluation_design: 'quasi_experimental', language: 'en', status, ...extra });
  await prac(wien, 'Peer mentors against recruitment', 'draft');
  await prac(wien, 'Safer school routes with parents', 'submitted');
  const inReview = (await prac(bmi, 'Police officers teaching refusal skills', 'submitted')).body;
  const published = (await prac(mildeca, 'Unplugged: social influence curriculum', 'submitted', { origin_country: 'FR', evidence_level: 'beneficial', evaluation_design: 'rct' })).body;
  const rejected = (await prac(berlin, 'Scare tactics assemblies', 'submitted', { origin_country: 'DE', evidence_level: 'possibly_harmful' })).body;
  const reviewer = (email) => client(base, token(email));
  await reviewer('analyst.mildeca')('POST', `/api/v1/practices/${inReview.id}/reviews`, { verdict: 'verify', comments: 'Sound design.' });
  await reviewer('analyst.bmi')('POST', `/api/v1/practices/${published.id}/reviews`, { verdict: 'verify', comments: 'Strong evidence.' });
  await reviewer('viewer.unodc')('POST', `/api/v1/practices/${published.id}/reviews`, { verdict: 'verify', comments: 'Matches international standards.' });
  await reviewer('analyst.bmi')('POST', `/api/v1/practices/${rejected.id}/reviews`, { verdict: 'reject', comments: 'Fear appeals can increase use.' });

  // a proposal and a SARA problem
  const prop = (await bmi('POST', '/api/v1/proposals', { title: 'Joint early warning on nitazenes along the Danube', description: 'Share laboratory results within 48 hours.',
    partners: [byPrefix('Police nationale').id], countries: ['AT', 'FR', 'RS'], distribution: 'network', status: 'open' })).body;
  await mildeca('POST', `/api/v1/proposals/${prop.id}/endorsements`, { comment: 'MILDECA will take part.' });
  await wien('POST', '/api/v1/problems', { title: 'Dealing near schools in Favoriten', phase: 'analysis',
    area: { lat: 48.175, lon: 16.38, radius_m: 1500, place_name: 'Wien-Favoriten' }, distribution: 'country', tlp: 'amber',
    analysis: { offender: 'Small groups of young adults', target: 'Pupils aged 13 to 16', place: 'Routes between the U-Bahn and two schools' },
    response_started_at: iso(now - 14 * day) });
  console.log(`demo-content: ${alerts.length} alerts, 265 tips, 8 activities, 5 practices, 1 proposal added`);
} finally {
  proc.kill('SIGTERM');
}
// detection as it ran over the last weeks, then now: signals new,
// continuing and closed (a run early in the week finds little yet)
for (const ago of [14, 7, 0]) {
  const args = ['detect', '--db', db];
  if (ago) args.push('--at', iso(Date.now() - ago * day));
  execFileSync(bin, args, { stdio: 'inherit' });
}
