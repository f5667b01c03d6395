/**
 * Every command takes its settings from a flag, else the environment, else the default (src/config/settings.ts),
 * checked as a user would see it: through the executable.
 */
import { spawn } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../src/dataset/generator.ts';
import { PDI, runPdi, tempHome } from './support/pdi.ts';
import { freePort } from './support/ports.ts';

/** Starts `./pdi args…`, returns the URL of the first stdout line that names one, then stops it (SIGINT). */
async function urlOf(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawn(PDI, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    return await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const url = /http:\/\/[\d.]+:\d+/.exec(stdout)?.[0];
        if (url) resolve(url);
      });
      child.once('exit', (code) =>
        reject(new Error(`exited ${code} before printing a URL:\n${stdout}\n${stderr}`)),
      );
    });
  } finally {
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(0);
  }
}

const STACK_ARGS = {
  collect: [],
  up: ['--transform-every', '600'],
  demo: ['--sessions', '5', '--history-days', '0', '--rate', '1', '--transform-every', '600'],
} as const;

describe('settings: a flag wins over the environment, which wins over the default', () => {
  for (const command of ['collect', 'up', 'demo'] as const) {
    it(`${command}: --host and --port over PDI_HOST and PDI_PORT over 127.0.0.1:8080`, async () => {
      const [fromEnv, fromFlag] = [await freePort(), await freePort()];
      const args = [command, ...STACK_ARGS[command]];
      const env = { PDI_HOST: '127.0.0.2', PDI_PORT: String(fromEnv) };
      expect(await urlOf([...args, '--home', await tempHome()], env)).toBe(`http://127.0.0.2:${fromEnv}`);
      expect(
        await urlOf(
          [...args, '--home', await tempHome(), '--host', '127.0.0.3', '--port', String(fromFlag)],
          env,
        ),
      ).toBe(`http://127.0.0.3:${fromFlag}`);
      // the default host; the default port may be taken on a developer's machine: port 0 by flag
      expect(await urlOf([...args, '--home', await tempHome(), '--port', '0'])).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+$/,
      );
    }, 120_000);
  }

  it('load, replay, transform and sql: --memory-limit, --max-temp-size over their variables over 2.5GB, half the free disk; --home over PDI_HOME', async () => {
    const home = await tempHome('pdi-settings-');
    const dataset = await tempHome('pdi-settings-data-');
    await generateDataset({ outDir: dataset, sessions: 20, seed: 3 });
    expect((await runPdi(['backfill', '--dataset', dataset], { PDI_HOME: home })).code).toBe(0);

    const broken = { PDI_MEMORY_LIMIT: 'lots', PDI_MAX_TEMP_SIZE: 'plenty' };
    for (const [command, ...rest] of [['load'], ['replay'], ['transform'], ['sql', 'select 1']] as const) {
      const refused = await runPdi([command, '--home', home, ...rest], broken);
      expect(refused.code, `${command}: ${refused.stderr}`).toBe(1);
      expect(refused.stderr).toContain('PDI_MEMORY_LIMIT="lots" is not a size');
      const half = await runPdi([command, '--home', home, '--memory-limit', '1GB', ...rest], broken);
      expect(half.code, `${command}: ${half.stderr}`).toBe(1);
      expect(half.stderr).toContain('PDI_MAX_TEMP_SIZE="plenty" is neither a size');
      // the flags win: dbt too gets them (it would refuse "lots" and "plenty")
      const given = await runPdi(
        [command, '--home', home, '--memory-limit', '1GB', '--max-temp-size', '5GB', ...rest],
        broken,
      );
      expect(given.code, `${command}: ${given.stderr}${given.stdout.slice(-2000)}`).toBe(0);
    }
    /** A DuckDB setting as `./pdi sql` (flags and environment as given) sees it. */
    const duckdbSetting = async (name: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
      const result = await runPdi(['sql', '--json', ...args, `select current_setting('${name}') as m`], env);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout)[0].m;
    };
    const limit = (args: string[], env?: NodeJS.ProcessEnv) => duckdbSetting('memory_limit', args, env);
    const spill = (args: string[], env?: NodeJS.ProcessEnv) =>
      duckdbSetting('max_temp_directory_size', args, env);
    expect(await limit(['--home', home])).toBe('2.3 GiB');
    expect(await limit(['--home', home], { PDI_MEMORY_LIMIT: '700MB' })).toBe('667.5 MiB');
    expect(await limit(['--home', home, '--memory-limit', '1GB'], { PDI_MEMORY_LIMIT: '700MB' })).toBe(
      '953.6 MiB',
    );
    // half the free disk by default, rounded down to a power of two (other tests write to the same disk
    // meanwhile: a little slack)
    const free = statfsSync(home);
    const halfFree = (free.bavail * free.bsize) / 2 / 2 ** 30;
    const byDefault = Number.parseFloat(await spill(['--home', home]));
    expect(byDefault).toBeLessThanOrEqual(halfFree * 1.02);
    expect(byDefault).toBeGreaterThan((halfFree / 2) * 0.98);
    expect(Math.log2(byDefault * 1024) % 1).toBe(0);
    expect(await spill(['--home', home], { PDI_MAX_TEMP_SIZE: '3GB' })).toBe('2.7 GiB');
    expect(await spill(['--home', home, '--max-temp-size', '2GB'], { PDI_MAX_TEMP_SIZE: '3GB' })).toBe(
      '1.8 GiB',
    );

    // the home: PDI_HOME when no flag, the flag over it
    const count = async (args: string[], env: NodeJS.ProcessEnv = {}) =>
      runPdi(['sql', '--json', ...args, 'select count(*) as n from EVENTS.LOGS'], env);
    expect(JSON.parse((await count([], { PDI_HOME: home })).stdout)[0].n).not.toBe('0');
    const elsewhere = await count(['--home', await tempHome()], { PDI_HOME: home });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('no warehouse at');
  }, 300_000);
});
