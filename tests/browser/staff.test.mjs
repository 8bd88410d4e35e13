// Browser test of the staff pages: Debian's Chromium driven by playwright-core against its own
// `disan demo` on a free loopback port. A contributor's submission (sent through the API), then
// a reviewer signs in through the form, opens the dashboard and the submission, and approves
// it; axe-core finds no serious or critical violation on each page. Screenshots go to
// build/test-artifacts/staff-*.png. Run by ctest with the portal's browser tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  addUser as addUserTo, api as apiAt, artifacts, checkAxe as axeCheck, noChromium, password, signIn as signInAt, startDemoAndBrowser, stopDemoAndBrowser,
} from './support.mjs';

let server, base, work, context;

const addUser = (login, role) => addUserTo(work, login, role);
const api = (method, path, body, token) => apiAt(base, method, path, body, token);
const checkAxe = (page, name) => axeCheck(page, 'staff-' + name);
const signIn = (page, login, next) => signInAt(page, base, login, next);

before(async () => {
  if (noChromium) return;
  ({ server, base, work, context } = await startDemoAndBrowser('staff'));
});

after(() => stopDemoAndBrowser({ server, work, context }));

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
