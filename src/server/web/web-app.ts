// The web app (web/, built by `npm run build` into dist/web) served as static files at `/`: no key
// is needed to load them (the app sends the key with its API calls), hashed assets are cached for
// good, index.html is revalidated, and every page carries a Content-Security-Policy allowing only
// this origin. Only files of the build get routes, so /api, /v1, /mcp and the health routes are never
// shadowed. Without a build, `/` says how to make one.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** dist/web beside this module, from the source (src/server/web) or the build (dist/server/web). */
export const defaultWebRoot = fileURLToPath(new URL("../../../dist/web/", import.meta.url));

/**
 * Self only; blob: for the PDF worker and images; inline styles set by pdf.js and charts. Recordings
 * stream from media links (same origin), never from blob: URLs.
 */
export const webContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const missingBuildPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Verity: web app not built</title></head>
<body><main><h1>The web app is not built</h1>
<p>This server has no built web app to serve. In the Verity folder run <code>npm run build</code>
(or <code>npm ci</code>, which builds it), then restart <code>verity serve</code>.</p>
<p>The HTTP API works without it: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> describes it.</p>
</main></body></html>
`;

function securityHeaders(set: (name: string, value: string) => void): void {
  set("content-security-policy", webContentSecurityPolicy);
  set("x-content-type-options", "nosniff");
  set("referrer-policy", "no-referrer");
  set("x-frame-options", "DENY");
}

/** Registers the app's files (or the missing-build page) at `/`; every route it adds is public. */
export async function addWebApp(app: FastifyInstance, root: string = defaultWebRoot): Promise<void> {
  // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin (its types allow both).
  await app.register(async (scope) => {
    scope.addHook("onRoute", (route) => {
      route.config = Object.assign(route.config ?? {}, { public: true });
    });
    if (!existsSync(join(root, "index.html"))) {
      scope.get("/", async (_request, reply) => {
        securityHeaders((name, value) => reply.header(name, value));
        return reply
          .code(503)
          .header("cache-control", "no-store")
          .type("text/html; charset=utf-8")
          .send(missingBuildPage);
      });
      return;
    }
    await scope.register(fastifyStatic, {
      root,
      prefix: "/",
      wildcard: false,
      index: ["index.html"],
      cacheControl: false,
      etag: true,
      lastModified: true,
      serveDotFiles: false,
      setHeaders(response, path) {
        securityHeaders((name, value) => response.setHeader(name, value));
        // Vite names assets by their content hash: a changed file is a new URL.
        const hashed = path.includes(`${join(root, "assets")}`);
        response.setHeader("cache-control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
      },
    });
  });
}
