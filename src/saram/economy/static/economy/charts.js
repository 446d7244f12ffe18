// 자립경제 charts (Chart.js): where the money went, and the local multiplier.
// Data comes from <script type="application/json"> blocks written by the server.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // Compact amounts in the page's language: 1.2억 in Korean, 120M in English.
  var compact = new Intl.NumberFormat(document.documentElement.lang || "ko", { notation: "compact", maximumFractionDigits: 1 });
  function won(value) { return compact.format(value); }

  var share = data("share-chart-data");
  var shareCanvas = document.getElementById("share-chart");
  if (share && shareCanvas) {
    var chart = new Chart(shareCanvas, {
      type: "bar",
      data: {
        labels: share.labels,
        datasets: share.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: s.color, stack: "money" };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: share.drill === "month" ? "x" : "y",
        scales: {
          x: { stacked: true, ticks: { callback: function (v) { return share.drill === "month" ? this.getLabelForValue(v) : won(v); } } },
          y: { stacked: true, ticks: { callback: function (v) { return share.drill === "month" ? won(v) : this.getLabelForValue(v); } } }
        },
        plugins: {
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + ctx.raw.toLocaleString() + " " + share.money_label; } } }
        },
        onClick: function (_event, elements) {
          if (!elements.length) { return; }
          var key = share.keys[elements[0].index];
          if (key === null || key === undefined) { return; }
          var params = new URLSearchParams({ year: share.year });
          params.set(share.drill, key);
          window.location.href = share.rows_url + "?" + params.toString();
        }
      }
    });
    shareCanvas.dataset.ready = "1";
    shareCanvas.chart = chart;
  }

  var lm3 = data("lm3-chart-data");
  var lm3Canvas = document.getElementById("lm3-chart");
  if (lm3 && lm3Canvas) {
    new Chart(lm3Canvas, {
      type: "bar",
      data: {
        labels: lm3.labels,
        datasets: [
          { label: lm3.lm3_label, data: lm3.lm3, backgroundColor: "#1f6f5c", yAxisID: "y" },
          { label: lm3.local_label, data: lm3.local, backgroundColor: "#e0a030", yAxisID: "y1" }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          y: { beginAtZero: true, suggestedMax: 2, title: { display: true, text: "LM3" } },
          y1: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "%" } }
        }
      }
    });
    lm3Canvas.dataset.ready = "1";
  }
}());
