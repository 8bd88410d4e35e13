// Browser test of the self-service pages (issue #6): Debian's Chromium driven by playwright-core
// against its own `disan demo` on a free loopback port. Someone not signed in asks to use an item
// commercially from its page, a curator grants the request on the staff page; a contributor
// registers, lands on "my account" and downloads their data. axe-core finds no serious or
// critical violation on each page. Screenshots go to build/test-artifacts/account-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  addUser as addUserTo, api as apiAt, checkAxe as axeCheck, noChromium, password, signIn as signInAt, startDemoAndBrowser, stopDemoAndBrowser,
} from './support.mjs';

let server, base, work, context;

const addUser = (login, role) => addUserTo(work, login, role);
const api = (method, path, body, token) => apiAt(base, method, path, body, token);
const checkAxe = (page, name) => axeCheck(page, 'account-' + name);
const signIn = (page, login, next) => signInAt(page, base, login, next);

before(async () => {
  if (noChromium) return;
  ({ server, base, work, context } = await startDemoAndBrowser('account', { acceptDownloads: true }));
});

after(() => stopDemoAndBrowser({ server, work, context }));

function watch(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push('a dialog opened: ' + d.message()); d.dismiss(); });
  return errors;
}

test('someone not signed in asks to use an item commercially; a curator grants it', { skip: noChromium }, async () => {
  addUser('chuyenvien.lan', 'curator');
  const login = await api('POST', '/api/v1/auth/login', { login: 'chuyenvien.lan', password });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const record = {
    kind: 'relic', relic_type: 'historical', status: 'published', licence: 'rs_inc',
    names: [{ lang: 'vi', value: 'Ngục Đắk Mil (ảnh bản quyền)', preferred: true }],
    places: [{ commune_old: 'Đắk Lao', district_old: 'Đắk Mil', province_old: 'Đắk Nông' }],
  };
  const made = await api('POST', '/api/v1/items', record, login.body.token);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const pid = made.body.pid;

  await context.clearCookies();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = watch(page);
  await page.goto(base + '/di-san/' + pid);
  await Promise.all([page.waitForURL((u) => u.pathname === '/xin-phep-su-dung/' + pid),
                     page.click('a.use-request-link')]);
  await checkAxe(page, 'use-request');
  await page.fill('#use-name', 'Trần Thị Hoa');
  await page.fill('#use-organisation', 'Công ty Du lịch Đắk Nông');
  await page.fill('#use-email', 'khong-phai-thu');
  await page.fill('#use-purpose', 'In ảnh lên bưu thiếp <b>bán</b> cho du khách');
  await Promise.all([page.waitForLoadState('load'), page.click('form.staff-form button[type=submit]')]);
  assert.match(await page.locator('#use-email-error').innerText(), /thư điện tử/);
  assert.equal(await page.inputValue('#use-name'), 'Trần Thị Hoa', 'typed values kept');
  await checkAxe(page, 'use-request-invalid');
  await page.fill('#use-email', 'hoa@example.vn');
  await Promise.all([page.waitForLoadState('load'), page.click('form.staff-form button[type=submit]')]);
  const done = await page.locator('#use-done').innerText();
  const number = done.match(/#(\d+)/)[1];
  assert.match(await page.locator('[role=status]').innerText(), new RegExp('Đã nhận đề nghị số ' + number));
  await checkAxe(page, 'use-request-done');

  await signIn(page, 'chuyenvien.lan', '/quan-tri');
  await Promise.all([page.waitForURL(/\/quan-tri\/de-nghi-su-dung\?state=open$/), page.click('#usage-open')]);
  assert.match(await page.locator(`#usage-${number}`).innerText(), /Ngục Đắk Mil/);
  await checkAxe(page, 'usage');
  await page.check(`#grant-${number}`);
  await page.fill(`#answer-${number}`, 'Đồng ý, xin ghi nguồn Bảo tàng tỉnh.');
  await Promise.all([page.waitForLoadState('load'), page.click(`form[action="/quan-tri/de-nghi-su-dung/${number}?state=open"] button`)]);
  assert.match(await page.locator('[role=status]').innerText(), new RegExp('Đã chấp thuận đề nghị số ' + number));
  await checkAxe(page, 'usage-granted');
  assert.deepEqual(errors, []);
  await page.close();
  const list = await api('GET', '/api/v1/usage-requests?state=granted', null, login.body.token);
  assert.equal(list.body.requests.length, 1);
  assert.equal(list.body.requests[0].answered_by, 'chuyenvien.lan');
  assert.equal(list.body.requests[0].purpose, 'In ảnh lên bưu thiếp <b>bán</b> cho du khách');
});

test('a contributor registers, lands on my account and downloads their data', { skip: noChromium }, async () => {
  await context.clearCookies();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = watch(page);
  await page.goto(base + '/dang-nhap');
  await Promise.all([page.waitForURL((u) => u.pathname === '/dang-ky'), page.click('a[href="/dang-ky"]')]);
  await checkAxe(page, 'register');
  await page.fill('#reg-login', 'hoa.tran');
  await page.fill('#reg-name', 'Trần Thị Hoa');
  await page.fill('#reg-email', 'hoa@example.vn');
  await page.fill('#reg-password', password);
  await page.fill('#reg-confirm', password);
  await Promise.all([page.waitForURL(/\/quan-tri\/tai-khoan\?welcome=1$/), page.click('form.staff-form button[type=submit]')]);
  assert.match(await page.locator('[role=status]').innerText(), /Chào mừng/);
  await checkAxe(page, 'account');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-data')]);
  assert.equal(download.suggestedFilename(), 'disan-account.json');
  const data = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(data.profile.login, 'hoa.tran');
  assert.equal(data.profile.email, 'hoa@example.vn');
  assert.deepEqual(errors, []);
  await page.close();
});
