// Reports: draws the dashboard charts with uPlot (served from /admin/assets). The same
// figures are in the tables under each chart, so the page works without this file.
(function () {
  'use strict';
  if (typeof window.uPlot !== 'function') return;
  var uPlot = window.uPlot;
  var DAY = 86400;
  var day = function (d) { return Date.parse(d + 'T00:00:00Z') / 1000; };
  // Local calendar days, shown as M/D whatever the browser's zone (the x values are UTC midnights).
  var md = function (ts) { var d = new Date(ts * 1000); return (d.getUTCMonth() + 1) + '/' + d.getUTCDate(); };
  var lang = (document.querySelector('meta[name="lang"]') || {}).content || 'ja';

  function draw(el) {
    var data;
    try { data = JSON.parse(el.getAttribute('data-series') || ''); } catch (e) { return; }
    if (!data || !data.x || data.x.length === 0) return;
    var bars = el.getAttribute('data-chart') === 'bars';
    var n = data.series.length;
    var series = [{ label: lang === 'ja' ? '日付' : 'Date', value: function (u, ts) { return ts == null ? '—' : md(ts); } }].concat(data.series.map(function (s, i) {
      var one = { label: s.label, stroke: s.color, width: 2, spanGaps: false };
      if (bars) {
        one.fill = s.color;
        // Side by side within each day: the first series left of the tick, the next right.
        one.paths = uPlot.paths.bars({ size: [0.8 / n, 60], align: n === 1 ? 0 : i === 0 ? -1 : 1 });
        one.points = { show: false };
      } else {
        one.points = { show: true, size: 6 };
      }
      if (data.percent) one.value = function (u, v) { return v == null ? '—' : Math.round(v * 1000) / 10 + '%'; };
      return one;
    }));
    var opts = {
      width: Math.max(280, el.clientWidth - 16),
      height: 220,
      scales: {
        // Half a day of margin each side, so the first and last bars are not cut.
        x: { time: true, range: function (u, min, max) { return [min - DAY / 2, max + DAY / 2]; } },
        y: data.percent ? { range: [0, 1] } : { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [{ incrs: [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY], values: function (u, splits) { return splits.map(md); } }, data.percent ? { values: function (u, vals) { return vals.map(function (v) { return Math.round(v * 100) + '%'; }); } } : { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] }],
      series: series,
    };
    var cols = [data.x.map(day)].concat(data.series.map(function (s) { return s.values; }));
    el.textContent = '';
    new uPlot(opts, cols, el);
    el.setAttribute('data-drawn', 'true');
  }

  Array.prototype.forEach.call(document.querySelectorAll('.chart[data-series]'), draw);
})();
