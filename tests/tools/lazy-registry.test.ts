import { describe, expect, it } from "vitest";
import { TOOLS } from "../../tools/index.ts";
import { TOOL_LOADERS, toolLoader } from "../../tools/lazy-registry.ts";

describe("lazy tool registry", () => {
  it("names the same tools as TOOLS, in the same order", () => {
    expect(Object.keys(TOOL_LOADERS)).toEqual(TOOLS.map((tool) => tool.name));
  });

  it("loads, under each name, the very tool TOOLS registers under that name", async () => {
    for (const tool of TOOLS) {
      expect(await toolLoader(tool.name)?.(), tool.name).toBe(tool);
    }
  });

  it("knows no other names, not even an object's inherited keys", () => {
    for (const name of ["compute_kpi", "", "toString", "__proto__", "constructor"]) {
      expect(toolLoader(name), name).toBeUndefined();
    }
  });
});
