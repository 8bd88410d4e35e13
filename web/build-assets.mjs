// Copies the portal's browser assets into one flat folder that `disan` serves at /static/:
// the viewers and the map from npm (package.json, installed by `npm ci`) and our own files
// from web/static/. Run by the build (src/CMakeLists.txt): node web/build-assets.mjs OUT_DIR.
// Nothing is fetched from the network; a missing package is an error that names it.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] || join(root, 'build', 'static'));
mkdirSync(out, { recursive: true });

// The folder of an installed package, looked up as Node would from `from` (nested first).
function packageDir(name, from = root) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) break;
  }
  console.error(`build-assets: the npm package ${name} is missing; run \`npm ci\` at the repository root`);
  process.exit(1);
}

function copy(from, to) {
  if (!existsSync(from)) {
    console.error(`build-assets: ${from} is missing (did the package change its layout?)`);
    process.exit(1);
  }
  copyFileSync(from, join(out, to));
}

// Leaflet: the map (markers are drawn as circles, so its marker images are not needed).
const leaflet = packageDir('leaflet');
copy(join(leaflet, 'dist/leaflet.js'), 'leaflet.js');
copy(join(leaflet, 'dist/leaflet.css'), 'leaflet.css');

// OpenSeadragon: deep zoom over IIIF. Its button images are named osd-<name>.png (prefixUrl).
const osd = packageDir('openseadragon');
copy(join(osd, 'build/openseadragon/openseadragon.min.js'), 'openseadragon.min.js');
for (const image of readdirSync(join(osd, 'build/openseadragon/images'))) {
  if (image.endsWith('.png')) copy(join(osd, 'build/openseadragon/images', image), `osd-${image}`);
}

// model-viewer: 3D (its dist file carries its own three.js).
const modelViewer = packageDir('@google/model-viewer');
copy(join(modelViewer, 'dist/model-viewer.min.js'), 'model-viewer.min.js');

// Photo Sphere Viewer: 360° panoramas, an ES module importing "three". The bare specifier is
// rewritten to our copy of the three.js build it was installed with (no import map needed,
// so the pages' Content-Security-Policy can forbid inline scripts).
const psv = packageDir('@photo-sphere-viewer/core');
const three = packageDir('three', psv);
copy(join(three, 'build/three.module.min.js'), 'three.module.min.js');
copy(join(three, 'build/three.core.min.js'), 'three.core.min.js');
const psvSource = readFileSync(join(psv, 'index.module.js'), 'utf8').replace(/from "three"/g, 'from "./three.module.min.js"');
if (/^import[^;]*from\s*["'](?!\.\/)/m.test(psvSource)) {
  console.error('build-assets: photo-sphere-viewer imports a module we do not bundle');
  process.exit(1);
}
writeFileSync(join(out, 'photo-sphere-viewer.module.js'), psvSource);
copy(join(psv, 'index.css'), 'photo-sphere-viewer.css');

// Our own scripts and styles.
const own = join(root, 'web/static');
for (const file of readdirSync(own)) copy(join(own, file), file);

console.log(`build-assets: ${readdirSync(out).length} files in ${out}`);
