// Progressive enhancement of the portal's pages; every page works without it.
// - search box: autocomplete over /api/v1/suggest (ARIA combobox, keyboard and pointer)
// - search filters and sort apply on change
// - maps (Leaflet, markers over a blank base unless a tile URL is configured)
// - deep zoom (OpenSeadragon over IIIF info.json), when the image service answers
'use strict';

(function () {
  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  function setupAutocomplete(input) {
    const list = document.getElementById('q-suggestions');
    if (!list) return;
    let items = [];
    let active = -1;
    let controller = null;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('aria-expanded', 'false');

    function close() {
      list.hidden = true;
      list.replaceChildren();
      items = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }
    function highlight(index) {
      active = index;
      items.forEach((li, i) => li.setAttribute('aria-selected', i === index ? 'true' : 'false'));
      if (index >= 0) {
        input.setAttribute('aria-activedescendant', items[index].id);
        items[index].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }
    function go(li) {
      window.location.href = '/di-san/' + encodeURIComponent(li.dataset.pid);
    }
    const fetchSuggestions = debounce(async function () {
      const q = input.value.trim();
      if (q.length < 2) return close();
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const resp = await fetch(input.dataset.suggest + '?limit=8&q=' + encodeURIComponent(q), {
          signal: controller.signal, headers: { Accept: 'application/json' } });
        if (!resp.ok) return close();
        const body = await resp.json();
        list.replaceChildren();
        items = (body.suggestions || []).map((s, i) => {
          const li = document.createElement('li');
          li.id = 'q-suggestion-' + i;
          li.setAttribute('role', 'option');
          li.setAttribute('aria-selected', 'false');
          li.dataset.pid = s.pid;
          li.textContent = s.name;  // text, never HTML
          li.addEventListener('mousedown', (e) => { e.preventDefault(); go(li); });
          list.appendChild(li);
          return li;
        });
        active = -1;
        list.hidden = items.length === 0;
        input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
      } catch (e) {
        if (e.name !== 'AbortError') close();
      }
    }, 150);

    input.addEventListener('input', fetchSuggestions);
    input.addEventListener('blur', () => setTimeout(close, 100));
    input.addEventListener('keydown', (e) => {
      if (list.hidden || !items.length) return;
      if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % items.length); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === 'Escape') { e.preventDefault(); close(); }
      else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); go(items[active]); }
    });
  }

  function setupAutosubmit() {
    document.querySelectorAll('[data-autosubmit]').forEach((el) => {
      el.addEventListener('change', () => {
        const form = el.form;
        if (!form) return;
        // A new filter or order starts again from the first page.
        form.querySelectorAll('input[name="cursor"]').forEach((c) => c.remove());
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });
    document.querySelectorAll('[data-apply-filters]').forEach((b) => { b.hidden = true; });
    document.querySelectorAll('[data-print]').forEach((b) => b.addEventListener('click', () => window.print()));
  }

  function setupMap() {
    const el = document.getElementById('map');
    const data = document.getElementById('map-data');
    if (!el || !data || !window.L) return;
    const config = JSON.parse(data.textContent);
    el.replaceChildren();
    const map = L.map(el, { scrollWheelZoom: false, attributionControl: Boolean(config.tiles) });
    if (config.tiles) L.tileLayer(config.tiles, { maxZoom: 18 }).addTo(map);
    const bounds = [];
    for (const p of config.points) {
      const at = [p.lat, p.lon];
      bounds.push(at);
      const shape = p.generalised
        ? L.circle(at, { radius: 11000, color: '#7a2e0e', weight: 2, fillOpacity: 0.15 })
        : L.circleMarker(at, { radius: 8, color: '#ffffff', weight: 2, fillColor: '#7a2e0e', fillOpacity: 1 });
      const box = document.createElement('div');
      const link = document.createElement('a');
      link.href = p.url;
      link.textContent = p.name;
      box.appendChild(link);
      if (p.generalised) {
        const note = document.createElement('p');
        note.textContent = config.generalised_note;
        box.appendChild(note);
      }
      shape.bindPopup(box).addTo(map);
    }
    if (bounds.length === 1) map.setView(bounds[0], 11);
    else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
  }

  async function setupDeepZoom() {
    const viewers = document.querySelectorAll('[data-deepzoom]');
    if (!viewers.length || !window.OpenSeadragon) return;
    for (const el of viewers) {
      try {
        const resp = await fetch(el.dataset.deepzoom, { headers: { Accept: 'application/ld+json, application/json' } });
        if (!resp.ok) continue;  // the image service is not there: the thumbnail stays
        const info = await resp.json();
        el.replaceChildren();
        window.OpenSeadragon({ element: el, prefixUrl: el.dataset.osdPrefix, tileSources: [info],
          showNavigator: true, crossOriginPolicy: false });
        el.dataset.deepzoomReady = 'true';
      } catch (e) {
        // Leave the thumbnail.
      }
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const q = document.getElementById('q');
    if (q && q.dataset.suggest) setupAutocomplete(q);
    setupAutosubmit();
    setupMap();
    setupDeepZoom();
  });
})();
