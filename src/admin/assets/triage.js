// Triage queue: live updates over server-sent events, with a sound/visual cue that can
// be turned off. Without this script the page still works (reload to see new alerts).
(function () {
  'use strict';
  var rows = document.getElementById('queue-rows');
  if (!rows) return;
  var live = document.getElementById('live-state');
  var banner = document.getElementById('new-alert-banner');
  var total = document.getElementById('queue-total');
  var toggle = document.getElementById('sound-toggle');
  var visual = document.getElementById('visual-toggle');
  var baseTitle = document.title;
  var unseen = 0;
  var pending = null;
  var timer = null;

  // Both preferences stay on this browser: the sound is off by default (shared rooms), the
  // visual cue (banner and the count in the tab title) on.
  function remember(box, key, byDefault) {
    if (!box) return;
    var saved = localStorage.getItem(key);
    box.checked = saved === null ? byDefault : saved === 'on';
    box.addEventListener('change', function () {
      localStorage.setItem(key, box.checked ? 'on' : 'off');
      if (!box.checked && box === visual) clearCue();
    });
  }
  remember(toggle, 'mimamori.sound', false);
  remember(visual, 'mimamori.visual', true);

  // Desktop notifications for new red alerts: asked for only when the nurse ticks the box
  // (a user gesture), and say no more than that a red alert arrived (no personal data).
  var notify = document.getElementById('notify-toggle');
  var canNotify = 'Notification' in window;
  if (notify && !canNotify) notify.disabled = true;
  if (notify && canNotify) {
    notify.checked = localStorage.getItem('mimamori.notify') === 'on' && Notification.permission === 'granted';
    notify.addEventListener('change', function () {
      if (!notify.checked) { localStorage.setItem('mimamori.notify', 'off'); return; }
      Notification.requestPermission().then(function (p) {
        notify.checked = p === 'granted';
        localStorage.setItem('mimamori.notify', notify.checked ? 'on' : 'off');
      });
    });
  }
  function desktopNotice(notice) {
    if (!notify || !notify.checked || !canNotify || Notification.permission !== 'granted' || notice.severity !== 'red') return;
    try {
      var n = new Notification(notify.dataset.title, { body: notify.dataset.body, tag: 'mimamori-red', renotify: true });
      n.onclick = function () { window.focus(); n.close(); };
    } catch (e) { /* some browsers allow notifications only from a service worker: the sound and banner remain */ }
  }

  // How long each open alert has waited, kept current between refreshes.
  function updateWaiting() {
    var els = document.querySelectorAll('[data-waiting-since]');
    var en = document.documentElement.lang === 'en';
    for (var i = 0; i < els.length; i++) {
      var since = Date.parse(els[i].getAttribute('data-waiting-since'));
      if (isNaN(since)) continue;
      var n = Math.max(0, Math.floor((Date.now() - since) / 60000));
      // As the server writes it (queue-table.tsx waitingText): minutes, then hours and minutes from an hour on.
      els[i].textContent = n < 60 ? (en ? n + ' min waiting' : n + '分待ち') : en ? Math.floor(n / 60) + ' h ' + (n % 60) + ' min waiting' : Math.floor(n / 60) + '時間' + (n % 60) + '分待ち';
    }
  }
  setInterval(updateWaiting, 30000);

  function clearCue() {
    unseen = 0;
    document.title = baseTitle;
    if (banner) banner.hidden = true;
  }

  function beep() {
    if (!toggle || !toggle.checked) return;
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no audio: the visual cue remains */ }
  }

  function setLive(on) {
    if (!live) return;
    live.dataset.state = on ? 'on' : 'off';
    live.textContent = on ? live.dataset.on : live.dataset.off;
  }

  function refresh(highlight) {
    var params = new URLSearchParams(location.search);
    if (highlight) params.set('highlight', highlight);
    fetch('/admin/triage/rows?' + params.toString(), { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        if (total && res.headers.get('x-total') !== null) {
          // A long queue is counted only up to a cap: "1,000件以上".
          var template = res.headers.get('x-total-capped') === '1' ? total.dataset.capped : total.dataset.exact;
          total.textContent = (template || '{n}').replace('{n}', res.headers.get('x-total'));
        }
        return res.text();
      })
      .then(function (html) {
        var holder = document.createElement('table');
        holder.innerHTML = html; // server-rendered, escaped fragment from our own origin
        var fresh = holder.querySelector('tbody');
        if (fresh) { rows.replaceWith(fresh); rows = fresh; }
      })
      .catch(function () { /* the next notice or a reload will catch up */ });
  }

  function onNotice(event) {
    var notice = JSON.parse(event.data);
    if (notice.created) {
      if (!visual || visual.checked) {
        unseen += 1;
        document.title = '(' + unseen + ') ' + baseTitle;
        if (banner) banner.hidden = false;
      }
      beep();
      desktopNotice(notice);
      pending = notice.alertId;
    }
    // Several notices in a burst become one refresh.
    clearTimeout(timer);
    timer = setTimeout(function () { refresh(pending); pending = null; }, 200);
  }

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) { unseen = 0; document.title = baseTitle; }
  });
  if (banner) banner.addEventListener('click', clearCue);

  var source = new EventSource('/admin/triage/stream');
  source.addEventListener('ready', function () { setLive(true); });
  source.addEventListener('open', function () { setLive(true); });
  source.addEventListener('error', function () { setLive(false); });
  source.addEventListener('alert', onNotice);
  // The server ended the stream: signed out, disabled, role or password changed. Reload:
  // the page signs in again or shows the queue the new role may see.
  source.addEventListener('end', function () { source.close(); setLive(false); location.reload(); });
})();
