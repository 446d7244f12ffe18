// Local suppliers on the city map: the dongs as a backdrop, each firm a dot coloured by category.
(function () {
  "use strict";
  var el = document.getElementById("supplier-map");
  if (!el || typeof L === "undefined") { return; }
  var palette = ["#1f6f5c", "#b3261e", "#e0a030", "#3b5ba5", "#7b3fa0", "#2a9d8f", "#8a5a44", "#d45087", "#4d4d4d"];
  var map = L.map(el, { zoomSnap: 0.25 });
  var colours = {};
  var legend = document.getElementById("supplier-legend");

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function colourOf(code) {
    if (!(code in colours)) { colours[code] = palette[Object.keys(colours).length % palette.length]; }
    return colours[code];
  }

  fetch(el.dataset.dongs, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (dongs) {
      var base = L.geoJSON(dongs, { style: { color: "#8a94a6", weight: 1, fillColor: "#eef1f5", fillOpacity: 0.6 } }).addTo(map);
      map.fitBounds(base.getBounds());
      return fetch(el.dataset.suppliers, { credentials: "same-origin" });
    })
    .then(function (r) { return r.json(); })
    .then(function (firms) {
      var count = 0;
      L.geoJSON(firms, {
        pointToLayer: function (f, latlng) {
          count += 1;
          var code = f.properties.category_codes[0] || "";
          return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1.5, fillColor: colourOf(code), fillOpacity: 0.9, className: "supplier-dot" });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          var text = "<strong>" + esc(p.name) + "</strong><br>" + esc(p.dong) + "<br>" + esc(p.categories.join(", "));
          if (p.social) { text += "<br>" + esc(p.social); }
          layer.bindPopup(text + "<br><a href='" + esc(p.url) + "'>" + esc(el.dataset.more) + "</a>");
        }
      }).addTo(map);
      if (legend) {
        var names = {};
        firms.features.forEach(function (f) { if (f.properties.category_codes[0]) { names[f.properties.category_codes[0]] = f.properties.categories[0]; } });
        legend.innerHTML = Object.keys(names).map(function (code) {
          return "<span><i style='background:" + colourOf(code) + "'></i>" + esc(names[code]) + "</span>";
        }).join("");
      }
      el.dataset.ready = "1";
      el.dataset.count = String(count);
    });
}());
