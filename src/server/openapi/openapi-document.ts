// The OpenAPI 3.1 document of the native API, generated from the same zod schemas the routes parse
// their input with (zod's own JSON Schema output, which is the dialect OpenAPI 3.1 uses). Schemas
// registered in `apiSchemas` with an id become named components; the rest are inlined.
import { z } from "zod";
import type { RouteDescription } from "../http/route.js";

/** Named schemas of the API (answers, citations, documents…), shown as components in the document. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

type JsonSchema = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/** The document for `routes`, with `Authorization: Bearer` as the security scheme of keyed routes. */
export function openApiDocument(routes: readonly RouteDescription[], info: OpenApiInfo): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const convert = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, metadata: apiSchemas, unrepresentable: "any" }) as JsonSchema;
    const { $schema: _dialect, $defs, ...rest } = json;
    for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      // Request schemas are inlined, so a named component is always the output (response) form.
      components[name] ??= rewriteRefs(definition) as JsonSchema;
    }
    return rewriteRefs(rest) as JsonSchema;
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/gu, "{$1}");
    const parameters = [
      ...objectParameters(route.params, "path", convert),
      ...objectParameters(route.query, "query", convert),
      ...Object.entries(route.headers ?? {}).map(([name, description]) => ({
        name,
        in: "header",
        required: false,
        description,
        schema: { type: "string" },
      })),
    ];
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/gu, (_, next: string | undefined) => (next ?? "").toUpperCase())}`,
      ...(route.scope === "public"
        ? { security: [] }
        : { description: `Needs an API key with the "${route.scope}" scope (admin holds every scope).` }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: requestBody(route.body, convert) } : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema || response.contentType
              ? {
                  content: {
                    [response.contentType ?? "application/json"]: response.schema
                      ? { schema: convert(response.schema, "output") }
                      : {},
                  },
                }
              : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "A Verity API key" } },
    },
    security: [{ apiKey: [] }],
  };
}

function requestBody(body: z.ZodType | "multipart", convert: (schema: z.ZodType, io: "input") => JsonSchema) {
  if (body === "multipart") {
    return {
      required: true,
      content: {
        "multipart/form-data": {
          schema: {
            type: "object",
            properties: {
              file: {
                type: "array",
                items: { type: "string", contentMediaType: "application/octet-stream" },
              },
              groups: {
                type: "string",
                description: "Access groups of the uploaded documents, comma-separated",
              },
            },
          },
        },
      },
    };
  }
  return { required: true, content: { "application/json": { schema: convert(body, "input") } } };
}

/** Path or query parameters from an object schema, one per property. */
function objectParameters(
  schema: z.ZodType | undefined,
  location: "path" | "query",
  convert: (schema: z.ZodType, io: "input") => JsonSchema,
): JsonSchema[] {
  if (!schema) return [];
  const json = convert(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === "path" || required.has(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

/** `#/$defs/X` (zod's) becomes `#/components/schemas/X` (OpenAPI's). */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string"
        ? inner.replace("#/$defs/", "#/components/schemas/")
        : rewriteRefs(inner),
    ]),
  );
}
