/* The analysis map: hotspot cells and the selection's incidents, grouped by proximity.
 *
 * Incidents are grouped on a 60-pixel grid at the current zoom and redrawn when the zoom
 * changes: a group shows its size, a lone incident a small dot. Hotspot cells (hot red, cold
 * blue) come from the server's Gi* analysis.
 */
(function () {
  "use strict";
  var element = document.querySelector("[data-map=analysis-map]");
  if (!element || !element.tryggMap) { return; }
  var map = element.tryggMap;
  var points = JSON.parse(document.getElementById("analysis-points").textContent || "[]");
  var cellsSource = document.getElementById("hotspot-cells");
  var cells = cellsSource ? JSON.parse(cellsSource.textContent || "null") : null;
  var labelSource = document.getElementById("analysis-map-labels");
  var T = labelSource ? JSON.parse(labelSource.textContent) : {};
  var CELL = 60;

  var hotspotLayer = null;
  if (cells && cells.features) {
    hotspotLayer = L.geoJSON(cells, {
      style: function (feature) {
        var hot = feature.properties.hotspot === "hot";
        return { color: hot ? "#b2182b" : "#2166ac", weight: 1, fillOpacity: 0.45,
                 fillColor: hot ? "#d6604d" : "#4393c3" };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip((p.hotspot === "hot" ? T.hot : T.cold) + ": " + p.count + " " +
          T.incidents_n + ", z = " + String(p.gi_z).replace(".", ","));
      },
    }).addTo(map);
  }

  var groups = L.layerGroup().addTo(map);
  var overlays = {};
  overlays[T.incidents] = groups;
  if (hotspotLayer) { overlays[T.hotspots] = hotspotLayer; }
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);

  function draw() {
    groups.clearLayers();
    var zoom = map.getZoom();
    var buckets = {};
    points.forEach(function (p) {
      var pixel = map.project([p.lat, p.lon], zoom);
      var key = Math.floor(pixel.x / CELL) + ":" + Math.floor(pixel.y / CELL);
      var bucket = buckets[key] || (buckets[key] = { n: 0, lat: 0, lon: 0 });
      bucket.n += 1; bucket.lat += p.lat; bucket.lon += p.lon;
    });
    Object.keys(buckets).forEach(function (key) {
      var b = buckets[key];
      var at = [b.lat / b.n, b.lon / b.n];
      if (b.n === 1) {
        groups.addLayer(L.circleMarker(at, { radius: 4, color: "#3d1f5c", weight: 1,
          fillColor: "#7b4fa6", fillOpacity: 0.8 }));
        return;
      }
      var size = b.n < 10 ? 28 : b.n < 100 ? 34 : 42;
      groups.addLayer(L.marker(at, {
        icon: L.divIcon({ className: "cluster", html: "<span>" + b.n + "</span>",
                          iconSize: [size, size] }),
        title: b.n + " " + T.incidents_n,
        keyboard: false,
      }).on("click", function () { map.setView(at, Math.min(zoom + 2, 18)); }));
    });
    element.dataset.groups = String(Object.keys(buckets).length);
  }

  map.on("zoomend", draw);
  if (points.length) {
    map.fitBounds(L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; })),
                  { padding: [20, 20], maxZoom: 15 });
  }
  draw();
  element.dataset.points = String(points.length);
})();
