// Adds the commitments and events demo (issue 19) to a demo database, after
// scripts/demo-content.mjs: two policy documents with a few commitments,
// demo assessments for Austria, France and Kazakhstan, and the 2020
// OSCE-wide conference (/work/shared/seeds) with its five dialogue themes as
// sessions, outcomes and the actions they became. Everything here is
// demonstration data and says so (the event's demo flag, the documents'
// summaries, the narratives).
// Usage: node scripts/demo-commitments.mjs DBURL   (run by scripts/demo-data)
import { spawn, execFileSync } from 'node:child_process';

const db = process.argv[2];
const bin = process.env.TRELLIS_BIN || 'build/trellis';
const domain = 'demo.example.org';
const day = 86400000;
const date = (ms) => new Date(ms).toISOString().slice(0, 10);
const DEMO = 'Demonstration data: statuses and texts are illustrative, not official.';

function token(email) {
  return execFileSync(bin, ['token', 'create', '--email', `${email}@${domain}`, '--name', 'demo', '--expires-days', '1', '--db', db], { encoding: 'utf8' }).trim();
}

async function start() {
  const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', db], { env: { ...process.env, TRELLIS_DETECT_INTERVAL_S: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise((ok, fail) => {
    let buf = '';
    proc.stderr.on('data', (d) => { buf += d; const m = buf.match(/"listening","port":(\d+)/); if (m) ok(Number(m[1])); });
    proc.on('exit', (c) => fail(new Error(`server exited ${c}: ${buf}`)));
  });
  return { proc, base: `http://127.0.0.1:${port}` };
}

function client(base, tok) {
  return async (method, path, body, headers = {}) => {
    const r = await fetch(base + path, { method, headers: { Authorization: `Bearer ${tok}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers }, body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

const { proc, base } = await start();
try {
  const admin = client(base, token('coordinator'));
  const bmi = client(base, token('analyst.bmi'));
  const mildeca = client(base, token('analyst.mildeca'));
  const almaty = client(base, token('orgadmin.almaty'));
  const partner = client(base, token('partner.almaty'));
  const orgs = (await admin('GET', '/api/v1/organisations?limit=500')).items;
  const byKey = (k) => orgs.find((o) => o.key === k)?.id;
  const byPrefix = (p) => orgs.find((o) => o.name.startsWith(p))?.id;
  const share = { distribution: 'network', tlp: 'clear' };

  const cnd = await admin('POST', '/api/v1/documents', { title: '2019 Ministerial Declaration on the world drug problem', issuer: 'Commission on Narcotic Drugs (CND)',
    adopted_on: '2019-03-15', url: 'https://www.unodc.org/unodc/en/commissions/CND/', languages: ['en', 'fr', 'ru'],
    summary: { en: `Follow-up: mid-term review 2024, review 2029. ${DEMO}`, fr: 'Données de démonstration.', ru: 'Демонстрационные данные.' }, ...share });
  const osce = await admin('POST', '/api/v1/documents', { title: 'OSCE Concept for Combating the Threat of Illicit Drugs and the Diversion of Chemical Precursors', issuer: 'OSCE Permanent Council',
    symbol: 'PC.DEC/1048', adopted_on: '2012-07-26', url: 'https://www.osce.org/', languages: ['en', 'fr', 'ru'],
    summary: { en: DEMO, fr: 'Données de démonstration.', ru: 'Демонстрационные данные.' }, ...share });
  const cm = async (doc, paragraph, theme, en, fr, ru, indicators = []) =>
    (await admin('POST', '/api/v1/commitments', { document_id: doc.id, paragraph, theme, text: { en, fr, ru }, indicators, ...share }));
  const prevention = await cm(cnd, 'demo 1', 'prevention', 'Scale up evidence-based prevention for young people in schools, families and communities',
    'Développer la prévention fondée sur des données probantes pour les jeunes', 'Расширять научно обоснованную профилактику среди молодёжи',
    [{ definition: 'Share of secondary schools running an evidence-based programme', unit: 'percent', arq_module: 'ARQ Part II: drug demand reduction' }]);
  const treatment = await cm(cnd, 'demo 2', 'treatment', 'Ensure access to treatment and alternatives to conviction for people who use drugs',
    'Garantir l’accès au traitement et aux alternatives à la condamnation', 'Обеспечивать доступ к лечению и альтернативам осуждению',
    [{ definition: 'People in drug treatment per 100 000 population aged 15-64', unit: 'rate', arq_module: 'ARQ Part II: treatment' }]);
  const policing = await cm(osce, 'demo 3', 'community_policing', 'Strengthen community policing in partnership with young women and men to prevent drug use',
    'Renforcer la police de proximité en partenariat avec les jeunes femmes et hommes', 'Укреплять работу полиции с населением в партнёрстве с молодёжью');
  const precursors = await cm(osce, 'demo 4', 'precursors', 'Prevent the diversion of chemical precursors through co-operation with industry',
    'Prévenir le détournement des précurseurs chimiques', 'Предотвращать утечку химических прекурсоров',
    [{ definition: 'Suspicious precursor orders reported', unit: 'count', arq_module: 'ARQ Part III: supply' }]);
  const sharing = await cm(osce, 'demo 5', 'information_sharing', 'Share drug-related information and good practices across the OSCE area',
    'Partager les informations relatives à la drogue et les bonnes pratiques', 'Обмениваться информацией о наркотиках и передовым опытом');

  const assess = (who, state, c, period, kind, status, narrative) =>
    who('POST', '/api/v1/assessments', { state, commitment_id: c.id, period, kind, status, narrative: `${narrative} (${DEMO})`, ...share });
  await assess(bmi, 'AT', prevention, '2022', 'self', 'limited', 'School programmes in Vienna and Lower Austria');
  await assess(bmi, 'AT', prevention, '2024', 'self', 'substantial', 'Extended to six Länder');
  await assess(bmi, 'AT', policing, '2024', 'self', 'substantial', 'Prevention officers in every district of Vienna');
  await assess(mildeca, 'AT', prevention, '2024', 'independent', 'limited', 'Coverage outside cities is thin');
  await assess(mildeca, 'FR', prevention, '2024', 'self', 'complete', 'National programme in all académies');
  await assess(mildeca, 'FR', precursors, '2024', 'self', 'not_started', 'Industry agreement in preparation');
  const kz = await assess(almaty, 'KZ', policing, '2024', 'self', 'limited', 'Pilot with youth centres in Almaty');
  await assess(bmi, 'KZ', policing, '2024', 'independent', 'no_evidence', 'No report received for the period');
  await partner('POST', `/api/v1/assessments/${kz.id}/comments`, { text: 'Youth centres report good co-operation in two districts. (demonstration data)' });

  // The 2020 OSCE-wide conference (shared/seeds/conference-2020-en.txt)
  const themes = [
    'Enhancing the sharing of drug-related information in the OSCE area and the exchange of good practices and solutions',
    'Strengthening the role of community policing in partnership with young women and men',
    'Coherent approaches to avoid overlaps in activities, and verified practical proposals on future co-operation',
    'Streamlining actions in implementing established policies and measures',
    'Increasing co-operation between the OSCE and UNODC and other international and regional actors',
  ];
  const event = await admin('POST', '/api/v1/events', {
    title: '2020 OSCE-wide Conference on Combating the Threat of Illicit Drugs and the Diversion of Chemical Precursors',
    type: 'conference', series: 'OSCE-wide Conference on Combating the Threat of Illicit Drugs', starts_on: '2020-10-06', ends_on: '2020-10-06',
    timezone: 'Europe/Vienna', place: 'Vienna, Austria and online', online: true, demo: true,
    organisers: [byKey('osce-tntd'), byKey('osce-spmu')].filter(Boolean), participants: [byKey('unodc'), byPrefix('Bundesministerium'), byPrefix('MILDECA')].filter(Boolean),
    sessions: themes.map((title, i) => ({ title, starts_at: `2020-10-06T${String(9 + i).padStart(2, '0')}:30:00Z`,
      contributions: i === 1 ? [{ title: 'Prevention officers in Vienna schools (demonstration)', speakers: [{ name: 'Sabine Huber', org_id: byPrefix('Landespolizeidirektion'), role: 'speaker' }] }] : [] })),
    ...share });
  await admin('POST', `/api/v1/events/${event.id}/minutes`, { text: 'Opening remarks by the Albanian 2020 OSCE Chairmanship (demonstration minutes).' });
  await admin('POST', `/api/v1/events/${event.id}/minutes`, { text: 'Opening remarks by the Albanian 2020 OSCE Chairmanship. Five dialogue sessions followed; see the outcomes (demonstration minutes).' });
  const outcome = (s, text) => admin('POST', '/api/v1/outcomes', { event_id: event.id, session_id: event.sessions[s].id, kind: 'recommendation', text: `${text} (demonstration)`, ...share });
  const o1 = await outcome(0, 'Set up a rapid exchange of drug-related alerts between participating States');
  const o2 = await outcome(1, 'Train community police officers in evidence-based prevention with young people');
  const o3 = await outcome(3, 'Report implementation of the 2019 Ministerial Declaration in one place, per State and period');
  const now = Date.now();
  const action = (o, title, owner, due, extra = {}) => admin('POST', '/api/v1/actions', { outcome_id: o.id, title, owner_org_id: owner, due_on: date(due), ...share, ...extra });
  await action(o1, 'Name a national contact point for drug alerts', byPrefix('Bundesministerium'), now - 30 * day, { commitment_id: sharing.id });
  await action(o1, 'Agree the alert format with UNODC', byKey('osce-spmu'), now + 5 * day, { commitment_id: sharing.id });
  await action(o2, 'Run a train-the-trainer course for prevention officers', byPrefix('Landespolizeidirektion'), now + 60 * day, { commitment_id: policing.id, status: 'in_progress' });
  await action(o3, 'Publish the first State x commitment matrix', byKey('osce-spmu'), now - 90 * day, { commitment_id: prevention.id, status: 'done' });
  void treatment;
  console.log('demo-commitments: 2 documents, 5 commitments, 8 assessments, 1 event with 3 outcomes and 4 actions added');
} finally {
  proc.kill('SIGTERM');
}
