// Reports: draws the dashboard charts with uPlot (served from /admin/assets). The same
// figures are in the tables under each chart, so the page works without this file.
(function () {
  'use strict';
  if (typeof window.uPlot !== 'function') return;
  var uPlot = window.uPlot;
  var day = function (d) { return Date.parse(d + 'T00:00:00Z') / 1000; };

  function draw(el) {
    var data;
    try { data = JSON.parse(el.getAttribute('data-series') || ''); } catch (e) { return; }
    if (!data || !data.x || data.x.length === 0) return;
    var bars = el.getAttribute('data-chart') === 'bars';
    var n = data.series.length;
    var series = [{}].concat(data.series.map(function (s, i) {
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
      // Dates are local calendar days already: show them as given, whatever the browser's zone.
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'UTC'); },
      scales: { x: { time: true }, y: data.percent ? { range: [0, 1] } : { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [{}, data.percent ? { values: function (u, vals) { return vals.map(function (v) { return Math.round(v * 100) + '%'; }); } } : {}],
      series: series,
    };
    var cols = [data.x.map(day)].concat(data.series.map(function (s) { return s.values; }));
    el.textContent = '';
    new uPlot(opts, cols, el);
    el.setAttribute('data-drawn', 'true');
  }

  Array.prototype.forEach.call(document.querySelectorAll('.chart[data-series]'), draw);
})();
