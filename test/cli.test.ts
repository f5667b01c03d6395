import { readdir, readFile, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runPdi, startCollectorProcess, tempHome } from './support/pdi.ts';

/** The compiled CLI that ./pdi runs. */
const COMPILED_CLI = path.join(ROOT, 'dist', 'cli', 'main.mjs');

describe('./pdi, as a user runs it', () => {
  it('lists its commands and their flags', async () => {
    const top = await runPdi(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['collect', 'setup', 'demo']) expect(top.stdout).toContain(command);
    const collect = await runPdi(['collect', '--help']);
    expect(collect.code).toBe(0);
    for (const flag of ['--home', '--host', '--port', '--durability', '--anonymize-ip', '--divert-bots']) {
      expect(collect.stdout).toContain(flag);
    }
  });

  it('exits 2 with a clear message on an unknown command or flag', async () => {
    const command = await runPdi(['colect']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'colect'");
    const flag = await runPdi(['collect', '--prot', '80']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--prot'");
  });

  it('validates the configuration at start, naming the setting and its variable', async () => {
    const home = await tempHome();
    const result = await runPdi(['collect', '--home', home, '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/port \(PDI_PORT="eighty"\)/);
    const fromEnv = await runPdi(['collect', '--home', home], { PDI_BUFFER_SECONDS: '-1' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('PDI_BUFFER_SECONDS');
    expect(fromEnv.stderr).not.toMatch(/\n\s+at /);
    // what waits for the log is held in the heap, which ./pdi caps at 1 GB
    const tooMuch = await runPdi(['collect', '--home', home, '--max-pending-bytes', String(2 ** 30)]);
    expect(tooMuch.code).toBe(2);
    expect(tooMuch.stderr).toContain(
      'maxPendingBytes (PDI_MAX_PENDING_BYTES="1073741824"): at most 134217728',
    );
  });

  it('runs setup idempotently', async () => {
    const home = await tempHome();
    const first = await runPdi(['setup', '--home', home]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('made');
    const again = await runPdi(['setup', '--home', home]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('made');
    expect((await readdir(home)).sort()).toEqual(['lake', 'wal']);
  });

  it('takes the home folder from PDI_HOME, and refuses a second collector on the same home', async () => {
    const home = await tempHome();
    const first = await startCollectorProcess(home);
    const second = await runPdi(['collect', '--port', '0'], { PDI_HOME: home });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('another collector');
    expect(await first.stop()).toBe(0);
  });

  it('runs compiled JavaScript, built again when a source is newer than the build', async () => {
    // a build older than every source (the same sources build the same files: other tests are not disturbed)
    const past = new Date('2001-01-01T00:00:00Z');
    await utimes(COMPILED_CLI, past, past);
    const started = Date.now();
    expect((await runPdi(['--help'])).code).toBe(0);
    expect((await stat(COMPILED_CLI)).mtimeMs).toBeGreaterThan(started - 2000);

    // the long-running commands run the build, with no TypeScript loader
    const collector = await startCollectorProcess(await tempHome());
    const commandLine = (await readFile(`/proc/${collector.child.pid}/cmdline`, 'utf8')).split('\0');
    expect(commandLine).toContain(COMPILED_CLI);
    expect(commandLine.join(' ')).not.toContain('tsx');
    expect(await collector.stop()).toBe(0);
  });

  it("caps the collector's V8 heap at 1 GB, unless NODE_OPTIONS sets a cap", async () => {
    /** The collector's node flags: its command line before the script. */
    const nodeFlags = async (env: NodeJS.ProcessEnv) => {
      const collector = await startCollectorProcess(await tempHome(), [], env);
      const commandLine = (await readFile(`/proc/${collector.child.pid}/cmdline`, 'utf8')).split('\0');
      expect(await collector.stop()).toBe(0);
      return commandLine.slice(0, commandLine.indexOf(COMPILED_CLI));
    };
    expect(await nodeFlags({})).toContain('--max-old-space-size=1024');
    const flags = await nodeFlags({ NODE_OPTIONS: '--max-old-space-size=2048' });
    expect(flags.length).toBeGreaterThan(0);
    expect(flags.join(' ')).not.toContain('max-old-space-size');
  });
});
