// Progressive enhancement only: every page works without this script.
// Fills sections marked data-similar with the server-rendered fragment they point to.
document.querySelectorAll('[data-similar]').forEach(async (el) => {
  try {
    const res = await fetch(el.getAttribute('data-similar'), { headers: { accept: 'text/html' } });
    if (res.ok) el.outerHTML = await res.text();
  } catch {
    // Keep the plain link.
  }
});
