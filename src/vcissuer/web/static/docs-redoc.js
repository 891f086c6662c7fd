// Starts ReDoc on /redoc (the bundle is served from this origin; no inline script).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("api-docs");
  Redoc.init(root.getAttribute("data-openapi"), {hideDownloadButton: false}, root);
});
