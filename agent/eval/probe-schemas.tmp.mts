import { z } from "zod";
import { TOOLS } from "../../tools/index.ts";

for (const t of TOOLS) {
  const s = z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }) as any;
  console.log(`\n## ${t.name} roles=${t.roles.join(",")} access=${t.access}`);
  for (const [k, v] of Object.entries<any>(s.properties ?? {})) {
    const type = v.enum ? `enum(${v.enum.join("|")})` : (v.type ?? (v.anyOf ? "anyOf" : "?"));
    console.log(
      `  ${k}: ${type}${v.default !== undefined ? ` =${JSON.stringify(v.default)}` : ""} ${s.required?.includes(k) ? "REQ" : ""} — ${(v.description ?? "").slice(0, 110)}`,
    );
  }
}
