// Messages for people: every problem+json error carries a stable code per
// field error and speaks the language of Accept-Language (en, fr, ru; q-values
// honoured; English otherwise); GET /api/v1/schema/{form} serves the field
// tables and the messages of their rules for the browser's own checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cliUser, request, assertProblem, solve } from './lib.mjs';

const KEY = 'b2'.repeat(32);
const PASSWORD = 'correct horse battery staple';
let srv, root;
const FR = { 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5' };
const RU = { 'Accept-Language': 'ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7' };

const tip = (over = {}) => ({ category: 'dealing_near_school', description: 'A man sells pills at the school gate after class.', country: 'AT', lat: 48.2082, lon: 16.3738, ...over });

before(async () => {
  srv = await startServer({ env: { TRELLIS_SECRET_KEY: KEY, TRELLIS_TIP_POW_BITS: '4', TRELLIS_TIP_RATE: '1000' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org', password: PASSWORD }).token });
  const org = await root.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } });
  assert.equal(org.status, 201, org.text);
});
after(async () => { await srv?.stop(); });

/** Every field error has a code and a message. */
function assertCoded(res) {
  for (const e of res.body.errors) {
    assert.match(e.code, /^[a-z_]+$/, JSON.stringify(e));
    assert.equal(typeof e.message, 'string');
  }
}

test('sign-in with a wrong password: bad_credentials, in Russian, French or English', async () => {
  const body = { email: 'root@example.org', password: 'wrong password here' };
  const ru = await request(srv.base, 'POST', '/api/v1/auth/login', { body, headers: RU });
  assertProblem(assert, ru, 401);
  assert.equal(ru.body.code, 'bad_credentials');
  assert.equal(ru.body.detail, 'неверный адрес электронной почты или пароль');
  assert.equal(ru.body.title, 'Требуется вход');
  assert.equal(ru.headers.get('content-language'), 'ru');
  assert.match(ru.headers.get('vary') || '', /Accept-Language/i);
  const fr = await request(srv.base, 'POST', '/api/v1/auth/login', { body, headers: FR });
  assert.equal(fr.body.code, 'bad_credentials');
  assert.equal(fr.body.detail, "l'adresse électronique ou le mot de passe est faux");
  const en = await request(srv.base, 'POST', '/api/v1/auth/login', { body });
  assert.equal(en.body.code, 'bad_credentials');
  assert.equal(en.body.detail, 'the email or the password is wrong');
  assert.equal(en.headers.get('content-language'), 'en');
});

test('q-values choose the language; an unknown language is English', async () => {
  const body = { email: 'root@example.org', password: 'wrong password here' };
  const pick = async (al) => (await request(srv.base, 'POST', '/api/v1/auth/login', { body, headers: { 'Accept-Language': al } })).headers.get('content-language');
  assert.equal(await pick('en;q=0.2, fr;q=0.9'), 'fr');
  assert.equal(await pick('de-AT, de;q=0.9, ru;q=0.4, fr;q=0.3'), 'ru');
  assert.equal(await pick('de-AT, de;q=0.9'), 'en');
  assert.equal(await pick('fr;q=0, ru;q=0'), 'en');
  assert.equal(await pick('*'), 'en');
});

test('a tip with a bad category and a too-long description: codes and French words, before any proof-of-work', async () => {
  const r = await request(srv.base, 'POST', '/api/v1/public/tips', { body: tip({ category: 'selling_sweets', description: 'x'.repeat(5001) }), headers: FR });
  assertProblem(assert, r, 400, 'category');
  assertCoded(r);
  const cat = r.body.errors.find((e) => e.field === 'category');
  assert.equal(cat.code, 'not_one_of');
  assert.match(cat.message, /^doit être l'une de ces valeurs : dealing_near_school public_drug_use/);
  const desc = r.body.errors.find((e) => e.field === 'description');
  assert.equal(desc.code, 'too_long');
  assert.equal(desc.message, 'doit compter au plus 5000 caractères');
  assert.equal(r.body.title, 'La requête contient des champs invalides');
  assert.match(r.body.detail, /^category : doit être|^category: doit être|^description: doit/);
  // the same in Russian, and too short
  const ru = await request(srv.base, 'POST', '/api/v1/public/tips', { body: tip({ description: 'short' }), headers: RU });
  assertProblem(assert, ru, 400, 'description');
  assert.deepEqual(ru.body.errors.map((e) => [e.field, e.code, e.message]), [['description', 'too_short', 'должно содержать не менее 10 символов']]);
  // a good tip still goes through, whatever the language
  const ok = await request(srv.base, 'POST', '/api/v1/public/tips', { body: { ...tip(), ...(await solve(srv.base)) }, headers: RU });
  assert.equal(ok.status, 201, ok.text);
});

test('a malformed receipt secret and code: Russian messages with stable codes', async () => {
  const r = await request(srv.base, 'GET', '/api/v1/public/tips/abc', { headers: { ...RU, 'X-Receipt-Secret': 'not-a-secret' } });
  assertProblem(assert, r, 400, 'X-Receipt-Secret');
  assertCoded(r);
  const sec = r.body.errors.find((e) => e.field === 'X-Receipt-Secret');
  assert.equal(sec.code, 'not_a_receipt_secret');
  assert.equal(sec.message, 'не является секретом квитанции');
  const code = r.body.errors.find((e) => e.field === 'code');
  assert.equal(code.code, 'not_a_receipt_code');
  assert.equal(code.message, 'не является кодом квитанции (10 букв и цифр)');
  assert.match(r.body.detail, /\(и другие, см\. errors\)$/);
  const missing = await request(srv.base, 'GET', '/api/v1/public/tips/2222222222', { headers: FR });
  assert.deepEqual(missing.body.errors.map((e) => [e.field, e.code, e.message]),
    [['X-Receipt-Secret', 'required', 'est obligatoire : le secret du reçu']]);
});

test('bad query parameters: not_in_range, unknown_parameter, bad_cursor, in French and Russian', async () => {
  const lim = await root.get('/api/v1/alerts?limit=0', { headers: FR });
  assertProblem(assert, lim, 400, 'limit');
  assert.deepEqual(lim.body.errors.map((e) => [e.code, e.message]), [['not_in_range', 'doit être un nombre entier de 1 à 500']]);
  const unk = await root.get('/api/v1/alerts?colour=red', { headers: RU });
  assertProblem(assert, unk, 400, 'colour');
  assert.deepEqual(unk.body.errors.map((e) => [e.code, e.message]), [['unknown_parameter', 'неизвестный параметр запроса']]);
  const cur = await root.get('/api/v1/alerts?cursor=zzz', { headers: FR });
  assertProblem(assert, cur, 400, 'cursor');
  assert.equal(cur.body.errors[0].code, 'bad_cursor');
  assert.equal(cur.body.errors[0].message, "n'est pas un curseur délivré par ce serveur");
});

test('a record that is not there: not_found in the caller\'s language', async () => {
  const r = await root.get('/api/v1/alerts/0190d1a2-0000-7000-8000-000000000000', { headers: RU });
  assertProblem(assert, r, 404);
  assert.equal(r.body.code, 'not_found');
  assert.equal(r.body.title, 'Не найдено');
  assert.equal(r.body.detail, 'не найдено');
});

test('an organisation without its required fields: required, in French', async () => {
  const r = await root.post('/api/v1/organisations', { body: { name: 'Jeunes de Lyon' }, headers: FR });
  assertProblem(assert, r, 400, 'kind');
  assertCoded(r);
  const kind = r.body.errors.find((e) => e.field === 'kind');
  assert.deepEqual([kind.code, kind.message], ['required', 'est obligatoire']);
});

test('GET /api/v1/schema/{form}: the server\'s field table and its messages in the caller\'s language', async () => {
  const r = await request(srv.base, 'GET', '/api/v1/schema/tip', { headers: RU });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.language, 'ru');
  const byName = Object.fromEntries(r.body.fields.map((f) => [f.name, f]));
  assert.deepEqual(byName.category.values.slice(0, 2), ['dealing_near_school', 'public_drug_use']);
  assert.equal(byName.category.required, true);
  assert.deepEqual([byName.description.min_length, byName.description.max_length], [10, 5000]);
  assert.deepEqual([byName.lat.minimum, byName.lat.maximum, byName.lat.nullable], [-90, 90, true]);
  assert.deepEqual(r.body.messages.too_long, { code: 'too_long', message: 'должно содержать не более {0} символов' });
  assert.deepEqual(r.body.messages.required, { code: 'required', message: 'обязательно' });
  // the browser's check and the server's agree: a rule the schema names is what the server answers
  const bad = await request(srv.base, 'POST', '/api/v1/public/tips', { body: tip({ description: 'short' }), headers: RU });
  assert.equal(bad.body.errors[0].message, r.body.messages.too_short.message.replace('{0}', byName.description.min_length));
  for (const form of ['login', 'tip_message', 'user', 'organisation', 'alert', 'practice', 'proposal', 'activity', 'sharing_group']) {
    const f = await request(srv.base, 'GET', `/api/v1/schema/${form}`);
    assert.equal(f.status, 200, `${form}: ${f.text}`);
    assert.ok(f.body.fields.length > 0);
  }
  // a resource of the resource mechanism serves its PATCH table too
  const practice = await request(srv.base, 'GET', '/api/v1/schema/practice');
  assert.ok(Array.isArray(practice.body.patch_fields) && practice.body.patch_fields.every((x) => !x.required));
  const none = await request(srv.base, 'GET', '/api/v1/schema/nothing', { headers: FR });
  assertProblem(assert, none, 404);
  assert.equal(none.body.code, 'not_found');
  assert.equal(none.body.detail, "ce formulaire n'existe pas");
});
