// The IIIF viewers of issue #4: a demo item's manifest opened in Mirador 4 and in the Universal
// Viewer 4 (npm packages, served as their authors ship them by a small static server on another
// loopback origin, so that the manifest, info.json and images are fetched across origins as
// from any viewer on the web). Each must show the item's Vietnamese label and draw its image
// from Disan's Image API, with no script error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { artifacts, bin, noChromium, root, startDemoAndBrowser, stopDemoAndBrowser } from './support.mjs';

// The viewers are development packages (package.json): without them there is nothing to open.
const noViewers = noChromium || (existsSync(join(root, 'node_modules/mirador/dist/mirador.min.js')) &&
  existsSync(join(root, 'node_modules/universalviewer/dist/uv.html')) ? false
  : 'SKIPPED: the viewers are not installed (npm ci installs them)');
if (noViewers) console.log(noViewers);

let server, base, work, context, viewers, viewersBase, pid, mediaId, labels;

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.map': 'application/json' };

// Mirador ships a bundle, not a page: this is the smallest page its README describes.
const miradorPage = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Mirador</title></head>
<body style="margin:0"><div id="viewer" style="position:absolute;inset:0"></div>
<script src="/mirador/mirador.min.js"></script>
<script>Mirador.viewer({ id: 'viewer', windows: [{ manifestId: new URLSearchParams(location.search).get('manifest') }] });</script>
</body></html>`;

// /mirador/* and /uv/* from the packages' dist folders, and the Mirador page.
function startViewers() {
  const roots = { mirador: join(root, 'node_modules/mirador/dist'), uv: join(root, 'node_modules/universalviewer/dist') };
  const http = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/mirador.html') {
      res.writeHead(200, { 'Content-Type': types['.html'] });
      return res.end(miradorPage);
    }
    const [, top, ...rest] = path.split('/');
    const file = roots[top] && normalize(join(roots[top], ...rest));
    if (!file || !file.startsWith(roots[top] + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(http)));
}

before(async () => {
  if (noViewers) return;
  viewers = await startViewers();
  viewersBase = `http://127.0.0.1:${viewers.address().port}`;
  ({ server, base, work, context } = await startDemoAndBrowser('viewers', {}, [viewersBase]));
  // The prison of Đắk Mil, given an image (a real PNG, a screenshot of the home page) through
  // the real CLI; the server derives its pyramid in the background.
  const found = await (await fetch(base + '/api/v1/search?q=' + encodeURIComponent('nhà ngục đắk mil') + '&limit=1',
    { headers: { Accept: 'application/json' } })).json();
  pid = found.items[0].pid;
  const page = await context.newPage();
  await page.setViewportSize({ width: 1200, height: 800 });
  await page.goto(base + '/');
  const png = join(work, 'image.png');
  writeFileSync(png, await page.screenshot());
  await page.close();
  const added = execFileSync(bin, ['media', 'add', '--data', join(work, 'data'), pid, png, '--caption-vi', 'Ảnh thử'], { encoding: 'utf8' });
  mediaId = added.split('\t')[0].trim();
  let status = 0;
  for (let i = 0; i < 240 && status !== 200; ++i) {
    status = (await fetch(`${base}/iiif/3/${mediaId}/info.json`)).status;
    if (status !== 200) await new Promise((done) => setTimeout(done, 250));
  }
  assert.equal(status, 200, `/iiif/3/${mediaId}/info.json never answered 200 (last ${status})`);
  // The manifest's label, in either language: a viewer shows the one its own language picks.
  const manifest = await (await fetch(`${base}/iiif/3/manifests/${pid}`)).json();
  labels = [...(manifest.label.vi || []), ...(manifest.label.en || [])];
  assert.ok(labels.length > 0);
});

after(async () => {
  await stopDemoAndBrowser({ server, work, context });
  if (viewers) viewers.close();
});

// Opens `url`, then waits for the manifest, the image's info.json (fetched by script across
// origins, so it needs CORS) and a tile of the image (a region, not the whole image) from
// Disan's Image API, and for one of the manifest's labels on the page; a screenshot goes to
// build/test-artifacts/NAME.png. No script error, no failed request to Disan, and no console
// error about Disan's answers (a CORS refusal is only a console error).
async function open(name, url) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && (m.text().includes(base) || /CORS|Access-Control/i.test(m.text()))) errors.push(m.text());
  });
  page.on('requestfailed', (r) => { if (r.url().startsWith(base)) errors.push(`${r.url()}: ${r.failure()?.errorText}`); });
  const images = [];
  const image = `${base}/iiif/3/${mediaId}/`;
  const isImage = (u) => u.startsWith(image) && /\/default\.(jpg|png|webp)$/.test(u);
  page.on('response', (r) => { if (isImage(r.url())) images.push(r.status()); });
  const manifest = page.waitForResponse((r) => r.url() === `${base}/iiif/3/manifests/${pid}`, { timeout: 30000 });
  const info = page.waitForResponse((r) => r.url() === `${image}info.json`, { timeout: 30000 });
  const tile = page.waitForResponse((r) => isImage(r.url()) && !r.url().startsWith(`${image}full/`), { timeout: 30000 });
  await page.goto(url);
  assert.equal((await manifest).status(), 200, `${name}: the manifest`);
  const infoResponse = await info;
  assert.equal(infoResponse.status(), 200, `${name}: info.json`);
  assert.equal(infoResponse.headers()['access-control-allow-origin'], '*', `${name}: info.json across origins`);
  assert.equal((await tile).status(), 200, `${name}: a tile from the Image API`);
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(artifacts, `viewer-${name}.png`) });
  const text = await page.evaluate(() => document.body.innerText);
  assert.ok(labels.some((l) => text.includes(l)), `${name} shows none of ${JSON.stringify(labels)}`);
  assert.deepEqual(images.filter((s) => s !== 200), [], `${name}: every image request answered`);
  assert.deepEqual(errors, [], `${name}: errors`);
  await page.close();
}

test('the manifest opens in Mirador', { skip: noViewers }, async () => {
  await open('mirador', `${viewersBase}/mirador.html?manifest=${encodeURIComponent(`${base}/iiif/3/manifests/${pid}`)}`);
});

test('the manifest opens in the Universal Viewer', { skip: noViewers }, async () => {
  await open('uv', `${viewersBase}/uv/uv.html#?manifest=${encodeURIComponent(`${base}/iiif/3/manifests/${pid}`)}`);
});
