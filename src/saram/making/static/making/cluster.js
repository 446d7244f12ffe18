// Cluster maps (directory, member, project): the city's dong boundaries drawn from Saram's own
// GeoJSON, one marker per member coloured by its field, a link to its page; no tiles from
// another host.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("cluster-map");
  var data = document.getElementById("cluster-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var colours = { carbon: "#111827", printing: "#1d4ed8", both: "#b45309" };
  var map = L.map(el, { attributionControl: false });
  var bounds = [];
  function markers() {
    points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lng], {
        radius: 8,
        color: colours[p.sector] || "#1d4ed8",
        fillOpacity: 0.7,
      }).bindTooltip(p.name + " · " + p.role + (p.sector_label ? " · " + p.sector_label : ""));
      if (p.url) marker.on("click", function () { window.location.href = p.url; });
      marker.addTo(map);
      bounds.push([p.lat, p.lng]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
    else map.setView([35.82, 127.15], 12);
  }
  markers();
  if (!el.dataset.boundaries) return;
  // The dong boundaries (public geography, for every reader) are drawn under the markers.
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (geo) {
      if (!geo) return;
      L.geoJSON(geo, {
        style: function () { return { color: "#94a3b8", weight: 1, fillColor: "#e2e8f0", fillOpacity: 0.3 }; },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name, { sticky: true }); },
      }).addTo(map).bringToBack();
    })
    .catch(function () {});
});
