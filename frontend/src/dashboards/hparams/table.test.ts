// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { Column, Session } from "./api";
import { PAGE_ROWS, TableView } from "./table";

const COLUMN: Column = { id: "hparam:lr", kind: "hparam", label: "lr", description: "", type: "number", domain: null };
const sessions: Session[] = Array.from({ length: PAGE_ROWS + 50 }, (_, i) => ({
  run: `s${i}`, parent: null, status: null, startTime: null, values: new Map([[COLUMN.id, i]]), steps: new Map(),
}));

describe("the sessions table", () => {
  it("draws a page of rows, and another on Show more", () => {
    const opened: string[] = [];
    const table = new TableView({ sort: () => undefined, open: (s) => opened.push(s.run), color: () => "#000000" });
    table.render([COLUMN], sessions, { column: "run", descending: false });
    const rows = (): number => table.element.querySelectorAll('[data-testid="hparams-row"]').length;
    expect(rows()).toBe(PAGE_ROWS);
    const more = table.element.querySelector<HTMLElement>('[data-testid="hparams-more"]');
    expect(more?.dataset.hiddenRows).toBe("50");
    more?.click();
    expect(rows()).toBe(PAGE_ROWS + 50);
    expect(table.element.querySelector('[data-testid="hparams-more"]')).toBeNull();
    table.element.querySelector<HTMLElement>('[data-testid="hparams-session-link"][data-run="s7"]')?.click();
    expect(opened).toEqual(["s7"]);
  });
});
