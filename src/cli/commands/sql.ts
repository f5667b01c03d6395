import { Command } from 'commander';
import { homeLayout } from '../../config/home.ts';
import { controlSocketPath } from '../../config/runtime-paths.ts';
import {
  homeOption,
  maxTempSizeOption,
  memoryLimitOption,
  resolveTarget,
  targetOption,
  UsageError,
} from '../options.ts';

/** Statements that only read: anything else is refused before it reaches the warehouse. */
const READ_ONLY = /^\s*(select|with|from|show|describe|summarize|explain|pragma\s+table_info|values)\b/i;

export function sqlCommand(): Command {
  return new Command('sql')
    .description('run a read-only query on the warehouse and print the result (a table, or JSON with --json)')
    .addOption(homeOption())
    .addOption(targetOption())
    .addOption(memoryLimitOption())
    .addOption(maxTempSizeOption())
    .option('--json', 'print exactly one JSON array of objects on stdout', false)
    .argument('<query>', 'a SELECT (or WITH, SHOW, DESCRIBE, …) statement')
    .action(async (query: string, flags: { home: string; target?: string; json: boolean }) => {
      if (!READ_ONLY.test(query))
        throw new UsageError('sql runs read-only queries only (SELECT, WITH, SHOW, DESCRIBE, …)');
      const short = (error: Error) => new Error(error.message.split('\n').slice(0, 3).join('\n'));
      const rows =
        resolveTarget(flags.target) === 'snowflake'
          ? await querySnowflake(query).catch((error: Error) => {
              throw short(error);
            })
          : await queryDuckdb(query, flags.home, short);
      if (flags.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else printTable(rows);
    });
}

async function querySnowflake(query: string): Promise<Record<string, unknown>[]> {
  const { SnowflakeSession } = await import('../../warehouse/snowflake/session.ts');
  const session = await SnowflakeSession.open();
  try {
    return await session.query(query);
  } finally {
    await session.close();
  }
}

async function queryDuckdb(
  query: string,
  home: string,
  short: (error: Error) => Error,
): Promise<Record<string, unknown>[]> {
  const { Warehouse, queryThroughControl } = await import('../../warehouse/index.ts');
  // a running runtime owns the file: ask it; otherwise open the file read-only
  let rows = await queryThroughControl(controlSocketPath(home), query).catch((error: Error) => {
    throw short(error);
  });
  if (rows === null) {
    const warehouse = await Warehouse.open(homeLayout(home).warehousePath, {
      readOnly: true,
      waitMs: 10_000,
    });
    try {
      rows = await warehouse.query(query).catch((error: Error) => {
        throw short(error);
      });
    } finally {
      await warehouse.close();
    }
  }
  return rows;
}

function printTable(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) {
    process.stdout.write('(no rows)\n');
    return;
  }
  const columns = Object.keys(rows[0] as object);
  const cell = (v: unknown) =>
    v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const widths = columns.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (values: string[]) =>
    values.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i] ?? 0)).join(' | ');
  process.stdout.write(`${line(columns)}\n${widths.map((w) => '-'.repeat(w)).join('-+-')}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => cell(row[c])))}\n`);
  process.stdout.write(`(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
}
