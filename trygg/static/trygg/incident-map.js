/* Draws the selected incidents as points over the area map (see map.js). */
(function () {
  "use strict";
  var element = document.querySelector("[data-map=incident-map]");
  var source = document.getElementById("incident-points");
  if (!element || !source || !element.tryggMap) { return; }
  var map = element.tryggMap;
  var points = JSON.parse(source.textContent);
  var layer = L.featureGroup();

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: points.length > 500 ? 3 : 6, color: "#7a1013", weight: 1, fillColor: "#d62828",
      fillOpacity: 0.6,
    });
    marker.bindPopup(
      '<strong><a href="' + p.url + '">' + text(p.ref) + "</a></strong><br>" +
      text(p.category) + "<br>" + text(p.date) + (p.place ? "<br>" + text(p.place) : "")
    );
    layer.addLayer(marker);
  });
  layer.addTo(map);
  if (points.length) { map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 16 }); }
  element.dataset.points = String(points.length);
})();
