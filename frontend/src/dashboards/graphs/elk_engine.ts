// ELK for the Graphs dashboard, loaded on first use: in a web worker, so laying out a large
// expanded graph never blocks the page, or (where workers fail, e.g. a file:// page) the
// bundled ELK from lazy_libs, which runs on the main thread but asynchronously.

import type { ElkNode } from "elkjs/lib/elk-api";
import { loadElk } from "../../core/lazy_libs";
import type { LayoutEngine } from "./layout";

type Engine = LayoutEngine & { terminateWorker?(): void };

async function workerEngine(): Promise<Engine> {
  const [{ default: ElkApi }, { default: ElkWorker }] = await Promise.all([
    import("elkjs/lib/elk-api.js"),
    import("elkjs/lib/elk-worker.min.js?worker"),
  ]);
  return new ElkApi({ workerFactory: () => new ElkWorker() });
}

async function mainThreadEngine(): Promise<Engine> {
  const Elk = await loadElk();
  return new Elk();
}

/**
 * A LayoutEngine that tries the worker first and falls back to the main thread for good if
 * the worker cannot be created or its first layout fails.
 */
export class ElkEngine implements LayoutEngine {
  private engine: Promise<Engine> | null = null;
  private usingWorker = true;

  /** "worker" or "main-thread" (for debug()). */
  get mode(): string {
    return this.usingWorker ? "worker" : "main-thread";
  }

  /** Starts loading ELK now (while the graph is fetched), so the first layout waits less. */
  warm(): void {
    if (this.usingWorker && typeof Worker === "function") this.engine ??= workerEngine();
    this.engine?.catch(() => undefined); // a failure is handled by the first layout
  }

  /** Stops the worker (the dashboard is gone). */
  terminate(): void {
    const engine = this.engine;
    this.engine = null;
    void engine?.then((e) => e.terminateWorker?.()).catch(() => undefined);
  }

  async layout(graph: ElkNode): Promise<ElkNode> {
    if (this.usingWorker) {
      try {
        this.engine ??= typeof Worker === "function" ? workerEngine() : Promise.reject(new Error("no Worker"));
        return await (await this.engine).layout(structuredClone(graph));
      } catch (err) {
        if (err instanceof DOMException && err.name === "AbortError") throw err;
        this.usingWorker = false;
        this.engine = mainThreadEngine();
      }
    }
    this.engine ??= mainThreadEngine();
    return (await this.engine).layout(graph);
  }
}
