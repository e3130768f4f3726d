// The large libraries some dashboards need, each loaded on first use with a dynamic import so
// it lands in its own chunk and the main bundle stays small (`npm run build` lists the
// chunks). Import these loaders, never the libraries themselves, outside a lazily registered
// dashboard (see src/dashboards/registry.ts). Each loader imports once and caches.
//
//   const Plotly = await loadPlotly();
//   await Plotly.newPlot(element, data, layout);

import type ElkConstructor from "elkjs/lib/elk.bundled.js";

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | null = null;
  return () => {
    promise ??= load().catch((err: unknown) => {
      promise = null; // let a later call try again (e.g. after a network blip)
      throw err;
    });
    return promise;
  };
}

/** plotly.js (the Live tab). */
export const loadPlotly = once(async () => (await import("plotly.js-dist-min")).default);

/** three.js (Mesh, Projector). */
export const loadThree = once(() => import("three"));

/** The ELK graph layout constructor (Graphs): `new (await loadElk())()`. */
export const loadElk = once(async (): Promise<typeof ElkConstructor> => (await import("elkjs/lib/elk.bundled.js")).default);

/**
 * A Markdown renderer with raw HTML disabled (text summaries are untrusted): links are
 * checked by markdown-it's validateLink, which refuses javascript:, vbscript:, file: and
 * most data: URLs.
 */
export const loadMarkdown = once(async () => {
  const { default: MarkdownItClass } = await import("markdown-it");
  return new MarkdownItClass({ html: false, linkify: true, typographer: false });
});
