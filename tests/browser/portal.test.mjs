// Browser tests of the public portal: Debian's Chromium driven by playwright-core against
// `disan demo` on a free loopback port, with the real demo data. Run by ctest
// (tests/CMakeLists.txt) or by hand: node --test tests/browser/
// Screenshots (desktop 1280 px, phone 360 px) go to build/test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, bin, noChromium, root, startDemoAndBrowser, stopDemoAndBrowser } from './support.mjs';

if (noChromium) console.log(noChromium);

let server, base, work, context;

async function getJson(path) {
  const resp = await fetch(base + path, { headers: { Accept: 'application/json' } });
  return { status: resp.status, body: resp.ok ? await resp.json() : null };
}

async function newPage(width = 1280, height = 900) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

async function prisonPath() {
  const found = await getJson('/api/v1/search?q=' + encodeURIComponent('nhà ngục đắk mil') + '&limit=1');
  const pid = found.body.items[0].pid;
  const resp = await fetch(base + '/di-san/' + pid, { redirect: 'manual', headers: { Accept: 'text/html' } });
  return resp.headers.get('location');
}

before(async () => {
  if (noChromium) return;
  ({ server, base, work, context } = await startDemoAndBrowser('portal'));
});

after(() => stopDemoAndBrowser({ server, work, context }));

test('typing "nha nguc dak mil" reaches the item', { skip: noChromium }, async () => {
  const page = await newPage();
  await page.goto(base + '/');
  await page.locator('#q').pressSequentially('nha nguc dak mil', { delay: 30 });
  const option = page.getByRole('option', { name: /Nhà ngục Đắk Mil/ });
  await option.first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/di-san\/nha-nguc-dak-mil-dn-/);
  assert.match(await page.locator('h1').innerText(), /Nhà ngục Đắk Mil/);
  // Without the autocomplete: the form, then the first result.
  await page.goto(base + '/');
  await page.fill('#q', 'nha nguc dak mil');
  await Promise.all([page.waitForURL(/\/tim-kiem\?q=nha/), page.locator('.search-form button[type=submit]').first().click()]);
  await page.locator('.results-list .card-title a').first().click();
  await page.waitForURL(/\/di-san\/nha-nguc-dak-mil-dn-/);
  await page.close();
});

test('clicking a facet shows as many results as it counted', { skip: noChromium }, async () => {
  const page = await newPage();
  await page.goto(base + '/tim-kiem');
  const facet = page.locator('fieldset[data-facet="kind"] li').filter({ hasText: 'Di sản văn hóa phi vật thể' });
  const counted = Number(await facet.locator('.count').innerText());
  assert.ok(counted > 0);
  await Promise.all([page.waitForURL(/kind=intangible/), facet.locator('a').click()]);
  assert.equal(Number(await page.locator('[data-total]').innerText()), counted);
  assert.equal(await page.locator('.results-list .card').count(), Math.min(counted, 20));
  assert.ok(await page.locator('fieldset[data-facet="kind"] input:checked').count() === 1);
  // The checkbox takes the filter off again.
  await Promise.all([page.waitForURL((u) => !u.search.includes('kind=')),
    page.locator('fieldset[data-facet="kind"] input:checked').click()]);  // autosubmits
  assert.ok(Number(await page.locator('[data-total]').innerText()) > counted);
  await page.close();
});

test('switching to English and back', { skip: noChromium }, async () => {
  const page = await newPage();
  await page.goto(base + '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await Promise.all([page.waitForURL(/lang=en/), page.click('[data-lang-switch]')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.locator('h1').innerText(), /Cultural heritage/);
  await page.goto(base + '/tim-kiem');  // the choice is remembered
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await Promise.all([page.waitForURL(/lang=vi/), page.click('[data-lang-switch]')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  assert.match(await page.locator('h1').innerText(), /Tìm kiếm/);
  await page.close();
});

test('keyboard only: search and open a result', { skip: noChromium }, async () => {
  const page = await newPage();
  await page.goto(base + '/tim-kiem');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  let steps = 0;
  while (await page.evaluate(() => document.activeElement.id) !== 'q') {
    await page.keyboard.press('Tab');
    assert.ok(++steps < 20, 'the search box is reachable by Tab');
  }
  // Focus is visible.
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');
  await page.keyboard.type('cong chieng');
  await Promise.all([page.waitForURL(/q=cong/), page.keyboard.press('Enter')]);
  steps = 0;
  while (!(await page.evaluate(() => Boolean(document.activeElement.closest('.card-title'))))) {
    await page.keyboard.press('Tab');
    assert.ok(++steps < 200, 'a result link is reachable by Tab');
  }
  await Promise.all([page.waitForURL(/\/di-san\//), page.keyboard.press('Enter')]);
  assert.match(await page.locator('h1').innerText(), /Cồng chiêng/i);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('axe-core: no serious or critical violations; screenshots', { skip: noChromium }, async () => {
  const axePath = join(root, 'node_modules/axe-core/axe.min.js');
  const pages = { home: '/', search: '/tim-kiem?q=dak%20mil', item: await prisonPath(), catalogue: '/tong-danh-muc' };
  for (const [name, path] of Object.entries(pages)) {
    for (const width of [1280, 360]) {
      const page = await newPage(width, width === 360 ? 740 : 900);
      await page.goto(base + path);
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(artifacts, `portal-${name}-${width}.png`), fullPage: true });
      if (width === 1280) {
        await page.addScriptTag({ path: axePath });
        const result = await page.evaluate(() => window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`), [], `${name} page`);
      } else {
        // Phone width: nothing wider than the screen.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${name} page is ${overflow}px wider than a 360px screen`);
      }
      await page.close();
    }
  }
});

test('deep zoom tiles load for an item with an image', { skip: noChromium }, async () => {
  // Give the prison an image (a screenshot: a real PNG) through the real CLI.
  const page = await newPage(800, 600);
  await page.goto(base + '/');
  const png = join(work, 'image.png');
  writeFileSync(png, await page.screenshot());
  const path = await prisonPath();
  const pid = path.match(/(dn-[0-9a-z]+)$/)[1];
  const added = execFileSync(bin, ['media', 'add', '--data', join(work, 'data'), pid, png, '--caption-vi', 'Ảnh thử'], { encoding: 'utf8' });
  const mediaId = added.split('\t')[0].trim();
  // The server derives the pyramid in the background: info.json answers 503 until it is there.
  let status = 0;
  for (let i = 0; i < 240 && status !== 200; ++i) {
    status = (await fetch(`${base}/iiif/3/${mediaId}/info.json`)).status;
    if (status !== 200) await new Promise((done) => setTimeout(done, 250));
  }
  assert.equal(status, 200, `/iiif/3/${mediaId}/info.json never answered 200 (last ${status})`);
  const tile = page.waitForResponse((r) => r.url().includes(`/iiif/3/${mediaId}/`) && r.url().endsWith('/default.jpg') && r.status() === 200);
  await page.goto(base + path);
  await page.locator('[data-deepzoom-ready="true"]').waitFor();
  await tile;
  await page.close();
});
