// @vitest-environment happy-dom
// The generic API methods dashboards use: getJson / getBytes / href over HTTP and over the
// fake client's routes.

import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./client";
import { FakeClient } from "./fake_client";
import { HttpClient } from "./http_client";
import { encodeQuery, pathWithQuery } from "./query";

const spec = { runs: [{ name: "a", tags: { loss: 3 } }] };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("query strings", () => {
  it("repeats array keys, writes booleans and numbers, drops null and undefined", () => {
    const query = encodeQuery({ tag: "a/b c", runs: ["x,y", "z&w"], step: 3, sample: 0, flag: true, off: null, gone: undefined });
    expect(query.getAll("runs")).toEqual(["x,y", "z&w"]);
    expect(query.toString()).toBe("tag=a%2Fb+c&runs=x%2Cy&runs=z%26w&step=3&sample=0&flag=true");
    expect(pathWithQuery("/api/images", { run: "r" })).toBe("api/images?run=r");
    expect(pathWithQuery("api/x?kind=a", { b: 1 })).toBe("api/x?kind=a&b=1");
    expect(pathWithQuery("api/x")).toBe("api/x");
  });
});

describe("HttpClient", () => {
  it("gets JSON and bytes relative to the page, and makes hrefs", async () => {
    const urls: string[] = [];
    vi.stubGlobal("fetch", async (url: string) => {
      urls.push(url);
      return url.includes("bytes") ? new Response(new Uint8Array([1, 2, 3])) : Response.json({ ok: [1] });
    });
    const client = new HttpClient("http://host/prefix/");
    expect(await client.getJson<{ ok: number[] }>("api/images", { runs: ["a", "b"], tag: "t" })).toEqual({ ok: [1] });
    expect(new Uint8Array(await client.getBytes("api/bytes", { i: 2 }))).toEqual(new Uint8Array([1, 2, 3]));
    expect(urls).toEqual(["http://host/prefix/api/images?runs=a&runs=b&tag=t", "http://host/prefix/api/bytes?i=2"]);
    expect(client.href("api/audio/data", { run: "r 1", index: 0 })).toBe("http://host/prefix/api/audio/data?run=r+1&index=0");
  });

  it("turns error answers into ApiError with the server's message", async () => {
    vi.stubGlobal("fetch", async () => Response.json({ error: { status: 400, message: "bad 'step': -1" } }, { status: 400 }));
    const client = new HttpClient("http://host/");
    await expect(client.getJson("api/images", { step: -1 })).rejects.toMatchObject({ name: "ApiError", status: 400, message: "bad 'step': -1" });
  });
});

describe("FakeClient routes", () => {
  it("answers JSON copies from installed routes and records requests", async () => {
    const answer = { items: [{ step: 1 }] };
    const client = new FakeClient(spec).addRoute("/api/images", (params) => ({ ...answer, runs: params.getAll("runs") }));
    const got = await client.getJson<{ items: { step: number }[]; runs: string[] }>("api/images", { runs: ["a", "b"] });
    expect(got).toEqual({ items: [{ step: 1 }], runs: ["a", "b"] });
    expect(got.items).not.toBe(answer.items);
    expect(client.requests.map((r) => [r.method, r.path, r.params.toString()])).toEqual([["json", "api/images", "runs=a&runs=b"]]);
  });

  it("answers bytes, data: hrefs, and errors like a server", async () => {
    const client = new FakeClient(spec, {
      routes: {
        "api/blob": () => new Uint8Array([7, 8]),
        "api/fail": () => {
          throw new ApiError(400, "bad tag");
        },
      },
    });
    expect(new Uint8Array(await client.getBytes("api/blob"))).toEqual(new Uint8Array([7, 8]));
    expect(client.href("api/blob", { i: 1 })).toBe("data:application/octet-stream;base64,Bwg=");
    expect(client.href("api/nothing", { i: 1 })).toBe("api/nothing?i=1");
    await expect(client.getJson("api/fail")).rejects.toMatchObject({ status: 400, message: "bad tag" });
    await expect(client.getJson("api/missing")).rejects.toMatchObject({ status: 404 });
    await expect(client.getJson("api/blob")).rejects.toBeInstanceOf(ApiError);
  });

  it("honours abort signals", async () => {
    const client = new FakeClient(spec, { latencyMs: 5 }).addRoute("api/slow", () => ({}));
    const controller = new AbortController();
    const answer = client.getJson("api/slow", {}, controller.signal);
    controller.abort();
    await expect(answer).rejects.toMatchObject({ name: "AbortError" });
  });
});
