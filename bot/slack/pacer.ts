/** Serialises sends per channel with a minimum gap (Slack allows about one message per second per channel). */
export class ChannelPacer {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly gapMs = 1000) {}

  /** Runs `send` after earlier sends to the same channel, at least `gapMs` after the previous one finished. */
  run<T>(channel: string, send: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(channel) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const wait = (this.lastSent.get(channel) ?? 0) + this.gapMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        try {
          return await send();
        } finally {
          // Measured from the end of the previous send, so Slack sees the gap even when a request was slow.
          this.lastSent.set(channel, Date.now());
        }
      });
    this.tails.set(channel, next);
    // Forget idle channels so the maps do not grow with every channel ever seen.
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.tails.get(channel) !== next) return;
        this.tails.delete(channel);
        setTimeout(() => {
          if (!this.tails.has(channel)) this.lastSent.delete(channel);
        }, this.gapMs).unref();
      });
    return next;
  }
}
