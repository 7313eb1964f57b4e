import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { createTurns } from "./turns.js";

describe("turns", () => {
  it("start callers in the order they asked", async () => {
    const turn = createTurns();
    const started: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map(async (index) => turn().then(() => started.push(index))));
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it("let the event loop accept a connection between two starts", async () => {
    // Each start connects to a local server; with a turn of the loop between starts, the server
    // accepts that connection before the next caller starts. Started in one turn, all three would
    // start before any connection is accepted.
    const events: string[] = [];
    const server = createServer((socket) => {
      events.push("accepted");
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const sockets: Socket[] = [];
    const turn = createTurns();
    const caller = async (index: number) => {
      await turn();
      events.push(`start ${index}`);
      sockets.push(connect(port, "127.0.0.1").on("error", () => undefined));
      // An answer that does not give the loop back while it runs.
      const until = performance.now() + 5;
      while (performance.now() < until);
    };
    try {
      await Promise.all([caller(0), caller(1), caller(2)]);
      await new Promise<void>((resolve) => {
        const check = () =>
          events.filter((event) => event === "accepted").length === 3 ? resolve() : setImmediate(check);
        check();
      });
      expect(events).toEqual(["start 0", "accepted", "start 1", "accepted", "start 2", "accepted"]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("start at once in the next turn when nobody waits", async () => {
    const turn = createTurns();
    await turn();
    let started = false;
    const pending = turn().then(() => {
      started = true;
    });
    expect(started).toBe(false);
    await pending;
    expect(started).toBe(true);
  });
});
