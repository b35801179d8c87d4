// 「届出受理」 queue: live over server-sent events. A notification filed, accepted or
// returned within this console's scope reloads the queue's table in place and shows a
// banner. Without this script the page still works (reload to see new notifications).
(function () {
  'use strict';
  var queue = document.getElementById('notification-lists');
  if (!queue || !window.EventSource) return;
  var banner = document.getElementById('new-notification-banner');
  var source = new EventSource('/admin/notifications/stream');
  function refresh() {
    fetch(location.pathname + location.search, { credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('notification-lists');
        if (fresh) queue.innerHTML = fresh.innerHTML;
        if (banner) banner.hidden = false;
      })
      .catch(function () { /* the next event or a reload tries again */ });
  }
  source.addEventListener('notification', refresh);
  source.addEventListener('ready', function () { queue.dataset.live = 'on'; });
  source.addEventListener('end', function () { source.close(); location.reload(); });
})();
