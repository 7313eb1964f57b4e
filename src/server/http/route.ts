// One shape for every native route: its method and URL, the scope it needs, zod schemas for what it
// takes (parsed here, at the edge, before the handler runs) and documents (for the OpenAPI document),
// and a handler that receives typed input and the caller. Registering a route records it for OpenAPI.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { VerityError } from "../../core/errors.js";
import { type Caller, requireScope, type Scope } from "../context.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ResponseSpec {
  description: string;
  /** The JSON body's schema; absent for a body that is not JSON (a file, an event stream). */
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
}

export interface RouteInput<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
  caller: Caller;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface Route<Params = undefined, Query = undefined, Body = undefined> {
  method: HttpMethod;
  url: string;
  summary: string;
  /** OpenAPI tag: the concept the route belongs to. */
  tag: string;
  /** The scope a caller's key needs; `public` routes need no key (health, metrics, this document). */
  scope: Scope | "public";
  /** Also reachable with a media link's `?token=` instead of a key (see `auth/media-tokens.ts`). */
  mediaToken?: boolean;
  params?: z.ZodType<Params>;
  query?: z.ZodType<Query>;
  /** A JSON body's schema, or `multipart` for uploads (the handler reads the parts as they stream). */
  body?: z.ZodType<Body> | "multipart";
  /** Request headers the route reads, documented (e.g. Range, Accept). */
  headers?: Record<string, string>;
  responses: Record<number, ResponseSpec>;
  handler(input: RouteInput<Params, Query, Body>): Promise<unknown>;
}

/** What the OpenAPI document needs of a route, types erased. */
export interface RouteDescription {
  method: HttpMethod;
  url: string;
  summary: string;
  tag: string;
  scope: Scope | "public";
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType | "multipart";
  headers?: Record<string, string>;
  responses: Record<number, ResponseSpec>;
}

export interface RouteTable {
  add<Params = undefined, Query = undefined, Body = undefined>(route: Route<Params, Query, Body>): void;
  readonly routes: readonly RouteDescription[];
}

declare module "fastify" {
  interface FastifyRequest {
    /** Who is calling, set by the auth plugin on /api and /v1 routes. */
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** Reachable without an API key. */
    public?: boolean;
    /** Reachable with a media link's `?token=` for the document in its path. */
    mediaToken?: boolean;
  }
}

/** Routes added here are registered on `app` (inside its current plugin) and listed for OpenAPI. */
export function createRouteTable(app: FastifyInstance): RouteTable {
  const routes: RouteDescription[] = [];
  return {
    routes,
    add(route) {
      routes.push(route as RouteDescription);
      app.route({
        method: route.method,
        url: route.url,
        config: { public: route.scope === "public", mediaToken: route.mediaToken === true },
        handler: async (request, reply) => {
          const caller = request.caller ?? anonymous;
          if (route.scope !== "public") requireScope(caller, route.scope);
          const input = {
            params: parse(route.params, request.params, "path") as never,
            query: parse(route.query, request.query, "query") as never,
            body: readBody(route.body, request) as never,
            caller,
            request,
            reply,
          };
          const result = await route.handler(input);
          return reply.sent ? reply : result;
        },
      });
    },
  };
}

/** Public routes are asked without a key: they get no scopes and read nothing. */
const anonymous: Caller = { scopes: [], access: { collections: [], groups: [] } };

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${[where, ...issue.path.map(String)].join(".")}: ${issue.message}`);
  throw new VerityError("E_INVALID_INPUT", problems.join("; "));
}

function readBody(spec: z.ZodType | "multipart" | undefined, request: FastifyRequest): unknown {
  if (spec === undefined) return undefined;
  const mediaType = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (spec === "multipart") {
    if (mediaType !== "multipart/form-data") {
      throw new VerityError(
        "E_UNSUPPORTED_MEDIA",
        `this route takes multipart/form-data (files as form parts), not ${mediaType ?? "a body without a content type"}`,
      );
    }
    return undefined;
  }
  if (mediaType === undefined && request.body === undefined) {
    throw new VerityError(
      "E_INVALID_INPUT",
      "this route takes a JSON body; send one with content-type application/json",
    );
  }
  if (mediaType !== "application/json" && !mediaType?.endsWith("+json")) {
    throw new VerityError(
      "E_UNSUPPORTED_MEDIA",
      `this route takes application/json, not ${mediaType ?? "a body without a content type"}`,
    );
  }
  return parse(spec, request.body, "body");
}
