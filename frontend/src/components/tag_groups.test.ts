// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { GroupView, groupByPrefix, TagFilterInput, tagPrefix } from "./tag_groups";

describe("groupByPrefix", () => {
  const tags = ["loss/train", "acc", "loss/eval", "lr/group0", "Loss/x"];

  it("groups by the part before the first slash, groups and items sorted", () => {
    expect(tagPrefix("a/b/c")).toBe("a");
    expect(groupByPrefix(tags, (t) => t)).toEqual([
      { name: "Loss", items: ["Loss/x"] },
      { name: "acc", items: ["acc"] },
      { name: "loss", items: ["loss/eval", "loss/train"] },
      { name: "lr", items: ["lr/group0"] },
    ]);
  });

  it("filters with a case-insensitive regex; an invalid one matches nothing", () => {
    expect(groupByPrefix(tags, (t) => t, "^loss/").map((g) => g.items)).toEqual([["Loss/x"], ["loss/eval", "loss/train"]]);
    expect(groupByPrefix(tags, (t) => t, "(")).toEqual([]);
  });

  it("takes any item type and order", () => {
    const items = [{ tag: "a/1", n: 2 }, { tag: "a/2", n: 1 }];
    const groups = groupByPrefix(items, (i) => i.tag, "", (x, y) => x.n - y.n);
    expect(groups[0]?.items.map((i) => i.n)).toEqual([1, 2]);
  });
});

describe("TagFilterInput and GroupView", () => {
  it("reports typing and shows regex errors", () => {
    const typed: string[] = [];
    const filter = new TagFilterInput((text) => typed.push(text));
    const input = filter.element.querySelector<HTMLInputElement>('[data-testid="tag-filter"]') as HTMLInputElement;
    input.value = "loss";
    input.dispatchEvent(new Event("input"));
    expect(typed).toEqual(["loss"]);
    filter.show("[");
    expect(filter.element.querySelector('[data-testid="tag-filter-error"]')?.textContent).not.toBe("");
    filter.show("ok");
    expect(filter.element.querySelector('[data-testid="tag-filter-error"]')?.textContent).toBe("");
  });

  it("collapses and keeps card elements in order", () => {
    const toggles: boolean[] = [];
    const group = new GroupView("loss", (collapsed) => toggles.push(collapsed));
    const [a, b] = [document.createElement("div"), document.createElement("div")];
    group.setCards([a, b]);
    group.setCards([b, a]);
    const grid = group.element.querySelector(".tb-card-grid") as HTMLElement;
    expect([...grid.children]).toEqual([b, a]);
    (group.element.querySelector('[data-testid="group-toggle"]') as HTMLElement).click();
    expect(toggles).toEqual([true]);
    expect(group.element.dataset.collapsed).toBe("1");
    expect(grid.hidden).toBe(true);
  });
});
