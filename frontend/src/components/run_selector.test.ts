// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { chooseRun, RunSelector } from "./run_selector";

describe("RunSelector", () => {
  it("chooses the wanted run, else keeps the choice, else the first", () => {
    expect(chooseRun(["a", "b"], "b")).toBe("b");
    expect(chooseRun(["a", "b"], "gone")).toBe("a");
    expect(chooseRun([], "a")).toBeNull();

    const picked: string[] = [];
    const selector = new RunSelector((run) => picked.push(run));
    const select = selector.element.querySelector<HTMLSelectElement>('[data-testid="run-select"]') as HTMLSelectElement;
    expect(selector.run).toBeNull();
    expect(select.disabled).toBe(true);

    expect(selector.setRuns(["a", "b", "c"], "b", (run) => (run === "c" ? "#ff0000" : "#00ff00"))).toBe("b");
    expect(select.options.length).toBe(3);
    expect(select.dataset.run).toBe("b");

    select.value = "c";
    select.dispatchEvent(new Event("change"));
    expect(picked).toEqual(["c"]);
    expect(selector.run).toBe("c");
    const swatch = (selector.element.querySelector(".tb-swatch") as HTMLElement).style.background;
    expect(swatch).toMatch(/#ff0000|rgb\(255, 0, 0\)/);

    // Kept while listed; the first run once it is gone.
    expect(selector.setRuns(["c", "d"])).toBe("c");
    expect(selector.setRuns(["d", "e"])).toBe("d");
    expect(picked).toEqual(["c"]);
  });
});
