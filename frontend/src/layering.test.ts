// The front end's import graph. A dashboard is one folder under src/dashboards/ plus shared
// pieces in src/components/, src/charts/, src/core/ and src/api/, so:
//   - no file in src/dashboards/<a>/ imports from src/dashboards/<b>/ (tests included);
//   - src/api/, src/core/, src/components/ and src/charts/ import nothing from src/dashboards/;
//     the registry (src/dashboards/registry.ts) is the one place that lists dashboards, and
//     only the shell imports it.

import { describe, expect, it } from "vitest";

const SOURCES = import.meta.glob<string>("./**/*.ts", { query: "?raw", import: "default", eager: true });

/** Every relative module a file names: imports, re-exports, side-effect and dynamic imports. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+["']([^"']+)["']/g, /\bimport\s+["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const spec = match[1] as string;
      if (spec.startsWith(".")) found.push(spec);
    }
  }
  return found;
}

/** Resolves `spec` against the file's path ("./a/b.ts"), giving a path from src/ ("a/c"). */
function resolve(file: string, spec: string): string {
  const parts = file.replace(/^\.\//, "").split("/").slice(0, -1);
  for (const part of spec.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const [file, text] of Object.entries(SOURCES)) {
    for (const spec of importsOf(text)) out.push({ from: file.replace(/^\.\//, ""), to: resolve(file, spec) });
  }
  return out;
}

/** The dashboard folder a path lies in ("images" for dashboards/images/x), or null. */
function dashboardOf(path: string): string | null {
  const match = /^dashboards\/([^/]+)\//.exec(path);
  return match ? (match[1] as string) : null;
}

describe("import graph", () => {
  it("sees the sources", () => {
    expect(Object.keys(SOURCES).length).toBeGreaterThan(100);
    expect(edges().some((e) => e.from === "shell/app.ts" && e.to === "dashboards/registry")).toBe(true);
  });

  it("no dashboard folder imports from another dashboard folder", () => {
    const crossing = edges()
      .filter((e) => {
        const from = dashboardOf(e.from);
        const to = dashboardOf(e.to);
        return from !== null && to !== null && from !== to;
      })
      .map((e) => `${e.from} -> ${e.to}`);
    expect(crossing).toEqual([]);
  });

  it("api, core, components and charts import nothing from dashboards", () => {
    const shared = /^(api|core|components|charts)\//;
    const upward = edges()
      .filter((e) => shared.test(e.from) && e.to.startsWith("dashboards/"))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(upward).toEqual([]);
  });

  it("only the shell imports the registry", () => {
    const importers = edges()
      .filter((e) => e.to === "dashboards/registry" && !e.from.startsWith("shell/"))
      .map((e) => e.from);
    expect(importers).toEqual([]);
  });
});
