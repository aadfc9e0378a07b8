import type { HTTPReceiver, Logger } from "@slack/bolt";

/** How far a request's X-Slack-Request-Timestamp may lie in the future (Bolt already refuses > 5 minutes past). */
export const MAX_FUTURE_SKEW_SECONDS = 5 * 60;

/**
 * Makes `receiver` answer 401 to requests timestamped more than 5 minutes ahead, before Bolt reads or verifies them.
 * Bolt's signature check refuses only stale timestamps; a signed request dated in the future would stay replayable
 * until that future time plus 5 minutes. Socket Mode has no request timestamps, so only the HTTP receiver needs it.
 */
export function refuseFutureRequests(receiver: HTTPReceiver, logger: Logger, nowMs: () => number = Date.now): void {
  const next = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const header = req.headers["x-slack-request-timestamp"];
    const sentAt = Number(Array.isArray(header) ? header[0] : header);
    if (Number.isFinite(sentAt) && sentAt > Math.floor(nowMs() / 1000) + MAX_FUTURE_SKEW_SECONDS) {
      logger.warn(`Refused a request timestamped ${sentAt}: more than 5 minutes in the future`);
      req.resume(); // drain the unread body so the connection closes cleanly
      res.writeHead(401);
      res.end();
      return;
    }
    next(req, res);
  };
}
