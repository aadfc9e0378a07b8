// The importer of each entity.

import { adSpendImporter } from "./entities/ad-spend.ts";
import { channelsImporter } from "./entities/channels.ts";
import { customersImporter } from "./entities/customers.ts";
import { journeysImporter } from "./entities/journeys.ts";
import { npsImporter } from "./entities/nps.ts";
import { ordersImporter } from "./entities/orders.ts";
import { platformConversionsImporter } from "./entities/platform-conversions.ts";
import { targetsImporter } from "./entities/targets.ts";
import { ticketsImporter } from "./entities/tickets.ts";
import { touchpointsImporter } from "./entities/touchpoints.ts";
import { webSessionsImporter } from "./entities/web-sessions.ts";
import type { AnyImporter } from "./entity.ts";
import type { ImportEntity } from "./types.ts";

/** Entity name -> importer. */
export const IMPORTERS = {
  channels: channelsImporter,
  customers: customersImporter,
  orders: ordersImporter,
  touchpoints: touchpointsImporter,
  ad_spend: adSpendImporter,
  platform_conversions: platformConversionsImporter,
  web_sessions: webSessionsImporter,
  nps: npsImporter,
  tickets: ticketsImporter,
  journeys: journeysImporter,
  targets: targetsImporter,
} satisfies Record<ImportEntity, AnyImporter>;
