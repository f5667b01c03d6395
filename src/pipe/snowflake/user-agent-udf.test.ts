import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../dataset/random.ts';
import { parseUserAgent, userAgentRow } from '../user-agents.ts';
import { createUserAgentUdfSql, userAgentUdfBody } from './user-agent-udf.ts';

/** 1,000 user agents of many browsers, systems and devices, with varied versions. */
function userAgents(): string[] {
  const { pick, int: n } = seededRandom(1000);
  const systems = [
    () => `Windows NT ${pick(['6.1', '6.3', '10.0'])}; ${pick(['Win64; x64', 'WOW64', 'ARM64'])}`,
    () => `Macintosh; Intel Mac OS X 10_${n(16)}_${n(8)}`,
    () => `X11; ${pick(['Linux x86_64', 'Ubuntu; Linux i686', 'CrOS x86_64 14541.0.0'])}`,
    () =>
      `Linux; Android ${n(14) + 4}; ${pick(['SM-G991B', 'Pixel 7', 'Redmi Note 8', 'HUAWEI P30', 'SM-T870'])}`,
    () => `iPhone; CPU iPhone OS ${n(17) + 6}_${n(5)} like Mac OS X`,
    () => `iPad; CPU OS ${n(17) + 6}_${n(5)} like Mac OS X`,
  ];
  const browsers = [
    () => `AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${n(120) + 40}.0.${n(6000)}.${n(200)} Safari/537.36`,
    () =>
      `AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${n(120) + 40}.0.${n(6000)}.${n(200)} Mobile Safari/537.36`,
    () => `Gecko/20100101 Firefox/${n(120) + 30}.0`,
    () => `AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${n(17) + 5}.${n(3)} Mobile/15E148 Safari/604.1`,
    () =>
      `AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${n(120) + 40}.0.0.0 Safari/537.36 Edg/${n(120) + 40}.0.${n(2000)}.${n(100)}`,
    () =>
      `AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${n(20) + 4}.0 Chrome/${n(60) + 60}.0 Mobile Safari/537.36`,
    () => `AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${n(120) + 40}.0 Safari/537.36 OPR/${n(100) + 20}.0`,
  ];
  const agents = new Set<string>();
  while (agents.size < 990) agents.add(`Mozilla/5.0 (${pick(systems)()}) ${pick(browsers)()}`);
  for (const odd of [
    '',
    'curl/8.1.2',
    'Googlebot/2.1 (+http://www.google.com/bot.html)',
    'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1)',
    '?',
    'Opera/9.80 (J2ME/MIDP; Opera Mini/9.80)',
    'PlayStation 4 5.55',
    'Wget/1.21',
    'Dalvik/2.1.0 (Linux; U; Android 9)',
    'okhttp/4.9.0',
  ])
    agents.add(odd);
  return [...agents];
}

/** The UDF as Snowflake runs it: its body is a function of UA, in a global scope without require or module. */
function udf(): (userAgent: string | null) => unknown {
  const sandbox = vm.createContext({});
  vm.runInContext(`var PARSE_USER_AGENT = function (UA) {\n${userAgentUdfBody()}\n};`, sandbox);
  return (userAgent) => vm.runInContext('PARSE_USER_AGENT(ua)', Object.assign(sandbox, { ua: userAgent }));
}

describe('the user-agent UDF of Snowflake', () => {
  it('gives the fields of RAW.USER_AGENT_LOOKUP for 1,000 user agents', () => {
    const parse = udf();
    const agents = userAgents();
    expect(agents).toHaveLength(1000);
    for (const agent of agents) {
      const fields = userAgentRow(agent, JSON.parse(JSON.stringify(parse(agent))));
      expect(fields, agent).toEqual(parseUserAgent(agent));
    }
  });

  it('parses many agents with one parser, and a NULL as NULL', () => {
    const parse = udf();
    expect(parse(null)).toBeNull();
    expect(
      JSON.parse(JSON.stringify(parse('Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0'))),
    ).toMatchObject({ browser: { name: 'Firefox', major: '120' }, os: { name: 'Linux' } });
  });

  it('is generated whole into a statement that creates it', () => {
    const sql = createUserAgentUdfSql();
    expect(sql).toMatch(
      /^create or replace function RAW\.PARSE_USER_AGENT\(UA varchar\)\nreturns variant\nlanguage javascript/,
    );
    expect(sql.split('$$')).toHaveLength(3);
    expect(sql).toContain('UAParser.js v1.');
  });
});
