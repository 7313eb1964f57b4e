// Jobs: list the recent ones this key may see, read one, or follow one as Server-Sent Events
// (`progress` at each step, then `done` with the result). A key sees the jobs it started, and those
// of collections it may read in full (every access group: job results name files of every group).
import { z } from "zod";
import { mayReadCollection } from "../../core/access.js";
import { VerityError } from "../../core/errors.js";
import type { Caller } from "../context.js";
import { errorSchema, keyedErrors, opaqueId } from "../http/common-schemas.js";
import type { RouteTable } from "../http/route.js";
import { type EventStream, openEventStream } from "../sse/event-stream.js";
import type { JobRunner } from "./job-runner.js";
import { jobSchema } from "./job-schema.js";
import type { ServerJob } from "./server-job.js";

const jobParams = z.object({ id: opaqueId }).strict();

function visible(caller: Caller, found: { job: ServerJob; keyId?: string }): boolean {
  if (found.keyId !== undefined && found.keyId === caller.keyId) return true;
  return caller.access.groups === "*" && mayReadCollection(caller.access, found.job.collection);
}

/** Adds the routes; the function returned ends every open event stream (the server is closing). */
export function addJobRoutes(routes: RouteTable, jobs: JobRunner): () => void {
  const open = new Set<EventStream>();
  const visibleJob = async (caller: Caller, id: string): Promise<ServerJob> => {
    const found = await jobs.get(id);
    if (!found || !visible(caller, found)) {
      throw new VerityError(
        "E_NOT_FOUND",
        `job ${id} not found; GET /api/v1/jobs lists the jobs this key may see`,
      );
    }
    return found.job;
  };

  routes.add({
    method: "GET",
    url: "/api/v1/jobs",
    summary: "Recent upload and reindex jobs this key may see, newest first",
    tag: "jobs",
    scope: "read",
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
    responses: {
      200: { description: "Jobs", schema: z.object({ jobs: z.array(jobSchema) }) },
      ...keyedErrors,
    },
    handler: async ({ caller, query }) => ({
      jobs: (await jobs.list(query.limit * 2))
        .filter((found) => visible(caller, found))
        .slice(0, query.limit)
        .map((found) => found.job),
    }),
  });

  routes.add({
    method: "GET",
    url: "/api/v1/jobs/:id",
    summary: "One job: status, progress, and its result once finished",
    tag: "jobs",
    scope: "read",
    params: jobParams,
    responses: {
      200: { description: "The job", schema: jobSchema },
      404: { description: "No such job, or not one this key may see", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ caller, params }) => visibleJob(caller, params.id),
  });

  routes.add({
    method: "GET",
    url: "/api/v1/jobs/:id/events",
    summary:
      "Follow a job as Server-Sent Events: `progress` events, then one `done` event with the job's result",
    tag: "jobs",
    scope: "read",
    params: jobParams,
    responses: {
      200: {
        description: "An event stream; each event's data is the job (see Job)",
        contentType: "text/event-stream",
      },
      404: { description: "No such job, or not one this key may see", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ caller, params, reply, request }) => {
      await visibleJob(caller, params.id);
      reply.hijack();
      const stream = openEventStream(reply.raw, { "x-request-id": request.id });
      open.add(stream);
      reply.raw.on("close", () => open.delete(stream));
      let unsubscribe = () => undefined as unknown;
      unsubscribe = await jobs.subscribe(params.id, (job, finished) => {
        stream.send(finished ? "done" : "progress", job);
        if (finished) {
          stream.end();
          queueMicrotask(() => unsubscribe());
        }
      });
      reply.raw.on("close", () => unsubscribe());
      return reply;
    },
  });

  return () => {
    for (const stream of open) stream.end();
  };
}
