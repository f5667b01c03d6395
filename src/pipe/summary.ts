/** What a load did: the pipe's log line, and the summary `./pdi load` and `./pdi replay` print. */
export interface LoadSummary {
  objects: number;
  rows: number;
  errors: number;
  userAgents: number;
  seconds: number;
  /** Seconds spent staging the loaded hits for the live views, null when not done (nothing loaded, or never built). */
  stagedSeconds: number | null;
  /** Why the loaded hits could not be staged for the live views, the objects being loaded all the same. */
  stagedError?: string;
}

/** A summary of nothing loaded yet, for a load to count into. */
export function emptyLoadSummary(): LoadSummary {
  return { objects: 0, rows: 0, errors: 0, userAgents: 0, seconds: 0, stagedSeconds: null };
}
