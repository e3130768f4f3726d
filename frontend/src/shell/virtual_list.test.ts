// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { VirtualList, scrollToShow, visibleWindow } from "./virtual_list";

describe("the virtual window", () => {
  it("covers the rows in view plus the overscan, clamped", () => {
    expect(visibleWindow(0, 240, 24, 10_000, 8)).toEqual({ start: 0, end: 18 });
    expect(visibleWindow(2400, 240, 24, 10_000, 8)).toEqual({ start: 92, end: 118 });
    expect(visibleWindow(2410, 240, 24, 10_000, 0)).toEqual({ start: 100, end: 111 });
    expect(visibleWindow(24 * 9990, 240, 24, 10_000, 8)).toEqual({ start: 9982, end: 10_000 });
    expect(visibleWindow(1e9, 240, 24, 10_000, 8)).toEqual({ start: 9991, end: 10_000 });
    expect(visibleWindow(0, 240, 24, 3, 8)).toEqual({ start: 0, end: 3 });
    expect(visibleWindow(0, 240, 24, 0)).toEqual({ start: 0, end: 0 });
    expect(visibleWindow(-50, 240, 24, 100, 0)).toEqual({ start: 0, end: 10 });
  });

  it("shows the first rows before the viewport has a height", () => {
    expect(visibleWindow(0, 0, 24, 10_000, 8, 60)).toEqual({ start: 0, end: 60 });
  });

  it("scrolls just enough to show a row", () => {
    expect(scrollToShow(5, 0, 240, 24)).toBe(0);
    expect(scrollToShow(20, 0, 240, 24)).toBe(21 * 24 - 240);
    expect(scrollToShow(2, 480, 240, 24)).toBe(48);
  });

  it("keeps only the window's rows in the DOM and reuses them by key", () => {
    let made = 0;
    const list = new VirtualList({
      rowHeight: 24,
      key: (i) => `k${i}`,
      render: (i) => {
        made++;
        const el = document.createElement("div");
        el.textContent = `row ${i}`;
        return el;
      },
    });
    document.body.replaceChildren(list.element);
    list.setCount(10_000);
    expect(list.element.querySelectorAll(".tb-vlist-window > div").length).toBe(60);
    expect((list.element.firstElementChild as HTMLElement).style.height).toBe("240000px");
    expect(made).toBe(60);
    const first = list.rowAt(0);
    list.refresh();
    expect(list.rowAt(0)).toBe(first);
    expect(made).toBe(60);
    list.setCount(5);
    expect(list.element.querySelectorAll(".tb-vlist-window > div").length).toBe(5);
    expect(list.rowAt(7)).toBeNull();
  });
});
