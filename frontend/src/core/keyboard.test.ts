// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { KeyboardRegistry, PIN_COMMAND, isTextEntry } from "./keyboard";

const press = (key: string, target: EventTarget = document.body, init: KeyboardEventInit = {}): KeyboardEvent => {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
};

describe("keyboard shortcuts", () => {
  afterEach(() => document.body.replaceChildren());

  it("runs the command of a key, the one registered last first, falling through on false", () => {
    const keys = new KeyboardRegistry();
    const off = keys.install(document);
    const ran: string[] = [];
    keys.register({ id: "a", keys: ["s"], group: "G", description: "first", run: () => void ran.push("a") });
    const offB = keys.register({ id: "b", keys: ["s"], group: "G", description: "second", run: () => (ran.push("b"), false) });
    const event = press("s");
    expect(ran).toEqual(["b", "a"]);
    expect(event.defaultPrevented).toBe(true);
    offB();
    press("s");
    expect(ran).toEqual(["b", "a", "a"]);
    expect(press("x").defaultPrevented).toBe(false);
    expect(keys.list().map((s) => s.id)).toEqual(["a"]);
    off();
    press("s");
    expect(ran).toHaveLength(3);
  });

  it("leaves typing and modified keys alone (Escape excepted)", () => {
    const keys = new KeyboardRegistry();
    const off = keys.install(document);
    const ran: string[] = [];
    keys.register({ id: "slash", keys: ["/"], group: "G", description: "", run: () => void ran.push("/") });
    keys.register({ id: "esc", keys: ["Escape"], group: "G", description: "", run: () => void ran.push("esc") });
    const text = document.createElement("input");
    const range = document.createElement("input");
    range.type = "range";
    document.body.append(text, range);
    press("/", text);
    press("/", document.body, { ctrlKey: true });
    expect(ran).toEqual([]);
    press("/", range);
    press("Escape", text);
    expect(ran).toEqual(["/", "esc"]);
    expect(isTextEntry(text)).toBe(true);
    expect(isTextEntry(range)).toBe(false);
    off();
  });

  it("replaces a command registered again under its name (the pin command)", () => {
    const keys = new KeyboardRegistry();
    const ran: string[] = [];
    keys.register({ id: PIN_COMMAND, keys: ["p"], group: "Cards", description: "shell's", run: () => void ran.push("shell") });
    keys.register({ id: PIN_COMMAND, keys: ["p"], group: "Cards", description: "pins'", run: () => void ran.push("pins") });
    expect(keys.list()).toHaveLength(1);
    expect(keys.handle(new KeyboardEvent("keydown", { key: "p" }))).toBe(true);
    expect(ran).toEqual(["pins"]);
  });

  it("targets the card holding the focus when the pointer is over none", () => {
    const keys = new KeyboardRegistry();
    const off = keys.install(document);
    const card = document.createElement("section");
    card.className = "tb-card";
    const button = document.createElement("button");
    card.append(button);
    document.body.append(card);
    expect(keys.targetCard()).toBeNull();
    button.focus();
    expect(keys.targetCard()).toBe(card);
    off();
  });
});
