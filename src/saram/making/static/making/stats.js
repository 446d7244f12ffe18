// Statistics page: bar charts (Chart.js) and the dong map (Leaflet), from data in the page.
document.addEventListener("DOMContentLoaded", function () {
  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : [];
  }
  function bar(canvasId, rows) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || !window.Chart) return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r[0]; }),
        datasets: [{ data: rows.map(function (r) { return r[1]; }), backgroundColor: "#1d4ed8" }],
      },
      options: { plugins: { legend: { display: false } }, animation: false },
    });
  }
  bar("chart-audience", read("data-audience"));
  bar("chart-age", read("data-age"));
  bar("chart-hours", read("data-hours"));

  var mapEl = document.getElementById("dong-map");
  if (!mapEl || !window.L) return;
  var values = read("dong-values");
  var max = Math.max.apply(null, [1].concat(Object.values(values)));
  var map = L.map(mapEl, { attributionControl: false });
  fetch(mapEl.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      var layer = L.geoJSON(geo, {
        style: function (f) {
          var v = values[f.properties.code] || 0;
          return { color: "#334155", weight: 1, fillColor: "#1d4ed8", fillOpacity: 0.08 + 0.8 * (v / max) };
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(f.properties.name + ": " + (values[f.properties.code] || 0));
        },
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    });
});
