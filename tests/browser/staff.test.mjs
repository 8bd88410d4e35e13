// Browser test of the staff pages: Debian's Chromium driven by playwright-core against its own
// `disan demo` on a free loopback port. A contributor's submission (sent through the API), then
// a reviewer signs in through the form, opens the dashboard and the submission, and approves
// it; axe-core finds no serious or critical violation on each page. Screenshots go to
// build/test-artifacts/staff-*.png. Run by ctest with the portal's browser tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.DISAN_BIN || join(root, 'build/disan');
const artifacts = process.env.DISAN_ARTIFACTS || join(root, 'build/test-artifacts');
const chromiumPath = process.env.DISAN_CHROMIUM || '/usr/bin/chromium';
const noChromium = existsSync(chromiumPath) ? false
  : `SKIPPED: chromium is not installed at ${chromiumPath} (scripts/install-deps.sh installs it)`;
const password = 'mật khẩu thử nghiệm 2026';

let server, base, work, context;

async function startDemo(dataDir) {
  const child = spawn(bin, ['demo', '--data', dataDir, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('disan demo did not start: ' + stderr)), 60000);
    lines.on('line', (line) => {
      const m = line.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolveUrl(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`disan demo exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}

function addUser(login, role) {
  execFileSync(bin, ['user', 'add', '--data', join(work, 'data'), login, '--role', role], { input: password + '\n' });
}

async function api(method, path, body, token) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const resp = await fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: resp.status, body: await resp.json() };
}

async function checkAxe(page, name) {
  await page.screenshot({ path: join(artifacts, `staff-${name}.png`), fullPage: true });
  await page.addScriptTag({ path: join(root, 'node_modules/axe-core/axe.min.js') });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`), [], `${name} page`);
}

// Signs in through the form as `login`, ending the session of an earlier test first; lands on `next`.
async function signIn(page, login, next) {
  await page.goto(base + '/dang-nhap?next=' + encodeURIComponent(next));
  if (await page.locator('#login').count() === 0) {
    await Promise.all([page.waitForURL(/signed_out=1/), page.click('form[action="/dang-xuat"] button')]);
    await page.goto(base + '/dang-nhap?next=' + encodeURIComponent(next));
  }
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => u.pathname === next), page.click('form.staff-form button[type=submit]')]);
}

before(async () => {
  if (noChromium) return;
  const { chromium } = await import('playwright-core');
  work = mkdtempSync(join(tmpdir(), 'disan-staff-browser-'));
  ({ child: server, url: base } = await startDemo(join(work, 'data')));
  mkdirSync(artifacts, { recursive: true });
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    locale: 'vi-VN',
    bypassCSP: true,  // axe-core is injected as a script; the pages themselves allow only 'self'
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await context.route((url) => !url.href.startsWith(base) && !url.href.startsWith('data:') && !url.href.startsWith('blob:'),
    (route) => { throw new Error('request outside the server: ' + route.request().url()); });
});

after(async () => {
  if (context) await context.close();
  if (server) server.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a reviewer signs in, opens the dashboard and a submission, and approves it', { skip: noChromium }, async () => {
  addUser('ctv.thu', 'contributor');
  addUser('chuyengia', 'reviewer');
  const login = await api('POST', '/api/v1/auth/login', { login: 'ctv.thu', password });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const record = {
    kind: 'relic', relic_type: 'historical',
    names: [{ lang: 'vi', value: 'Đình làng <script>alert(1)</script> thử', preferred: true }],
    places: [{ commune_old: 'Đắk Lao', district_old: 'Đắk Mil', province_old: 'Đắk Nông' }],
  };
  const sent = await api('POST', '/api/v1/submissions',
    { licence: 'cc_by_4_0', rights_holder: 'Nguyễn Văn A', attribution: 'Nguyễn Văn A', record }, login.body.token);
  assert.equal(sent.status, 201, JSON.stringify(sent.body));

  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push('a dialog opened: ' + d.message()); d.dismiss(); });

  // Not signed in: the dashboard sends the browser to the sign-in form.
  await page.goto(base + '/quan-tri');
  assert.match(page.url(), /\/dang-nhap\?next=/);
  await checkAxe(page, 'sign-in');
  await page.fill('#login', 'chuyengia');
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/quan-tri$/), page.click('form.staff-form button[type=submit]')]);
  assert.match(await page.locator('h1').innerText(), /Việc đang chờ tôi/);
  await checkAxe(page, 'dashboard');

  await Promise.all([page.waitForURL(/\/quan-tri\/dong-gop\/\d+$/), page.click(`a[href="/quan-tri/dong-gop/${sent.body.id}"]`)]);
  assert.match(await page.locator('table.staff-diff').innerText(), /\/names/);
  await checkAxe(page, 'review');

  await Promise.all([page.waitForLoadState('load'), page.click('input[value=approve] ~ p button')]);
  assert.match(await page.locator('[role=status]').innerText(), /Đã duyệt bước thẩm định này/);
  await checkAxe(page, 'approved');
  assert.deepEqual(errors, []);
  await page.close();
  const after = await api('POST', '/api/v1/auth/login', { login: 'chuyengia', password });
  const state = await api('GET', `/api/v1/submissions/${sent.body.id}`, null, after.body.token);
  assert.equal(state.body.awaiting_role, 'curator');
});

test('a curator edits a record through the schema form and uploads an image with progress', { skip: noChromium }, async () => {
  addUser('bientap.tinh', 'curator');
  const list = await api('GET', '/api/v1/items?kind=relic&limit=1');
  assert.equal(list.status, 200, JSON.stringify(list.body));
  const pid = list.body.items[0].pid;
  const image = join(work, 'anh <thu> "mot".jpg');
  execFileSync('vips', ['gaussnoise', image, '1600', '1200']);

  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push('a dialog opened: ' + d.message()); d.dismiss(); });
  await signIn(page, 'bientap.tinh', `/quan-tri/ban-ghi/${pid}/sua`);
  await checkAxe(page, 'edit');

  // Lists: the script adds an entry (index after the empty one) and removes one.
  const names = page.locator('fieldset[data-list="/names"]');
  const before = await names.locator(':scope > [data-entry]').count();
  await names.locator(':scope > p > [data-add]').click();
  assert.equal(await names.locator(':scope > [data-entry]').count(), before + 1);
  await names.locator(':scope > [data-entry]').last().locator('[data-remove]').click();
  assert.equal(await names.locator(':scope > [data-entry]').count(), before);

  await page.fill('[id="f-dating-text"]', 'cuối thế kỷ XIX <b>');
  await Promise.all([page.waitForURL(/\?saved=1$/), page.click('form.staff-record-form button[type=submit]')]);
  assert.match(await page.locator('[role=status]').first().innerText(), /Đã lưu bản ghi/);
  assert.equal(await page.inputValue('[id="f-dating-text"]'), 'cuối thế kỷ XIX <b>');
  await checkAxe(page, 'edit-saved');

  // A validation message beside its field, the input kept.
  await page.fill('[id="f-dating-from_year"]', 'năm ấy');
  await Promise.all([page.waitForLoadState('load'), page.click('form.staff-record-form button[type=submit]')]);
  assert.match(await page.locator('#f-dating-from_year-error').innerText(), /phải là số nguyên/);
  assert.equal(await page.inputValue('[id="f-dating-from_year"]'), 'năm ấy');
  await checkAxe(page, 'edit-invalid');

  // Upload with progress, to the media API.
  await page.goto(base + `/quan-tri/ban-ghi/${pid}/sua`);
  await page.setInputFiles('#upload-file', image);
  await page.fill('#upload-caption-vi', 'Ảnh thử <i>nghiệm</i>');
  await page.click('form.staff-upload button[type=submit]');
  await page.locator('[data-upload-status]').filter({ hasText: 'Đã tải lên' }).waitFor({ timeout: 60000 });
  assert.equal(await page.locator('#upload-progress').getAttribute('value'), '100');
  assert.match(await page.locator('[data-upload-percent]').innerText(), /100%/);
  await page.screenshot({ path: join(artifacts, 'staff-upload.png'), fullPage: true });
  await page.reload();
  assert.match(await page.locator('.staff-media').innerText(), /anh <thu> "mot"\.jpg/);
  await checkAxe(page, 'edit-media');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an administrator manages users and units', { skip: noChromium }, async () => {
  addUser('quantri', 'administrator');
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, 'quantri', '/quan-tri/nguoi-dung');
  await checkAxe(page, 'users');
  await page.fill('#new-login', 'nhanvien.moi');
  await page.fill('#new-name', 'Nhân viên <mới>');
  await page.selectOption('#new-role', 'reviewer');
  await Promise.all([page.waitForLoadState('load'), page.click('section[aria-labelledby="new-account-heading"] button[type=submit]')]);
  assert.match(await page.inputValue('#reset-link'), /\/dat-lai-mat-khau\?token=disan_r_/);
  await checkAxe(page, 'user-created');
  await page.goto(base + '/quan-tri/nguoi-dung/nhanvien.moi');
  await checkAxe(page, 'user');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a curator publishes a draft from its record page', { skip: noChromium }, async () => {
  addUser('congbo.tinh', 'curator');
  const login = await api('POST', '/api/v1/auth/login', { login: 'congbo.tinh', password });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const list = await api('GET', '/api/v1/items?kind=artifact&limit=1');
  assert.equal(list.status, 200, JSON.stringify(list.body));
  const pid = list.body.items[0].pid;
  const back = await api('POST', `/api/v1/items/${pid}/transitions`, { to: 'draft', reason: 'cần sửa' }, login.body.token);
  assert.equal(back.status, 200, JSON.stringify(back.body));

  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, 'congbo.tinh', `/quan-tri/ban-ghi/${pid}/sua`);
  assert.equal(await page.locator('[data-record-state]').innerText(), 'bản nháp');
  assert.equal(await page.locator('form.staff-move button[value="withdrawn"]').count(), 0);
  await checkAxe(page, 'lifecycle');
  await page.fill('#move-reason', 'hồ sơ đã đủ <kiểm tra>');
  await Promise.all([page.waitForURL(/\?moved=1$/), page.click('form.staff-move button[value="published"]')]);
  assert.match(await page.locator('[role=status]').first().innerText(), /đã công bố/);
  assert.equal(await page.locator('[data-record-state]').innerText(), 'đã công bố');
  const record = await api('GET', `/api/v1/items/${pid}`);
  assert.equal(record.body.status, 'published');
  const revisions = await api('GET', `/api/v1/items/${pid}/revisions`);
  assert.equal(revisions.body.revisions.at(-1).reason, 'draft → published: hồ sơ đã đủ <kiểm tra>');
  await checkAxe(page, 'lifecycle-moved');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a curator links a record by typing part of its custodian\'s name', { skip: noChromium }, async () => {
  addUser('lienket.tinh', 'curator');
  const items = await api('GET', '/api/v1/items?kind=relic&limit=5');
  assert.equal(items.status, 200, JSON.stringify(items.body));
  const item = items.body.items.at(-1);
  const orgs = await api('GET', '/api/v1/organisations?limit=50');
  assert.equal(orgs.status, 200, JSON.stringify(orgs.body));
  const target = orgs.body.items.find((o) => o.pid !== item.custodian);
  assert.ok(target, 'the demo has two organisations');
  const name = target.names.find((n) => n.preferred)?.value || target.names[0].value;
  const words = name.split(/\s+/);
  const typed = words.length > 1 ? words.slice(0, -1).join(' ') + ' ' + words.at(-1).slice(0, 2)
    : name.slice(0, Math.max(2, name.length - 2));

  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, 'lienket.tinh', `/quan-tri/ban-ghi/${item.pid}/sua`);
  await page.fill('#f-custodian', '');
  await page.locator('#f-custodian').pressSequentially(typed, { delay: 20 });
  const choice = page.locator(`[data-suggestions] button[data-pid="${target.pid}"]`);
  await choice.waitFor({ timeout: 10000 });
  await checkAxe(page, 'record-link-suggestions');
  await choice.click();
  assert.equal(await page.inputValue('#f-custodian'), target.pid);
  await Promise.all([page.waitForURL(/\?saved=1$/), page.click('form.staff-record-form button[type=submit]')]);
  const saved = await api('GET', `/api/v1/items/${item.pid}`);
  assert.equal(saved.body.custodian, target.pid);
  // The linked record's name is shown beside the link.
  assert.equal((await page.locator('#f-custodian ~ [data-ref-name]').innerText()).trim(), name);

  // Without the script's help: an exact name is resolved by the server, an unknown one is
  // refused beside the input in both languages, the input kept.
  await page.fill('#f-custodian', 'Không có đơn vị này <b>');
  await Promise.all([page.waitForLoadState('load'), page.click('form.staff-record-form button[type=submit]')]);
  assert.match(await page.locator('#f-custodian-error').innerText(), /không có tổ chức nào tên/);
  assert.match(await page.locator('#f-custodian-error').innerText(), /no organisation is named/);
  assert.equal(await page.inputValue('#f-custodian'), 'Không có đơn vị này <b>');
  await checkAxe(page, 'record-link-unknown');
  assert.deepEqual(errors, []);
  await page.close();
});
