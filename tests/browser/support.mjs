// What the browser tests share: where things are, a `disan demo` on a free loopback port with a
// headless Chromium (Debian's, through playwright-core) that may reach nothing but it, and the
// checks every page gets. Not a test itself (node --test runs *.test.mjs only).
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = process.env.DISAN_BIN || join(root, 'build/disan');
export const artifacts = process.env.DISAN_ARTIFACTS || join(root, 'build/test-artifacts');
export const chromiumPath = process.env.DISAN_CHROMIUM || '/usr/bin/chromium';
export const noChromium = existsSync(chromiumPath) ? false
  : `SKIPPED: chromium is not installed at ${chromiumPath} (scripts/install-deps.sh installs it)`;
// The password of the accounts the tests add with addUser.
export const password = 'mật khẩu thử nghiệm 2026';

// `disan demo` on a free port: { child, url } once it says where it listens.
export async function startDemo(dataDir) {
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

// A demo in a new temporary directory and a browser context pointed at it, which fails any
// request that would leave the machine (every asset is ours). `options` add to the context's;
// `alsoAllowed` names other loopback origins the pages may reach (the viewers' own server).
export async function startDemoAndBrowser(name, options = {}, alsoAllowed = []) {
  const { chromium } = await import('playwright-core');
  const work = mkdtempSync(join(tmpdir(), `disan-${name}-browser-`));
  const { child: server, url: base } = await startDemo(join(work, 'data'));
  mkdirSync(artifacts, { recursive: true });
  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    locale: 'vi-VN',  // Accept-Language: the portal's default language, as most visitors have it
    bypassCSP: true,  // axe-core is injected as a script; the pages themselves allow only 'self'
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...options,
  });
  const allowed = [base, 'data:', 'blob:', ...alsoAllowed];
  await context.route((url) => !allowed.some((prefix) => url.href.startsWith(prefix)),
    (route) => { throw new Error('request outside the server: ' + route.request().url()); });
  return { server, base, work, context };
}

export async function stopDemoAndBrowser({ server, work, context }) {
  if (context) await context.close();
  if (server) server.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
}

// An account added through the real CLI, with `password`.
export function addUser(work, login, role) {
  execFileSync(bin, ['user', 'add', '--data', join(work, 'data'), login, '--role', role], { input: password + '\n' });
}

export async function api(base, method, path, body, token) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const resp = await fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: resp.status, body: await resp.json() };
}

// A screenshot (build/test-artifacts/NAME.png), then axe-core: no serious or critical violation.
export async function checkAxe(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  await page.addScriptTag({ path: join(root, 'node_modules/axe-core/axe.min.js') });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`), [], `${name} page`);
}

// Signs in through the form as `login`, ending the session of an earlier test first; lands on `next`.
export async function signIn(page, base, login, next) {
  await page.goto(base + '/dang-nhap?next=' + encodeURIComponent(next));
  if (await page.locator('#login').count() === 0) {
    await Promise.all([page.waitForURL(/signed_out=1/), page.click('form[action="/dang-xuat"] button')]);
    await page.goto(base + '/dang-nhap?next=' + encodeURIComponent(next));
  }
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => u.pathname === next), page.click('form.staff-form button[type=submit]')]);
}
