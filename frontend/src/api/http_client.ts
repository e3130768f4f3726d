// ApiClient over the real server. Every URL is relative to the page, so the board works
// under any path prefix; the push channel is the WebSocket at api/live beside it.

import type { Environment, Kind, LiveTransport, QueryParams, RunsInfo, TagsIndex } from "./client";
import { ApiClient, ApiError } from "./client";
import { pathWithQuery } from "./query";
import { convertEnvironment, convertRuns, convertTags } from "./convert";
import type { WireEnvironment, WireErrorBody, WireRunsResponse, WireTagsResponse } from "./wire_types";

async function errorFrom(response: Response, url: string): Promise<ApiError> {
  let message = `${response.status} ${response.statusText} for ${url}`;
  try {
    const body = (await response.json()) as WireErrorBody;
    if (body?.error?.message) message = body.error.message;
  } catch {
    // Not a JSON error body (e.g. a proxy's HTML page): keep the status line.
  }
  return new ApiError(response.status, message);
}

export class HttpClient extends ApiClient {
  private readonly base: URL;

  /** `base`: the URL the api/ paths are relative to (default: the page's own URL). */
  constructor(base?: string) {
    super();
    this.base = new URL(base ?? document.baseURI);
  }

  private url(path: string): string {
    return new URL(path, this.base).toString();
  }

  private async get(path: string, signal?: AbortSignal): Promise<Response> {
    return this.request(path, signal ? { signal } : {});
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const url = this.url(path);
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      throw new ApiError(0, `cannot reach the server at ${url}: ${String(err)}`);
    }
    if (!response.ok) throw await errorFrom(response, url);
    return response;
  }

  async getJson<T>(path: string, params: QueryParams = {}, signal?: AbortSignal): Promise<T> {
    return (await (await this.get(pathWithQuery(path, params), signal)).json()) as T;
  }

  async getBytes(path: string, params: QueryParams = {}, signal?: AbortSignal): Promise<ArrayBuffer> {
    return (await this.get(pathWithQuery(path, params), signal)).arrayBuffer();
  }

  override async sendJson<T>(method: "POST" | "PUT" | "DELETE", path: string, body: unknown): Promise<T> {
    const init = { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" as const };
    return (await (await this.request(path, init)).json()) as T;
  }

  href(path: string, params: QueryParams = {}): string {
    return this.url(pathWithQuery(path, params));
  }

  async environment(): Promise<Environment> {
    return convertEnvironment(await this.getJson<WireEnvironment>("api/environment"));
  }

  async runs(): Promise<RunsInfo> {
    return convertRuns(await this.getJson<WireRunsResponse>("api/runs"));
  }

  async tags(kind: Kind): Promise<TagsIndex> {
    return convertTags(await this.getJson<WireTagsResponse>("api/tags", { kind }));
  }

  openLive(): LiveTransport {
    const url = new URL("api/live", this.base);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url.toString());
    const transport: LiveTransport = {
      onopen: null,
      onmessage: null,
      onclose: null,
      close: () => socket.close(),
    };
    socket.onopen = () => transport.onopen?.();
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === "string") transport.onmessage?.(event.data);
    };
    // An error is always followed by close, which is where reconnecting starts.
    socket.onclose = () => transport.onclose?.();
    return transport;
  }
}
