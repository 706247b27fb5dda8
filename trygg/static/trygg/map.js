/* Draws the areas of a page on a Leaflet map.
 *
 * Each element with data-map="ID" gets a map of the GeoJSON FeatureCollection in the
 * <script type="application/json" id="ID"> beside it (Django's json_script). Areas link to
 * their pages. Background tiles come from data-tiles; without it the boundaries are drawn
 * on a plain background, which is how closed networks and tests see it.
 */
(function () {
  "use strict";

  var STYLES = {
    lan: { color: "#0b4f8a", weight: 3, fillOpacity: 0 },
    kommun: { color: "#0b4f8a", weight: 3, fillOpacity: 0 },
    stadsdelsomrade: { color: "#0b4f8a", weight: 3, fillOpacity: 0.03 },
    stadsdel: { color: "#0b4f8a", weight: 1.5, fillOpacity: 0.15 },
    plats: { color: "#6a3d9a", weight: 2, fillOpacity: 0.3 },
  };
  var CLASSIFIED = { color: "#a4161a", weight: 2.5, fillOpacity: 0.3, dashArray: "6 4" };
  var ORDER = ["lan", "kommun", "stadsdelsomrade", "stadsdel", "plats"];

  function styleFor(feature) {
    var p = feature.properties;
    var base = STYLES[p.kind] || STYLES.stadsdel;
    var style = Object.assign({ fillColor: base.color }, base);
    if (p.classification) {
      style = Object.assign({ fillColor: CLASSIFIED.color }, CLASSIFIED);
    }
    return style;
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.map);
    if (!source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (!data.features || data.features.length === 0) { return; }
    // Wide areas first so that smaller ones lie on top and stay clickable.
    data.features.sort(function (a, b) {
      return ORDER.indexOf(a.properties.kind) - ORDER.indexOf(b.properties.kind);
    });
    var map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19, attribution: element.dataset.attribution || "",
      }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      style: styleFor,
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var label = p.name + " (" + p.kind_label + (p.classification_label ? ", " + p.classification_label : "") + ")";
        shape.bindTooltip(label, { sticky: true });
        if (element.dataset.mode !== "pick") {
          shape.on("click", function () { window.location.href = p.url; });
        }
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    element.tryggMap = map;
    element.tryggAreas = layer;
    element.dataset.ready = "true";
    element.dataset.featureCount = String(data.features.length);
  }

  document.querySelectorAll("[data-map]").forEach(draw);
})();
