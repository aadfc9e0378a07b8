import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TOOLS } from "../../tools/index.ts";

const TOOLS_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../tools");

describe("tool registry", () => {
  it("registers every tool folder", async () => {
    const folders = readdirSync(TOOLS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      const files = readdirSync(join(TOOLS_DIR, folder.name)).filter((f) => f.endsWith(".tool.ts"));
      expect(files.length, `tools/${folder.name} has no *.tool.ts`).toBeGreaterThan(0);
      for (const file of files) {
        const module = (await import(join(TOOLS_DIR, folder.name, file))) as Record<string, unknown>;
        const exported = Object.values(module).filter(
          (v): v is { name: string } => typeof v === "object" && v !== null && "run" in v && "name" in v,
        );
        expect(exported.length, `${file} exports no tool`).toBeGreaterThan(0);
        for (const tool of exported) {
          expect(TOOLS, `${tool.name} from tools/${folder.name} is not in tools/index.ts`).toContain(tool);
        }
      }
    }
  });

  it("has unique snake_case verb_noun names", () => {
    const names = TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+(_[a-z0-9]+)+$/);
  });

  it("describes every input field for the model and allows at least one role", () => {
    for (const tool of TOOLS) {
      expect(tool.description.length, tool.name).toBeGreaterThan(40);
      expect(tool.roles.length, tool.name).toBeGreaterThan(0);
      const schema = z.toJSONSchema(tool.input, { io: "input" }) as {
        properties?: Record<string, { description?: string }>;
      };
      for (const [field, spec] of Object.entries(schema.properties ?? {})) {
        expect(spec.description, `${tool.name}.${field} has no .describe()`).toBeTruthy();
      }
    }
  });
});
