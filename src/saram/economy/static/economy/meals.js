// School meals and uniforms: charts from <script type="application/json"> blocks (filters that
// submit on change and confirmations before destructive actions come from core's saram.js).
(function () {
  "use strict";

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  if (typeof Chart === "undefined") { return; }
  var lang = document.documentElement.lang || "ko";
  var compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });

  var tradeoff = data("tradeoff-data");
  var tradeoffCanvas = document.getElementById("tradeoff-chart");
  if (tradeoff && tradeoffCanvas) {
    new Chart(tradeoffCanvas, {
      type: "scatter",
      data: {
        datasets: [
          { label: tradeoff.series_label, data: tradeoff.points, showLine: true, borderColor: "#1f6f5c", backgroundColor: "#1f6f5c" },
          { label: tradeoff.current_label, data: [tradeoff.current], pointRadius: 7, backgroundColor: "#e0a030" }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        onResize: null,
        scales: {
          x: { title: { display: true, text: tradeoff.x_label }, ticks: { callback: function (v) { return compact.format(v); } } },
          y: { title: { display: true, text: tradeoff.y_label }, min: 0, max: 100 }
        }
      }
    });
  }

  tradeoffCanvas && tradeoffCanvas.setAttribute("data-ready", "1");

  var tracking = data("tracking-data");
  var trackingCanvas = document.getElementById("tracking-chart");
  if (tracking && trackingCanvas) {
    new Chart(trackingCanvas, {
      type: "line",
      data: {
        labels: tracking.labels,
        datasets: [
          { label: tracking.planned_label, data: tracking.planned, borderColor: "#1f6f5c", spanGaps: true },
          { label: tracking.achieved_label, data: tracking.achieved, borderColor: "#e0a030", spanGaps: true }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } }
    });
  }

  var uniform = data("uniform-data");
  var uniformCanvas = document.getElementById("uniform-chart");
  if (uniform && uniformCanvas) {
    new Chart(uniformCanvas, {
      type: "bar",
      data: { labels: uniform.labels, datasets: [{ label: uniform.label, data: uniform.share, backgroundColor: "#1f6f5c" }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } }
    });
  }
})();
