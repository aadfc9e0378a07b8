/** The method in one paragraph: the tool description, the result's definitions and the docs say the same. */
export const ANOMALY_METHOD =
  "Method: each key's daily value is compared with the rest of its level (ln(key) - ln(all other channels/campaigns)), " +
  "so moves every channel shares (a sale day, a holiday, dearer auctions in peak season) are the calendar, not an " +
  "anomaly. Baseline: the median of that relative value on the same weekday over the 8 weeks before (seasonal), " +
  "spread = MAD of all days of those weeks (robust); modified z = 0.6745 (x - median) / MAD, anomalous at |z| >= 5 " +
  "(Iglewicz-Hoaglin's 3.5, raised because a scan tests ~400 series a day) AND a change of at least 25% vs expected. Minimum volume: ratio series (CPC, CVR, ROAS) and " +
  "revenue need >= 20 clicks or orders a day in the baseline and the day; counts need >= 5 a day expected and as the " +
  "key's own median, and must be unlikely under Poisson (p < 0.001), so 3 orders a day cannot cry wolf. Retail " +
  "events (元旦, 春节, 618, 双11, 双12) and the 7 days after each are neither judged nor used as baseline. A campaign " +
  "that was its channel's whole traffic that day is reported once, at the channel. Level series (spend, clicks, orders...) compare only days with the " +
  "same planned campaigns running, so a burst campaign starting is not news; a campaign is judged only between its " +
  "dates. Tickets per category: Poisson against the 28-day mean, >= 5 tickets, p < 0.001. Consecutive days of one " +
  "series are one anomaly (day = first, through = last). The driver compares the components with their own " +
  "baselines: CPC = spend/clicks, CVR = orders/clicks, ROAS = AOV x CVR / CPC; within +-10% is 'normal'.";
