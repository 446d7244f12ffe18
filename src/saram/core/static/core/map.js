// The city map: dong boundaries from the server, shaded by a value, each dong a link.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  var palette = ["#e7f2ef", "#b9dcd2", "#86c2b1", "#4f9f8a", "#1f6f5c"];
  var none = "#d6d6d6";  // a dong without a value (e.g. nobody flagged there)
  var unit = el.dataset.unit || "";

  function colour(value, max) {
    if (value === null || value === undefined) { return none; }
    if (!max) { return palette[0]; }
    var i = Math.min(palette.length - 1, Math.floor((value / max) * palette.length));
    return palette[i];
  }

  // What the shades mean: one line per class with its range, under the page's own title.
  function addLegend(max) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "legend");
      box.id = "map-legend";
      var title = el.dataset.legendTitle;
      if (title) {
        var heading = L.DomUtil.create("strong", "", box);
        heading.textContent = title;
      }
      var step = max / palette.length;
      palette.forEach(function (fill, i) {
        var row = L.DomUtil.create("div", "legend-row", box);
        var swatch = L.DomUtil.create("i", "", row);
        swatch.style.background = fill;
        var low = Math.round(step * i), high = Math.round(step * (i + 1));
        row.appendChild(document.createTextNode(" " + low.toLocaleString() + "–" + high.toLocaleString() + unit));
      });
      if (el.dataset.legendNone) {
        var empty = L.DomUtil.create("div", "legend-row", box);
        L.DomUtil.create("i", "", empty).style.background = none;
        empty.appendChild(document.createTextNode(" " + el.dataset.legendNone));
      }
      return box;
    };
    legend.addTo(map);
  }

  if (el.dataset.feature) {
    var layer = L.geoJSON(JSON.parse(el.dataset.feature), { style: { color: "#1f6f5c", weight: 2, fillOpacity: 0.2 } }).addTo(map);
    map.fitBounds(layer.getBounds());
    return;
  }
  var metric = el.dataset.metric || "population";
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      // A fixed scale (e.g. 100 for a percentage) keeps colours comparable between visits.
      var max = Number(el.dataset.max) || 0;
      if (!max) {
        data.features.forEach(function (f) { max = Math.max(max, f.properties[metric] || 0); });
      }
      var layer = L.geoJSON(data, {
        style: function (f) {
          var value = f.properties[metric];
          return { color: "#2b3a4a", weight: 1, fillColor: colour(value === undefined ? 0 : value, max), fillOpacity: 0.75,
                   className: "dong dong-" + f.properties.code };
        },
        onEachFeature: function (f, lyr) {
          var value = f.properties[metric];
          var shown = value === null ? (el.dataset.legendNone || "—") : (value || 0).toLocaleString() + unit;
          lyr.bindTooltip(f.properties.name + " · " + shown, { sticky: true });
          lyr.on("click", function () { window.location.href = f.properties.url; });
          lyr.on("mouseover", function () { lyr.setStyle({ weight: 3 }); });
          lyr.on("mouseout", function () { lyr.setStyle({ weight: 1 }); });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      addLegend(max);
      el.dataset.ready = "1";
    });
}());
