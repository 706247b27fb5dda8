/* The report form's map: a tap (or "use my position") sets the point of the incident.
 *
 * Fills the hidden latitude/longitude inputs and clears the area choice, since the server
 * sets the area from the point. Works without this script too: the area list is a plain
 * select.
 */
(function () {
  "use strict";
  var element = document.querySelector("[data-map=report-map]");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var area = document.getElementById("id_area");
  var status = document.getElementById("point-status");
  if (!element || !lat || !lon) { return; }
  var map = element.tryggMap;
  var buttons = document.querySelectorAll("[data-locate], [data-clear-point]");
  if (!map) {
    // No boundaries to draw: the area list is the way to say where.
    element.hidden = true;
    buttons.forEach(function (b) { b.hidden = true; });
    return;
  }
  var marker = null;

  function say(key) { status.textContent = status.dataset[key] || ""; }

  function setPoint(latlng, pan) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.circleMarker(latlng, { radius: 9, color: "#a4161a", weight: 3, fillOpacity: 0.6 }).addTo(map);
    }
    if (pan) { map.setView(latlng, Math.max(map.getZoom(), 15)); }
    if (area) { area.value = ""; }
    element.dataset.point = lat.value + "," + lon.value;
    say("chosen");
  }

  function clearPoint() {
    lat.value = ""; lon.value = "";
    if (marker) { map.removeLayer(marker); marker = null; }
    delete element.dataset.point;
    say("cleared");
  }

  map.on("click", function (event) { setPoint(event.latlng, false); });
  if (lat.value && lon.value) {
    setPoint(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), true);
  }
  if (area) {
    area.addEventListener("change", function () { if (area.value) { clearPoint(); } });
  }
  document.querySelectorAll("[data-clear-point]").forEach(function (b) {
    b.addEventListener("click", clearPoint);
  });
  document.querySelectorAll("[data-locate]").forEach(function (b) {
    if (!navigator.geolocation) { b.hidden = true; return; }
    b.addEventListener("click", function () {
      say("locating");
      navigator.geolocation.getCurrentPosition(
        function (pos) { setPoint(L.latLng(pos.coords.latitude, pos.coords.longitude), true); },
        function () { say("failed"); },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
  });
})();
