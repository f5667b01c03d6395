import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, runDbt } from '../../src/warehouse/dbt/index.ts';

export interface UnitTestRun {
  code: number;
  output: string;
  /** Each unit test dbt ran, with its status. */
  results: { name: string; status: string }[];
  /** The unit tests the project's YAML declares (`unit_tests:` entries), counted apart from dbt. */
  declared: string[];
}

/**
 * Runs the dbt project's unit tests (`unit_tests:`, given rows → expected rows) on a warehouse whose models
 * exist (dbt reads their columns' types): `./pdi transform` leaves them out of its builds.
 */
export async function runDbtUnitTests(options: {
  warehousePath: string;
  target?: 'duckdb' | 'snowflake';
  env?: Record<string, string>;
}): Promise<UnitTestRun> {
  // a target folder of its own: run_results.json is not shared with a dbt run of another test
  const targetPath = await mkdtemp(path.join(os.tmpdir(), 'pdi-dbt-unit-'));
  try {
    const run = await runDbt(['test', '--select', 'test_type:unit', '--target-path', targetPath], options);
    const runResults = JSON.parse(await readFile(path.join(targetPath, 'run_results.json'), 'utf8')) as {
      results: { unique_id: string; status: string }[];
    };
    return {
      ...run,
      results: runResults.results.map((r) => ({
        name: r.unique_id.split('.').at(-1) ?? '',
        status: r.status,
      })),
      declared: await declaredUnitTests(),
    };
  } finally {
    await rm(targetPath, { recursive: true, force: true });
  }
}

/** The names of the `unit_tests:` entries in dbt/models/**.yml. */
async function declaredUnitTests(): Promise<string[]> {
  const models = path.join(PROJECT_ROOT, 'dbt', 'models');
  const files = (await readdir(models, { recursive: true })).filter((f) => f.endsWith('.yml'));
  const names: string[] = [];
  for (const file of files) {
    const text = await readFile(path.join(models, file), 'utf8');
    const section = text.split(/^unit_tests:$/m)[1] ?? '';
    for (const match of section.matchAll(/^ {2}- name: (\S+)$/gm)) names.push(match[1] as string);
  }
  return names.sort();
}
