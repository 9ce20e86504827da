// Starts Swagger UI on the OpenAPI document the page names (a file, not an inline script,
// so the page's Content-Security-Policy allows scripts from this server only).
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    filter: true,
    showExtensions: true,
    showCommonExtensions: true,
    // Swagger UI would ask an outside validator about the document: nothing leaves this server.
    validatorUrl: null
  });
});
