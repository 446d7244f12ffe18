// The funnel over time: per month the people flagged, reached, still pending (visit not yet
// due) and missed, reached as a share of the flagged; then what followed the meetings.
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
          { type: "bar", label: labels.flagged, data: series.flagged, backgroundColor: "#cfe3dd", yAxisID: "y" },
          { type: "bar", label: labels.reached, data: series.reached, backgroundColor: "#1f6f5c", yAxisID: "y" },
          { type: "bar", label: labels.pending, data: series.pending, backgroundColor: "#e0a100", yAxisID: "y" },
          { type: "bar", label: labels.missed, data: series.missed, backgroundColor: "#b3261e", yAxisID: "y" },
          { type: "line", label: labels.reachedPct, data: series.reached_pct, borderColor: "#2b3a4a", yAxisID: "pct", spanGaps: true }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, position: "left" }, pct: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } } }
      }
    });
  }
  var after = document.getElementById("chart-open");
  if (after) {
    new Chart(after, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [
          { label: labels.reached, data: series.reached, backgroundColor: "#b9dcd2" },
          { label: labels.assessed, data: series.assessed, backgroundColor: "#86c2b1" },
          { label: labels.helped, data: series.helped, backgroundColor: "#4f9f8a" },
          { label: labels.followed, data: series.followed_up, backgroundColor: "#1f6f5c" }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } }
    });
  }
  document.body.dataset.chartsReady = "1";
}());
