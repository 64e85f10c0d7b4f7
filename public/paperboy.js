// Progressive enhancement only: every page works without this script.
document.documentElement.classList.add('js');

// A thumbnail or avatar that cannot be fetched (offline, blocked) is hidden, leaving its placeholder.
const hideFailed = (img) => img.classList.add('failed');
document.addEventListener('error', (e) => {
  if (e.target instanceof HTMLImageElement) hideFailed(e.target);
}, true);
document.querySelectorAll('img').forEach((img) => {
  if (img.complete && img.naturalWidth === 0 && img.currentSrc) hideFailed(img);
});

// Fills sections marked data-similar with the server-rendered fragment they point to.
document.querySelectorAll('[data-similar]').forEach(async (el) => {
  try {
    const res = await fetch(el.getAttribute('data-similar'), { headers: { accept: 'text/html' } });
    if (res.ok) el.outerHTML = await res.text();
  } catch {
    // Keep the plain link.
  }
});

// The date picker goes as soon as a day is chosen (its Go button is for pages without this script).
document.querySelectorAll('form.date-picker input[type=date]').forEach((input) => {
  input.addEventListener('change', () => {
    if (input.value && input.checkValidity()) input.form.requestSubmit();
  });
});
