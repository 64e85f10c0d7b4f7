// Subscribe and manage pages: preselect the browser's time zone when the form still shows the default (UTC).
// Without JavaScript the select keeps UTC and the subscriber picks a zone by hand.
document.querySelectorAll('select[data-detect-zone="1"]').forEach((select) => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && [...select.options].some((o) => o.value === zone)) select.value = zone;
});
