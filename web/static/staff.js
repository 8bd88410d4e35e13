// Staff record forms (docs/staff-pages.md): adds and removes list entries, suggests linked
// records by name, and uploads a media file to the media API with a progress bar. Without this script the form still works: every
// list offers one empty entry, and the page says how to upload without a browser script.
(function () {
  'use strict';

  // Lists: "add" copies the template entry with the next free index; "remove" drops an entry.
  function renumber(node, index) {
    for (const el of node.querySelectorAll('[name],[id],[for],[aria-describedby]')) {
      for (const attr of ['name', 'id', 'for', 'aria-describedby']) {
        const v = el.getAttribute(attr);
        if (v && v.includes('__i__')) el.setAttribute(attr, v.split('__i__').join(String(index)));
      }
    }
  }

  function wireRemove(button) {
    button.hidden = false;
    button.addEventListener('click', () => {
      const entry = button.closest('[data-entry]');
      const list = button.closest('[data-list]');
      if (entry) entry.remove();
      const add = list && list.querySelector(':scope > p > [data-add]');
      if (add) add.focus();
    });
  }

  for (const list of document.querySelectorAll('[data-list]')) {
    const template = list.querySelector(':scope > template[data-template]');
    const add = list.querySelector(':scope > p > [data-add]');
    for (const b of list.querySelectorAll(':scope > [data-entry] > [data-remove]')) wireRemove(b);
    if (!template || !add) continue;
    add.hidden = false;
    add.addEventListener('click', () => {
      const index = Number(list.dataset.next || '0');
      list.dataset.next = String(index + 1);
      const copy = template.content.cloneNode(true);
      renumber(copy, index);
      const entry = copy.querySelector('[data-entry]');
      template.before(copy);
      if (entry) {
        const remove = entry.querySelector(':scope > [data-remove]');
        if (remove) wireRemove(remove);
        const first = entry.querySelector('input,select,textarea');
        if (first) first.focus();
      }
    });
  }

  // Record links (custodian, areas, related items): the input takes a PID or an exact name and
  // works without this script; with it, names of that class are suggested from
  // /api/v1/suggest as the person types, and choosing one puts its PID in the input and its
  // name beside it. Delegated, so that list entries added later get it too.
  let pending = null;
  function suggestionsOf(input) {
    const list = input.parentElement.querySelector('[data-suggestions]');
    const name = input.parentElement.querySelector('[data-ref-name]');
    return { list, name };
  }
  function choose(input, pid, label) {
    const { list, name } = suggestionsOf(input);
    input.value = pid;
    if (name) name.textContent = label;
    if (list) { list.hidden = true; list.textContent = ''; }
    input.focus();
  }
  document.addEventListener('input', (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.suggest) return;
    const { list, name } = suggestionsOf(input);
    if (!list) return;
    if (name) name.textContent = '';
    const typed = input.value.trim();
    clearTimeout(pending);
    if (typed.length < 2 || /^[a-z0-9]+-[0-9a-z]+$/.test(typed)) {
      list.hidden = true;
      list.textContent = '';
      return;
    }
    pending = setTimeout(async () => {
      const query = new URLSearchParams({ q: typed, class: input.dataset.suggest, limit: '8' });
      let found = [];
      try {
        const r = await fetch('/api/v1/suggest?' + query.toString(),
                              { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (r.ok) found = (await r.json()).suggestions || [];
      } catch (_) { found = []; }
      if (input.value.trim() !== typed) return;  // typed on meanwhile
      list.textContent = '';
      for (const s of found) {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = s.name + ' (' + s.pid + ')';
        b.dataset.pid = s.pid;
        b.addEventListener('click', () => choose(input, s.pid, s.name));
        li.append(b);
        list.append(li);
      }
      list.hidden = found.length === 0;
    }, 200);
  });

  // Media upload: the file is the request body, its description the query string (the API's
  // contract, docs/iiif.md); the session's CSRF token goes in X-CSRF-Token.
  for (const form of document.querySelectorAll('form[data-upload]')) {
    const progress = form.querySelector('progress');
    const percent = form.querySelector('[data-upload-percent]');
    const status = form.querySelector('[data-upload-status]');
    const texts = form.querySelector('[data-upload-messages]').dataset;
    const say = (lines, error) => {
      status.textContent = '';
      status.setAttribute('role', error ? 'alert' : 'status');
      status.className = 'staff-message ' + (error ? 'staff-message-error' : 'staff-message-ok');
      for (const line of lines) {
        if (!line) continue;
        const p = document.createElement('p');
        p.textContent = line;
        status.append(p);
      }
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const file = form.querySelector('input[type=file]').files[0];
      if (!file) return;
      const max = Number(form.dataset.maxBytes || '0');
      if (max > 0 && file.size > max) {
        say([texts.tooLarge + ' (' + max + ' B)', texts.tooLargeOther + ' (' + max + ' B)'], true);
        return;
      }
      // Every other field of the form is a parameter of the upload (captions; on the
      // contribution page also the licence, rights holder, attribution and note).
      const query = new URLSearchParams({ filename: file.name });
      for (const el of form.querySelectorAll('input[name], select[name]')) {
        if (el.type === 'file') continue;
        const v = el.value.trim();
        if (v) query.set(el.name, v);
      }
      const xhr = new XMLHttpRequest();
      xhr.open('POST', form.dataset.upload + '?' + query.toString());
      xhr.setRequestHeader('X-CSRF-Token', form.dataset.csrf);
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', (e) => {
        if (!e.lengthComputable) return;
        const p = Math.round((e.loaded / e.total) * 100);
        progress.value = p;
        progress.textContent = p + '%';
        percent.textContent = p + '%';
      });
      xhr.addEventListener('load', () => {
        let doc = {};
        try { doc = JSON.parse(xhr.responseText); } catch (_) { doc = {}; }
        if (xhr.status === 201) {
          progress.value = 100;
          percent.textContent = '100%';
          say([texts.done + ': ' + (doc.original_name || file.name)], false);
        } else {
          const vi = doc.detail_vi || '';
          const en = doc.detail || '';
          const first = document.documentElement.lang === 'en' ? en : vi;
          const second = document.documentElement.lang === 'en' ? vi : en;
          say([texts.failed + ' (' + xhr.status + ')', first, second], true);
        }
      });
      xhr.addEventListener('error', () => say([texts.network], true));
      progress.value = 0;
      xhr.send(file);
    });
  }
})();
