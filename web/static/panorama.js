// 360° panoramas on item pages (Photo Sphere Viewer, bundled from npm by web/build-assets.mjs).
import { Viewer } from './photo-sphere-viewer.module.js';

for (const el of document.querySelectorAll('[data-panorama]')) {
  el.replaceChildren();
  new Viewer({ container: el, panorama: el.dataset.panorama, navbar: ['zoom', 'move', 'fullscreen'] });
}
