import { z } from "zod";
import { defineTool, ROLES } from "../tool.ts";
import { fetchChannels, fetchCoverage, fetchJourneyDatasets, fetchProvenance } from "./describe-data.queries.ts";

export const DescribeDataInput = z
  .object({
    include_channels: z.boolean().default(true).describe("Include the channel catalogue (code, type, platform)."),
  })
  .strict();

/** What data Beacon holds, how far back and how fresh: the first thing to check before any analysis. */
export const describeDataTool = defineTool({
  name: "describe_data",
  description:
    "Lists what data exists (customers, orders, touchpoints, ad spend, platform claims, web sessions, NPS, tickets, journeys, " +
    "knowledge), each entity's row count and date coverage, the channel catalogue, and where the data came from. " +
    "Use it to learn the available periods and channel codes before other tools, and to report data freshness.",
  input: DescribeDataInput,
  roles: ROLES,
  access: "read",
  async run(input, { db }) {
    const coverage = await fetchCoverage(db);
    const channels = input.include_channels ? await fetchChannels(db) : undefined;
    const journeyDatasets = await fetchJourneyDatasets(db);
    const provenance = await fetchProvenance(db);
    const orders = coverage.find((c) => c.entity === "orders");
    const customers = coverage.find((c) => c.entity === "customers");
    const summary =
      customers && customers.rows > 0
        ? `${customers.rows.toLocaleString("en-US")} customers and ${orders?.rows.toLocaleString("en-US") ?? 0} orders` +
          (orders?.first ? ` from ${orders.first.slice(0, 10)} to ${orders.last?.slice(0, 10)}` : "") +
          (channels ? ` across ${channels.length} channels` : "") +
          "."
        : "The database holds no customer data yet: run `beacon demo` or `beacon import`.";
    return { summary, coverage, channels, journey_datasets: journeyDatasets, provenance };
  },
});
