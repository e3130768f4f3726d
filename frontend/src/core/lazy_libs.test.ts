import { describe, expect, it } from "vitest";
import { loadElk, loadMarkdown, loadThree } from "./lazy_libs";

describe("lazily loaded libraries", () => {
  it("renders Markdown safely: raw HTML escaped, script links refused", async () => {
    const md = await loadMarkdown();
    expect(await loadMarkdown()).toBe(md);
    const html = md.render("**bold** <script>alert(1)</script> [x](javascript:alert(1))");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain('href="javascript:');
  });

  it("lays out a graph with ELK and does 3-D maths with three", async () => {
    const Elk = await loadElk();
    const layout = await new Elk().layout({
      id: "root",
      children: [{ id: "a", width: 10, height: 10 }, { id: "b", width: 10, height: 10 }],
      edges: [{ id: "e", sources: ["a"], targets: ["b"] }],
    });
    expect(layout.children?.map((c) => c.id)).toEqual(["a", "b"]);
    const THREE = await loadThree();
    expect(new THREE.Vector3(3, 4, 0).length()).toBe(5);
  });
});
