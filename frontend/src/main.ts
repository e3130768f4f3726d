// Entry point: picks the API client and starts the shell.
//
// The real server is used unless the page runs in demo mode: `npm run dev` (vite --mode
// demo), or any build opened with ?demo in its URL. Demo knobs, all optional:
//   ?demo&runs=100&tags=10&steps=10000&big=1000000&latency=20&train=0

import "uplot/dist/uPlot.min.css";
import "./styles.css";
import type { ApiClient } from "./api/client";
import { HttpClient } from "./api/http_client";
import { App } from "./shell/app";
import { installDebug } from "./shell/debug";

async function demoClient(params: URLSearchParams): Promise<ApiClient> {
  const { FakeClient } = await import("./api/fake_client");
  const { demoSpec } = await import("./api/fake_logdir");
  const number = (name: string, fallback: number): number => {
    const value = Number(params.get(name));
    return params.has(name) && Number.isFinite(value) ? value : fallback;
  };
  const client = new FakeClient(
    demoSpec({
      runs: number("runs", 6),
      tags: number("tags", 8),
      steps: number("steps", 2000),
      bigSeries: number("big", 1_000_000),
    }),
    { latencyMs: number("latency", 20), windowTitle: "trainboard (demo)" },
  );
  if (number("train", 1) > 0) client.startDemoTraining(1000);
  return client;
}

async function main(): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const demo = import.meta.env.MODE === "demo" || params.has("demo");
  const client = demo ? await demoClient(params) : new HttpClient();
  const app = new App(client);
  document.getElementById("app")?.replaceChildren(app.element);
  installDebug(app);
  await app.start();
}

void main();
