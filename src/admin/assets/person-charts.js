// A person's temperature and SpO2 over the monitoring period, drawn with uPlot (served by
// the app from /admin/assets/). The series come from data attributes rendered by the server.
(function () {
  'use strict';
  if (typeof uPlot === 'undefined') return;
  var ids = ['chart-temperature', 'chart-spo2'];
  ids.forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) return;
    var xs = JSON.parse(el.dataset.x || '[]');
    var ys = JSON.parse(el.dataset.y || '[]');
    if (!xs.length) return;
    var min = Number(el.dataset.min);
    var max = Number(el.dataset.max);
    var opts = {
      title: el.dataset.label,
      width: Math.max(280, el.clientWidth - 16),
      height: 220,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Asia/Tokyo'); },
      // A day of margin each side: one reading alone would otherwise stretch the axis over years.
      scales: { x: { time: true, range: function (u, lo, hi) { return [lo - 86400, hi + 86400]; } }, y: { range: function (u, lo, hi) { return [Math.min(min, lo), Math.max(max, hi)]; } } },
      series: [{}, { label: el.dataset.label, stroke: id === 'chart-spo2' ? '#1f5fa8' : '#c62828', width: 2, points: { show: true, size: 6 } }],
    };
    el.textContent = '';
    el.dataset.drawn = 'true';
    new uPlot(opts, [xs, ys], el);
  });
})();
