import UAParser from 'ua-parser-js';
import type { Warehouse } from '../warehouse/index.ts';

/** One user agent parsed by ua-parser-js 1.x: the columns of RAW.USER_AGENT_LOOKUP, in order. */
export function parseUserAgent(userAgent: string): (string | null)[] {
  const r = new UAParser(userAgent).getResult();
  const v = (value: string | undefined) => value ?? null;
  return [
    userAgent,
    v(r.browser.name),
    v(r.browser.version),
    v(r.browser.major),
    v(r.os.name),
    v(r.os.version),
    v(r.device.type),
    v(r.device.model),
    v(r.device.vendor),
    v(r.cpu.architecture),
    v(r.engine.name),
    v(r.engine.version),
  ];
}

/**
 * Parses the user agents seen in RAW.LOGS and not yet in the lookup (the embedded path's stand-in for
 * Snowflake's JavaScript UDF, with the same library). Returns how many were added.
 */
export async function updateUserAgentLookup(warehouse: Warehouse): Promise<number> {
  const fresh = await warehouse.query(`
    with seen as (select distinct json_extract_string(DATA, '$.context.user_agent') as ua from RAW.LOGS)
    select ua from seen
    where ua is not null and ua not in (select USER_AGENT from RAW.USER_AGENT_LOOKUP)`);
  if (fresh.length === 0) return 0;
  await warehouse.withConnection(async (c) => {
    const appender = await c.createAppender('USER_AGENT_LOOKUP', 'RAW');
    for (const { ua } of fresh) {
      for (const value of parseUserAgent(String(ua))) {
        if (value === null) appender.appendNull();
        else appender.appendVarchar(value);
      }
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  });
  return fresh.length;
}
