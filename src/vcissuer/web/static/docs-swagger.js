// Starts Swagger UI on /docs (the bundle is served from this origin; no inline script).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("api-docs");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#api-docs",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    // Never send the document to the public validator service.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
