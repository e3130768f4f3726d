// @vitest-environment happy-dom
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import type { TextContent } from "./api";
import { displayTag } from "./api";
import { isSafeUrl, renderContent, renderMarkdown } from "./render";

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
/** A renderer that lets raw HTML through, to test the second line of defence alone. */
const raw = { render: (source: string): string => source };

function html(fragment: DocumentFragment): HTMLDivElement {
  const div = document.createElement("div");
  div.append(fragment);
  return div;
}

function dangerous(root: Element): string[] {
  const found: string[] = [];
  for (const el of root.querySelectorAll("*")) {
    if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "STYLE"].includes(el.tagName.toUpperCase())) found.push(el.tagName);
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) found.push(`${el.tagName}[${attr.name}]`);
      if (["href", "src"].includes(attr.name) && /^\s*(javascript|vbscript|data:text)/i.test(attr.value)) found.push(`${el.tagName}[${attr.name}=${attr.value}]`);
    }
  }
  return found;
}

const PAYLOADS = [
  "<script>window.__xss = 1</script>",
  '<img src="x" onerror="window.__xss = 2">',
  "[click](javascript:window.__xss=3)",
  "[tab](java\tscript:alert(1))",
  "<a href=\"javascript:alert(1)\">raw</a>",
  "![pic](javascript:alert(1))",
  "[data](data:text/html;base64,PHNjcmlwdD4=)",
  "<svg onload=alert(1)></svg><iframe src=javascript:alert(1)></iframe>",
  "<javascript:alert(1)>",
];

describe("renderMarkdown", () => {
  it("renders headings, emphasis, fenced code and safe links", () => {
    const div = html(renderMarkdown(md, "# Title\n\n*x* [docs](https://example.com)\n\n```python\nprint(1)\n```\n"));
    expect(div.querySelector("h1")?.textContent).toBe("Title");
    expect(div.querySelector("em")?.textContent).toBe("x");
    const code = div.querySelector("pre > code");
    expect(code?.textContent).toBe("print(1)\n");
    expect(code?.className).toBe("language-python");
    const link = div.querySelector("a");
    expect(link?.getAttribute("href")).toBe("https://example.com");
    expect(link?.getAttribute("rel")).toBe("noopener noreferrer nofollow");
    expect(link?.getAttribute("target")).toBe("_blank");
  });

  it.each(PAYLOADS)("keeps %j inert", (payload) => {
    const div = html(renderMarkdown(md, payload));
    expect(dangerous(div)).toEqual([]);
    expect(div.querySelectorAll("img").length).toBe(0);
  });

  it("strips what markdown-it would let through, were raw HTML ever on", () => {
    const div = html(
      renderMarkdown(
        raw,
        '<p onclick="x" style="color:red">hi<script>alert(1)</script><b>bold</b>' +
          '<a href="javascript:alert(1)">bad</a><a href=" JaVa\tScRiPt:alert(1)">bad2</a>' +
          '<a href="https://ok.org/">ok</a><img src="x.png" onerror="alert(1)">' +
          '<img src="data:image/png;base64,AAAA"><img src="//tracker/p.gif"><iframe src="https://x"></iframe>' +
          '<svg><circle onload="alert(1)"/></svg><table><tr><td style="text-align:right">1</td>' +
          '<td style="background:url(x)">2</td></tr></table></p>',
      ),
    );
    expect(dangerous(div)).toEqual([]);
    expect(div.querySelector("p")?.attributes.length).toBe(0);
    expect(div.querySelector("b")).toBeNull();
    expect(div.textContent).toContain("bold");
    const links = [...div.querySelectorAll("a")].map((a) => a.getAttribute("href"));
    expect(links).toEqual([null, null, "https://ok.org/"]);
    const images = [...div.querySelectorAll("img")].map((i) => i.getAttribute("src"));
    expect(images).toEqual(["x.png", "data:image/png;base64,AAAA", null]);
    expect(div.querySelector("svg, iframe, script")).toBeNull();
    const cells = [...div.querySelectorAll("td")].map((td) => td.getAttribute("style"));
    expect(cells).toEqual(["text-align:right", null]);
  });
});

describe("isSafeUrl", () => {
  it.each([
    ["https://a.org/x", false, true],
    ["HTTP://a.org", false, true],
    ["mailto:a@b.c", false, true],
    ["/relative/path", false, true],
    ["#anchor", false, true],
    ["javascript:alert(1)", false, false],
    [" java\nscript:alert(1)", false, false],
    ["vbscript:x", false, false],
    ["data:image/png;base64,AA", false, false],
    ["data:image/png;base64,AA", true, true],
    ["data:image/svg+xml;base64,AA", true, false],
    ["//cdn.example/x.png", true, false],
    ["file:///etc/passwd", false, false],
  ])("%j (image: %s) -> %s", (url, image, safe) => {
    expect(isSafeUrl(url, image)).toBe(safe);
  });
});

function content(patch: Partial<TextContent>): TextContent {
  return { run: "r", tag: "t", step: 0, wallTime: 0, shape: [1], markdown: null, table: null, sliced: false, totalRows: 0, ...patch };
}

describe("renderContent", () => {
  it("draws a table of Markdown cells with data-row/data-col", () => {
    const root = renderContent(md, content({ shape: [2, 2], table: [["a", "**b**"], ["c", "`d`"]], totalRows: 2 }));
    const cells = [...root.querySelectorAll('[data-testid="text-cell"]')];
    expect(cells.map((c) => [c.getAttribute("data-row"), c.getAttribute("data-col"), c.textContent?.trim()])).toEqual([
      ["0", "0", "a"],
      ["0", "1", "b"],
      ["1", "0", "c"],
      ["1", "1", "d"],
    ]);
    expect(root.querySelector('[data-row="0"][data-col="1"] strong')?.textContent).toBe("b");
    expect(root.querySelector('[data-testid="text-note"]')).toBeNull();
  });

  it("says when a tensor was sliced to 2-D or its rows were cut", () => {
    const root = renderContent(md, content({ shape: [3, 2, 1], table: [["x"], ["y"]], sliced: true, totalRows: 9 }));
    const notes = [...root.querySelectorAll('[data-testid="text-note"]')].map((n) => n.textContent);
    expect(notes).toEqual([
      "This text summary has 3 dimensions (3×2×1); showing its 2-D slice [0, …, 0, :, :].",
      "Showing the first 2 of 9 rows.",
    ]);
  });

  it("draws a single string as Markdown", () => {
    const root = renderContent(md, content({ markdown: "## Hi" }));
    expect(root.querySelector('[data-testid="text-markdown"] h2')?.textContent).toBe("Hi");
  });
});

describe("displayTag", () => {
  it("drops torch's /text_summary only", () => {
    expect(displayTag("notes/text_summary")).toBe("notes");
    expect(displayTag("/text_summary")).toBe("/text_summary");
    expect(displayTag("a/b")).toBe("a/b");
  });
});
