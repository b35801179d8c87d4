// A person's temperature, SpO2 and pulse over the monitoring period, drawn with uPlot (served
// by the app from /admin/assets/). The series come from data attributes rendered by the server.
// Time axes in Japan time and Japanese form: 5/3 at midnight, 12時 otherwise (never 12am / 12pm).
(function () {
  'use strict';
  if (typeof uPlot === 'undefined') return;
  var ids = ['chart-temperature', 'chart-spo2', 'chart-pulse'];
  var COLOURS = { 'chart-temperature': '#c62828', 'chart-spo2': '#1f5fa8', 'chart-pulse': '#2e7d32' };
  function tokyo(ts) { return uPlot.tzDate(new Date(ts * 1000), 'Asia/Tokyo'); }
  function tick(ts) {
    var d = tokyo(ts);
    return d.getHours() === 0 && d.getMinutes() === 0 ? (d.getMonth() + 1) + '/' + d.getDate() : d.getHours() + '時';
  }
  function when(ts) {
    var d = tokyo(ts);
    var mm = d.getMinutes() < 10 ? '0' + d.getMinutes() : String(d.getMinutes());
    return (d.getMonth() + 1) + '/' + d.getDate() + ' ' + d.getHours() + ':' + mm;
  }
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
      height: 200,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Asia/Tokyo'); },
      // The labels drawn are also left on the element (data-x-ticks) for the browser tests to read.
      axes: [{ values: function (u, splits) { var labels = splits.map(tick); el.dataset.xTicks = labels.join(' '); return labels; } }, {}],
      // A day of margin each side: one reading alone would otherwise stretch the axis over years.
      scales: { x: { time: true, range: function (u, lo, hi) { return [lo - 86400, hi + 86400]; } }, y: { range: function (u, lo, hi) { return [Math.min(min, lo), Math.max(max, hi)]; } } },
      series: [{ label: '日時', value: function (u, ts) { return ts == null ? '—' : when(ts); } }, { label: el.dataset.label, stroke: COLOURS[id], width: 2, points: { show: true, size: 6 } }],
    };
    el.textContent = '';
    el.dataset.drawn = 'true';
    new uPlot(opts, [xs, ys], el);
  });
})();
