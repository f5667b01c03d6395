import pino, { type Logger } from 'pino';

export type { Logger };

/** Logs go to stderr as JSON lines, so that stdout stays for what a command prints for scripts. */
export function createLogger(level: string, name = 'pdi'): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}

/**
 * A function's logs (AWS Lambda: CloudWatch): JSON lines on stdout, written at once, since a function may be
 * frozen as soon as it has answered.
 */
export function createFunctionLogger(level: string, name = 'pdi-collector'): Logger {
  return pino({ name, level }, pino.destination({ fd: 1, sync: true }));
}
