// Collections, progressively enhanced: "Save" on a card or paper page opens your collections in place
// (tick to add, untick to remove, or make a new one) and saves through the JSON API without a reload.
// Without this script the same button opens the picker page (/collections/add), which does it all.
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
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
})();
