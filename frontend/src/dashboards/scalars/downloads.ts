// A card's "Download data" menu: per run, CSV and JSON of every point at full resolution
// (GET /api/scalars/data). Links are built when the menu opens, so they always list the
// card's current runs.
//
// Hooks: data-testid="download-menu" (a <details>; click its <summary> to open), then per run
// data-testid="download-csv" / "download-json" links carrying data-run.

import type { ApiClient } from "../../api/client";
import type { DownloadFormat } from "../../api/scalars";
import { scalarDataHref } from "../../api/scalars";
import { h } from "../../core/dom";
import type { CardSpec } from "../../components/scalar_card_specs";

/** A file name for a download: run and tag with path separators made safe. */
export function downloadName(run: string, tag: string, format: DownloadFormat): string {
  const safe = (text: string): string => text.replace(/[\\/:*?"<>|\s]+/g, "_");
  return `${safe(run)}-${safe(tag)}.${format}`;
}

export function downloadLinks(spec: () => CardSpec, client: ApiClient): HTMLDetailsElement {
  const list = h("div", { class: "tb-download-list" });
  const menu = h(
    "details",
    { class: "tb-downloads", "data-testid": "download-menu" },
    h("summary", {}, "Download data"),
    list,
  );
  menu.addEventListener("toggle", () => {
    if (!menu.open) return;
    const { tag, runs } = spec();
    list.replaceChildren(
      ...runs.map((run) => {
        const link = (format: DownloadFormat): HTMLAnchorElement =>
          h(
            "a",
            {
              href: scalarDataHref(client, run, tag, format),
              download: downloadName(run, tag, format),
              "data-testid": `download-${format}`,
              "data-run": run,
            },
            format.toUpperCase(),
          );
        return h("div", { class: "tb-download-row" }, h("span", { class: "tb-download-run" }, run), link("csv"), link("json"));
      }),
    );
  });
  return menu;
}
