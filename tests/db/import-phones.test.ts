// Phone numbers through libphonenumber-js: national numbers read in the default region (BEACON_DEFAULT_PHONE_REGION),
// "+" and 00 numbers by their own country code, stored as digits with the country code; invalid ones refused with why.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config.ts";
import { customersImporter } from "../../db/import/entities/customers.ts";
import { rowSchema } from "../../db/import/fields.ts";
import { normalisePhone } from "../../db/import/values.ts";

function stored(text: string, region?: string): string {
  const parsed = normalisePhone(text, region);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe("normalisePhone with a default region", () => {
  it.each([
    ["13800138000", "CN", "8613800138000"],
    ["021-6488 1234", "CN", "862164881234"],
    ["(415) 555-0132", "US", "14155550132"],
    ["415.555.0132", "US", "14155550132"],
    ["020 7946 0958", "GB", "442079460958"],
    ["07911 123456", "GB", "447911123456"],
    ["030 1234567", "DE", "49301234567"],
    ["0151 23456789", "DE", "4915123456789"],
    ["03-1234-5678", "JP", "81312345678"],
    ["0412 345 678", "AU", "61412345678"],
    ["9123 4567", "SG", "6591234567"],
  ])("reads the national number %s in %s as %s", (text, region, expected) => {
    expect(stored(text, region)).toBe(expected);
  });

  it.each([
    ["+86 138 0013 8000", "8613800138000"],
    ["0086 138 0013 8000", "8613800138000"],
    ["+1 (415) 555-0132", "14155550132"],
    ["+44 (0)20 7946 0958", "442079460958"],
    ["+33 6 12 34 56 78", "33612345678"],
    ["0049 30 1234567", "49301234567"],
  ])("reads %s by its own country code whatever the default region", (text, expected) => {
    for (const region of ["CN", "US", "GB"]) expect(stored(text, region)).toBe(expected);
  });

  it("defaults to CN", () => {
    expect(stored("138-0013-8000")).toBe("8613800138000");
  });

  it("refuses numbers invalid for their country, and says which region national numbers are read in", () => {
    expect(normalisePhone("(303) 555-0171", "CN")).toEqual({
      ok: false,
      error:
        "not a valid CN phone number (numbers without \"+\" are read as CN, BEACON_DEFAULT_PHONE_REGION); write other countries' numbers as +<country code> ...; it is a valid US number: if the file's numbers are from US, set BEACON_DEFAULT_PHONE_REGION=US",
    });
    expect(normalisePhone("12345", "CN")).toEqual({
      ok: false,
      error:
        'not a valid CN phone number (numbers without "+" are read as CN, BEACON_DEFAULT_PHONE_REGION); write other countries\' numbers as +<country code> ...',
    });
    expect(normalisePhone("12800138000", "CN").ok).toBe(false); // 128 is no Chinese mobile prefix
    expect(normalisePhone("+1 234", "US")).toEqual({
      ok: false,
      error: "not a valid phone number for its country code",
    });
    expect(normalisePhone("555-0132", "US").ok).toBe(false); // no area code
    expect(normalisePhone("call me", "US").ok).toBe(false);
    expect(normalisePhone("1.38001E+10", "CN").ok).toBe(false); // Excel's scientific notation
  });

  it("does not read a number written without its trunk prefix as a landline of the default region", () => {
    const parsed = normalisePhone("415-555-0100", "CN");
    expect(parsed).toEqual({
      ok: false,
      error:
        "reads as the CN number 0415 555 0100 only with its trunk prefix, which is missing: write 0415 555 0100, or +<country code> ... if it is another country's number" +
        "; it is a valid US number: if the file's numbers are from US, set BEACON_DEFAULT_PHONE_REGION=US",
    });
    expect(stored("415-555-0100", "US")).toBe("14155550100");
  });
});

describe("the customers phone column", () => {
  it("reads in the import's region and names the problem per cell", () => {
    const schema = customersImporter.schema({ timezone: "UTC", phoneRegion: "US" });
    const row = { external_id: "C1", name: "Anna", signup_date: "2026-01-05", phone: "(415) 555-0132" };
    expect(schema.parse(row)).toMatchObject({ phone: "14155550132" });
    const cn = rowSchema(customersImporter.fields, { timezone: "UTC", phoneRegion: "CN" }).safeParse(row);
    expect(cn.success).toBe(false);
    expect(cn.error?.issues.map((i) => i.path[0])).toEqual(["phone"]);
  });
});

describe("BEACON_DEFAULT_PHONE_REGION", () => {
  it("defaults to CN, takes any case, and refuses what is no ISO 3166 code", () => {
    expect(parseConfig({}).BEACON_DEFAULT_PHONE_REGION).toBe("CN");
    expect(parseConfig({ BEACON_DEFAULT_PHONE_REGION: "us" }).BEACON_DEFAULT_PHONE_REGION).toBe("US");
    expect(() => parseConfig({ BEACON_DEFAULT_PHONE_REGION: "USA" })).toThrow(
      'BEACON_DEFAULT_PHONE_REGION: expected a two-letter ISO 3166 country code such as CN, US, GB or DE (got "USA")',
    );
  });
});
