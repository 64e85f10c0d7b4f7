// Progressive enhancement for community forms; every form also works without this script.
// Upvotes: submit the vote form in place (no reload) and update every control for that paper.
(() => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.getAttribute('content') : null;
  if (!csrf) return;

  const show = (paper, upvoted, upvotes) => {
    document.querySelectorAll('form.vote-form').forEach((form) => {
      const input = form.querySelector('input[name="paper"]');
      if (!input || input.value !== paper) return;
      const button = form.querySelector('button[name="vote"]');
      form.classList.toggle('voted', upvoted);
      button.value = upvoted ? 'down' : 'up';
      button.setAttribute('aria-pressed', upvoted ? 'true' : 'false');
      button.title = upvoted ? 'Upvoted by you · press to take it back' : 'Upvote';
      const count = button.querySelector('.count');
      if (count) count.textContent = String(upvotes);
      const you = form.querySelector('.you');
      if (you) you.hidden = !upvoted;
    });
  };

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('vote-form')) return;
    event.preventDefault();
    const button = form.querySelector('button[name="vote"]');
    const body = new URLSearchParams(new FormData(form));
    body.set('vote', button.value);
    button.disabled = true;
    try {
      const res = await fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
        body,
      });
      if (!res.ok) throw new Error(`vote failed: ${res.status}`);
      const r = await res.json();
      show(r.paper, r.upvoted, r.upvotes);
    } catch {
      // Let the server answer the plain form (it shows the error or the updated page).
      form.submit();
    } finally {
      button.disabled = false;
    }
  });
})();
