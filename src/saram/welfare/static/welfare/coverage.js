// Coverage over time: people flagged vs reached within the SLA per month, and what is still open.
(function () {
  "use strict";
  var data = document.getElementById("coverage-series");
  if (!data || typeof Chart === "undefined") { return; }
  var series = JSON.parse(data.textContent);
  var labels = document.getElementById("chart-labels").dataset;
  var outreach = document.getElementById("chart-outreach");
  if (outreach) {
    new Chart(outreach, {
      data: {
        labels: series.labels,
        datasets: [
          { type: "bar", label: labels.flagged, data: series.flagged, backgroundColor: "#b9dcd2", yAxisID: "y" },
          { type: "bar", label: labels.reached, data: series.reached, backgroundColor: "#1f6f5c", yAxisID: "y" },
          { type: "line", label: labels.coverage, data: series.coverage, borderColor: "#b3261e", yAxisID: "pct", spanGaps: true }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, position: "left" }, pct: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } } }
      }
    });
  }
  var open = document.getElementById("chart-open");
  if (open) {
    new Chart(open, {
      type: "line",
      data: {
        labels: series.labels,
        datasets: [
          { label: labels.cases, data: series.cases, borderColor: "#1f6f5c" },
          { label: labels.referrals, data: series.referrals, borderColor: "#e0a100" }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } }
    });
  }
  document.body.dataset.chartsReady = "1";
}());
