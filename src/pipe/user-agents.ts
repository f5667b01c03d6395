import UAParser from 'ua-parser-js';

/** The columns of RAW.USER_AGENT_LOOKUP, in order: all text. */
export const USER_AGENT_COLUMNS = [
  'USER_AGENT',
  'BROWSER_NAME',
  'BROWSER_VERSION',
  'BROWSER_MAJOR',
  'OS_NAME',
  'OS_VERSION',
  'DEVICE_TYPE',
  'DEVICE_MODEL',
  'DEVICE_VENDOR',
  'CPU_ARCHITECTURE',
  'ENGINE_NAME',
  'ENGINE_VERSION',
] as const;

/**
 * One user agent parsed by ua-parser-js 1.x (the embedded path's stand-in for Snowflake's JavaScript UDF,
 * with the same library): the values of USER_AGENT_COLUMNS, in order.
 */
export function parseUserAgent(userAgent: string): (string | null)[] {
  return userAgentRow(userAgent, new UAParser(userAgent).getResult());
}

/**
 * The values of USER_AGENT_COLUMNS from ua-parser-js's `getResult()` (what Snowflake's UDF returns: the paths
 * snowflake__parse_user_agent reads).
 */
export function userAgentRow(userAgent: string, r: UAParser.IResult): (string | null)[] {
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

/** The column definitions of RAW.USER_AGENT_LOOKUP; `keyConstraint` follows the key column, USER_AGENT. */
export function userAgentLookupColumnsSql(keyConstraint = ''): string {
  return USER_AGENT_COLUMNS.map(
    (name, i) => `${name} varchar${i === 0 && keyConstraint ? ` ${keyConstraint}` : ''}`,
  ).join(',\n  ');
}
