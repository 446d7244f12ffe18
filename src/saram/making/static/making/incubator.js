// The incubator's credit chart (Chart.js): machine hours used and left per tenant, stacked.
document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("credit-chart");
  var data = document.getElementById("credit-data");
  if (!canvas || !data || !window.Chart) return;
  var rows = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map(function (r) { return r.name; }),
      datasets: [
        { label: canvas.dataset.used, data: rows.map(function (r) { return r.used_h; }), backgroundColor: "#1d4ed8" },
        { label: canvas.dataset.left, data: rows.map(function (r) { return r.left_h; }), backgroundColor: "#93c5fd" },
      ],
    },
    options: {
      indexAxis: "y",
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true } },
    },
  });
});
