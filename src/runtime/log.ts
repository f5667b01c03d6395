import pino, { type Logger } from 'pino';

export type { Logger };

/** Logs go to stderr as JSON lines, so that stdout stays for what a command prints for scripts. */
export function createLogger(level: string, name = 'pdi'): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}
