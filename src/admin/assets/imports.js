// Bulk import: keep the progress bar up to date while the job runs (polls the JSON API with
// the session cookie), then reload for the results; bind the print button of the letters.
(function () {
  'use strict';
  var section = document.getElementById('import-state');
  if (section && !section.dataset.finished) {
    var id = section.dataset.importId;
    var labels = JSON.parse(section.dataset.labels || '{}');
    var counts = function (s) {
      return (section.dataset.counts || '').replace(/\{(\w+)\}/g, function (_, k) { return String(s[k]); });
    };
    var poll = function () {
      fetch('/api/v1/imports/' + encodeURIComponent(id), { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) return setTimeout(poll, 2000);
          var bar = document.getElementById('import-progress');
          bar.max = s.total || 1;
          bar.value = s.processed;
          document.getElementById('import-status').textContent = labels[s.status] || s.status;
          document.getElementById('import-counts').textContent = s.processed + ' / ' + s.total + ' — ' + counts(s);
          if (s.status === 'done' || s.status === 'failed') return window.location.reload();
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 500);
  }
  var print = document.querySelector('[data-print]');
  if (print) print.addEventListener('click', function () { window.print(); });
})();
