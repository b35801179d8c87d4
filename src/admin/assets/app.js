// Mimamori console: small progressive enhancements. Pages work without this file.
(function () {
  'use strict';
  // Ask before irreversible actions: <form data-confirm="…">.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  // Filters submit as soon as a select changes: <form data-autosubmit>.
  document.addEventListener('change', function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.form && el.form.hasAttribute('data-autosubmit')) el.form.submit();
  });
  // Forms in dialogs: <button data-open-dialog="id"> opens <dialog id="id">; [data-close-dialog] closes it.
  document.addEventListener('click', function (event) {
    var el = event.target instanceof Element ? event.target.closest('[data-open-dialog],[data-close-dialog]') : null;
    if (!el) return;
    var dialog = el.hasAttribute('data-open-dialog') ? document.getElementById(el.getAttribute('data-open-dialog')) : el.closest('dialog');
    if (!(dialog instanceof HTMLDialogElement)) return;
    event.preventDefault();
    if (el.hasAttribute('data-open-dialog')) dialog.showModal();
    else dialog.close();
  });
  // A health-observation table opens on its latest days (the right edge).
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-scroll-end]').forEach(function (el) { el.scrollLeft = el.scrollWidth; });
  });
})();
