import { describe, expect, it } from "vitest";
import { SeenKeys } from "../../db/import/key-set.ts";

describe("SeenKeys", () => {
  it("remembers the first line of each key through growth", () => {
    const keys = new SeenKeys(4);
    keys.set("O-1", 2);
    keys.set("O-2", 3);
    keys.set("O-1", 9); // a key already present keeps its first line
    for (let i = 3; i <= 1000; i++) keys.set(`O-${i}`, i + 1);
    expect(keys.size).toBe(1000);
    expect(keys.get("O-1")).toBe(2);
    expect(keys.get("O-2")).toBe(3);
    expect(keys.get("O-1000")).toBe(1001);
    expect(keys.get("O-1001")).toBeUndefined();
    expect(keys.get("客户\u00002026-03-01")).toBeUndefined();
    keys.set("客户\u00002026-03-01", 5);
    expect(keys.get("客户\u00002026-03-01")).toBe(5);
  });

  it("tells a million distinct order ids apart (no false repeats)", () => {
    const keys = new SeenKeys();
    let repeats = 0;
    for (let i = 1; i <= 1_000_000; i++) {
      const key = `O${i}`;
      if (keys.get(key) !== undefined) repeats++;
      keys.set(key, i + 1);
    }
    expect(repeats).toBe(0);
    expect(keys.size).toBe(1_000_000);
    expect(keys.get("O777777")).toBe(777_778);
  });
});
