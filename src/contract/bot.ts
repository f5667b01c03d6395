import { isbot } from 'isbot';

/** True when the user agent is a known bot, crawler or monitor (the `isbot` package's list); false when there is none. */
export function isBotUserAgent(ua: string | null): boolean {
  if (ua === null || ua.trim() === '') return false;
  return isbot(ua);
}
