// Collections, progressively enhanced: "Save" on a card or paper page opens your collections in place
// (tick to add, untick to remove, or make a new one) and saves through the JSON API without a reload.
// Without this script the same button opens the picker page (/collections/add), which does it all.
// On a collection page, the owner's move, remove and note forms also work in place.
// Names come from members: they are only ever set as textContent, never parsed as HTML.
(() => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.getAttribute('content') : null;
  if (!csrf) return;

  const api = async (method, url, body) => {
    const headers = { accept: 'application/json', 'x-csrf-token': csrf };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.error || `The server answered ${res.status}.`);
    return data;
  };

  const el = (tag, props = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'text') node.textContent = v;
      else if (k.startsWith('aria-') || k === 'role') node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children) node.append(c);
    return node;
  };

  let open = null;
  const close = () => {
    if (!open) return;
    const { box, form } = open;
    open = null;
    box.remove();
    const b = form.querySelector('button');
    if (b) {
      b.setAttribute('aria-expanded', 'false');
      b.focus();
    }
  };

  async function showPanel(form) {
    const paper = form.querySelector('input[name="paper"]').value;
    const mine = await api('GET', `/api/me/collections?paper=${encodeURIComponent(paper)}`);
    const status = el('p', { className: 'collect-status', role: 'status' });
    const say = (text, bad) => {
      status.textContent = text;
      status.classList.toggle('bad', Boolean(bad));
    };
    const note = el('textarea', { name: 'note', rows: 2, maxLength: 1000, placeholder: 'Note for new saves (optional, plain text)', 'aria-label': 'Note' });
    const noteValue = () => (note.value.trim() ? note.value : undefined);
    const list = el('ul', { className: 'collect-list' });

    const row = (c) => {
      const box = el('input', { type: 'checkbox', checked: Boolean(c.hasPaper) });
      box.dataset.key = c.id;
      box.addEventListener('change', async () => {
        box.disabled = true;
        try {
          if (box.checked) {
            await api('POST', `/api/collections/${c.id}/items`, { paper, note: noteValue() });
            say(`Saved to “${c.name}”.`);
          } else {
            await api('DELETE', `/api/collections/${c.id}/items?paper=${encodeURIComponent(paper)}`);
            say(`Removed from “${c.name}”.`);
          }
        } catch (e) {
          box.checked = !box.checked;
          say(e.message, true);
        } finally {
          box.disabled = false;
        }
      });
      return el('li', {}, [el('label', {}, [box, ' ', el('span', { className: 'name', text: c.name }), ' ', el('span', { className: `chip visibility ${c.visibility}`, text: c.visibility })])]);
    };
    for (const c of mine) list.append(row(c));

    const newName = el('input', { type: 'text', name: 'newName', maxLength: 100, placeholder: 'New collection name', 'aria-label': 'New collection name' });
    const make = el('button', { type: 'submit', text: 'Make and save' });
    const maker = el('form', { className: 'collect-new' }, [newName, make]);
    maker.addEventListener('submit', async (event) => {
      event.preventDefault();
      event.stopPropagation();
      const name = newName.value.trim();
      if (!name) return newName.focus();
      make.disabled = true;
      try {
        const made = await api('POST', '/api/collections', { name });
        await api('POST', `/api/collections/${made.id}/items`, { paper, note: noteValue() });
        list.append(row({ ...made, hasPaper: true }));
        newName.value = '';
        say(`Saved to the new collection “${made.name}”.`);
      } catch (e) {
        say(e.message, true);
      } finally {
        make.disabled = false;
      }
    });

    const done = el('button', { type: 'button', className: 'collect-close', text: 'Done' });
    done.addEventListener('click', close);
    const more = el('a', { href: `/collections/add?paper=${encodeURIComponent(paper)}`, text: 'More…' });
    const box = el('div', { className: 'collect-panel', role: 'dialog', 'aria-label': 'Save to a collection' }, [
      el('p', { className: 'collect-title', text: mine.length ? 'Save to your collections' : 'Make your first collection' }),
      list, note, maker, status, el('p', { className: 'collect-actions' }, [done, ' ', more]),
    ]);
    form.after(box);
    open = { box, form };
    const b = form.querySelector('button');
    if (b) b.setAttribute('aria-expanded', 'true');
    (list.querySelector('input') || newName).focus();
  }

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('collect-form')) return;
    event.preventDefault();
    const same = open && open.form === form;
    close();
    if (same) return;
    // Anything unexpected: the picker page does the same without this script.
    showPanel(form).catch(() => form.submit());
  });
  // The owner's forms on a collection page (move, remove, note): the same POSTs, answered in JSON, and
  // the page updated in place. Any failure falls back to submitting the form as it is.
  const fixEnds = (list) => {
    const items = [...list.querySelectorAll(':scope > li.collection-item')];
    items.forEach((li, i) => {
      const up = li.querySelector('button[name="direction"][value="up"]');
      const down = li.querySelector('button[name="direction"][value="down"]');
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === items.length - 1;
    });
  };
  const showNote = (li, text) => {
    let p = li.querySelector('.item-note');
    if (!text.trim()) return p && p.remove();
    if (!p) {
      p = el('p', { className: 'item-note' });
      li.querySelector('.item-controls').before(p);
    }
    p.replaceChildren(el('span', { className: 'sr-only', text: 'Note: ' }), text.trim());
  };
  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const li = form.closest('li.collection-item');
    const what = /\/items\/(move|remove|note)$/.exec(form.getAttribute('action') || '');
    if (!li || !what) return;
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form));
    if (event.submitter && event.submitter.name) body.set(event.submitter.name, event.submitter.value);
    try {
      const res = await fetch(form.action, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'x-csrf-token': csrf }, body });
      if (!res.ok) throw new Error(String(res.status));
      const list = li.parentElement;
      if (what[1] === 'remove') li.remove();
      else if (what[1] === 'note') showNote(li, body.get('note') || '');
      else if (body.get('direction') === 'up' && li.previousElementSibling) li.previousElementSibling.before(li);
      else if (body.get('direction') === 'down' && li.nextElementSibling) li.nextElementSibling.after(li);
      fixEnds(list);
      if (event.submitter && !event.submitter.disabled) event.submitter.focus();
    } catch {
      // form.submit() leaves out the pressed button: carry its value in a field.
      if (event.submitter && event.submitter.name) form.append(el('input', { type: 'hidden', name: event.submitter.name, value: event.submitter.value }));
      form.submit();
    }
  });

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
})();
