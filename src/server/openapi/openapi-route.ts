// GET /api/v1/openapi.json: the native API's OpenAPI 3.1 document, built from the route table once.
import type { RouteTable } from "../http/route.js";
import { openApiDocument } from "./openapi-document.js";

export function addOpenApiRoute(routes: RouteTable): void {
  let document: Record<string, unknown> | undefined;
  routes.add({
    method: "GET",
    url: "/api/v1/openapi.json",
    summary:
      "This document: the native API in OpenAPI 3.1, generated from the schemas routes parse input with",
    tag: "operations",
    scope: "public",
    responses: { 200: { description: "OpenAPI 3.1 document", contentType: "application/json" } },
    handler: async () => {
      document ??= openApiDocument(routes.routes, {
        title: "Verity",
        version: "1",
        description:
          'Grounded answers from your own documents: every sentence cites its source, or "I don\'t know". Errors are { "error": { "code": "E_…", "message": "…" } }.',
      });
      return document;
    },
  });
}
