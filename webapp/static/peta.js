/* Pan and zoom for the server-side map (svg-pan-zoom, vendored). Without JavaScript the map is
   already drawn at the right scale; this only adds the buttons, dragging and Ctrl + wheel. */
(function () {
  "use strict";
  var svg = document.getElementById("peta");
  var tools = document.querySelector("[data-map-tools]");
  if (!svg || !tools || typeof window.svgPanZoom !== "function") { return; }
  var markers = Array.prototype.slice.call(svg.querySelectorAll("circle.marker"));
  // svg-pan-zoom replaces the viewBox, which gave the map its height: keep the height it has
  svg.style.height = svg.getBoundingClientRect().height + "px";
  var pz = window.svgPanZoom(svg, {
    zoomEnabled: true, panEnabled: true, controlIconsEnabled: false, dblClickZoomEnabled: true,
    mouseWheelZoomEnabled: false, fit: true, center: true, minZoom: 1, maxZoom: 60,
    zoomScaleSensitivity: 0.4,
    onZoom: function (scale) {  // markers keep their size on screen
      markers.forEach(function (c) { c.setAttribute("r", String(parseFloat(c.getAttribute("data-r")) / Math.sqrt(scale))); });
    }
  });
  svg.setAttribute("data-zoomable", "1");
  window.addEventListener("resize", function () {
    svg.style.height = "";
    var vb = (svg.getAttribute("data-view-box") || "0 0 1 1").split(" ").map(parseFloat);
    svg.style.height = (svg.getBoundingClientRect().width * vb[3] / vb[2]) + "px";
    pz.resize(); pz.fit(); pz.center();
  });
  tools.hidden = false;
  tools.addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (!b) { return; }
    var what = b.getAttribute("data-zoom");
    if (what === "in") { pz.zoomIn(); } else if (what === "out") { pz.zoomOut(); } else { pz.reset(); }
  });
  // Ctrl + wheel zooms; a plain wheel keeps scrolling the page.
  svg.addEventListener("wheel", function (e) {
    if (!e.ctrlKey) { return; }
    e.preventDefault();
    var pt = svg.getBoundingClientRect();
    pz.zoomAtPointBy(e.deltaY < 0 ? 1.3 : 1 / 1.3, { x: e.clientX - pt.left, y: e.clientY - pt.top });
  }, { passive: false });
  // A drag that pans the map is not a click on the region where it ends.
  var start = null, dragged = false;
  svg.addEventListener("mousedown", function (e) { start = [e.clientX, e.clientY]; dragged = false; }, true);
  svg.addEventListener("mousemove", function (e) {
    if (start && Math.abs(e.clientX - start[0]) + Math.abs(e.clientY - start[1]) > 5) { dragged = true; }
  }, true);
  svg.addEventListener("click", function (e) {
    if (dragged) { e.preventDefault(); e.stopPropagation(); }
    start = null; dragged = false;
  }, true);
}());
