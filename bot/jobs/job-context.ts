import { AsyncLocalStorage } from "node:async_hooks";

/** The queued job a piece of work belongs to: set while a worker replays a Slack delivery. */
export interface JobContext {
  jobId: string;
  /** Work the listeners handed to deps.background during the replay: the job ends when all of it has. */
  work: Promise<void>[];
  /** Posts made so far in this run (numbering for post-memo.ts). */
  posts: number;
}

const storage = new AsyncLocalStorage<JobContext>();

/** Runs `fn` as part of job `jobId`; listeners' background work and posts are attributed to it. */
export function runInJob<T>(jobId: string, fn: (context: JobContext) => Promise<T>): Promise<T> {
  const context: JobContext = { jobId, work: [], posts: 0 };
  return storage.run(context, () => fn(context));
}

/** The job the current code runs for, or undefined outside a worker's replay. */
export function currentJob(): JobContext | undefined {
  return storage.getStore();
}

/** True when the code runs inside a worker's replay of a queued delivery (the dedupe middleware lets it through). */
export function isReplay(): boolean {
  return storage.getStore() !== undefined;
}
