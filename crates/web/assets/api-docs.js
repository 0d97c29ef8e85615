// The interactive API reference, entirely from this server: the document
// at /api/v1/openapi.json, no validator badge (it would call
// validator.swagger.io), nothing fetched from elsewhere.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
