// The cluster map: one marker per member at its dong's centre; no tiles from another host.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("cluster-map");
  var data = document.getElementById("cluster-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var map = L.map(el, { attributionControl: false });
  var bounds = [];
  points.forEach(function (p) {
    L.circleMarker([p.lat, p.lng], { radius: 7, color: "#1d4ed8" })
      .bindTooltip(p.name + " · " + p.role)
      .addTo(map);
    bounds.push([p.lat, p.lng]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
  else map.setView([35.82, 127.15], 12);
});
