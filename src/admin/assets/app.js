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
})();
