/** The benchmark's verdicts and the text it prints: a table of the scenarios, the targets, and what looks off. */
import type { LakeCheck } from './lake.ts';
import type { LoadResult } from './load.ts';
import type { Machine } from './machine.ts';
import type { RssSummary } from './proc.ts';

export const BASELINE = 'baseline';
export const COLLECT = 'collector /collect (fsync)';
export const BATCH = 'collector /batch (fsync)';

export interface Scenario {
  name: string;
  server: 'baseline' | 'collector';
  durability?: 'fsync' | 'write';
  route: '/collect' | '/batch';
  hitsPerRequest: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  url: string;
  pid: number;
  pidNote: string;
  warmup: LoadResult | null;
  load: LoadResult;
  rss: RssSummary;
  /** The collector's `pdi_hits_accepted_total` once the load was over (null for the baseline). */
  acceptedByServer: number | null;
  stop: { code: number | null; signal: string | null; ms: number };
  lake: LakeCheck | null;
  /** What the server logged on stderr (the collector runs with --log-level warn). */
  stderr: string;
}

/** A scenario that could not run (a server that never got ready, a load generator that crashed). */
export interface ScenarioFailure {
  scenario: Scenario;
  error: string;
}

export interface Target {
  name: string;
  actual: string;
  pass: boolean;
  /** The figure the target judges, to summarize it over rounds. */
  figure?: { value: number; unit: 'x' | 'ms' | 'MB' };
}

const TARGET = { ratioToBaseline: 0.6, p99Ms: 20, rssMb: 150, batchOverCollect: 5 };

const find = (results: readonly ScenarioResult[], name: string) =>
  results.find((r) => r.scenario.name === name);

export function evaluateTargets(
  results: readonly ScenarioResult[],
  failures: readonly ScenarioFailure[],
): Target[] {
  const baseline = find(results, BASELINE);
  const collect = find(results, COLLECT);
  const batch = find(results, BATCH);
  const collectors = results.filter((r) => r.scenario.server === 'collector');
  const targets: Target[] = [];
  if (baseline && collect) {
    const ratio = collect.load.hitsPerSec / baseline.load.hitsPerSec;
    targets.push({
      name: `/collect hits/s >= ${TARGET.ratioToBaseline} x baseline`,
      actual: `${fmt(collect.load.hitsPerSec)} vs ${fmt(baseline.load.hitsPerSec)} (${ratio.toFixed(2)} x)`,
      pass: ratio >= TARGET.ratioToBaseline,
      figure: { value: ratio, unit: 'x' },
    });
  }
  if (collect) {
    targets.push({
      name: `/collect p99 < ${TARGET.p99Ms} ms`,
      actual: `${collect.load.latencyMs.p99} ms`,
      pass: collect.load.latencyMs.p99 < TARGET.p99Ms,
      figure: { value: collect.load.latencyMs.p99, unit: 'ms' },
    });
  }
  if (collectors.length > 0) {
    const peak = Math.max(...collectors.map((r) => r.rss.peakMb));
    targets.push({
      name: `collector peak RSS < ${TARGET.rssMb} MB`,
      actual: `${peak.toFixed(1)} MB`,
      pass: peak < TARGET.rssMb,
      figure: { value: peak, unit: 'MB' },
    });
  }
  if (collect && batch) {
    const ratio = batch.load.hitsPerSec / collect.load.hitsPerSec;
    targets.push({
      name: `/batch hits/s >= ${TARGET.batchOverCollect} x /collect hits/s`,
      actual: `${fmt(batch.load.hitsPerSec)} vs ${fmt(collect.load.hitsPerSec)} (${ratio.toFixed(2)} x)`,
      pass: ratio >= TARGET.batchOverCollect,
      figure: { value: ratio, unit: 'x' },
    });
  }
  if (collectors.length > 0) {
    const bad = collectors.filter((r) => !integrityOk(r));
    targets.push({
      name: 'every collector exits 0 and its lake holds each 2xx hit once',
      actual:
        bad.length === 0
          ? `${collectors.length} of ${collectors.length} runs`
          : `failed: ${bad.map((r) => r.scenario.name).join(', ')}`,
      pass: bad.length === 0,
    });
  }
  for (const { scenario, error } of failures) {
    targets.push({ name: `${scenario.name} runs`, actual: gist(error), pass: false });
  }
  return targets;
}

/** The server's CPU time per request answered, in microseconds: what a request costs, whatever the speed. */
export function serverCpuPerRequest(load: LoadResult): number {
  return ((load.serverCpuPercent ?? Number.NaN) / 100 / load.requestsPerSec) * 1e6;
}

export function integrityOk(result: ScenarioResult): boolean {
  return result.stop.code === 0 && (result.lake?.ok ?? true);
}

export function formatTable(results: readonly ScenarioResult[]): string {
  const baseline = find(results, BASELINE);
  const header = [
    'scenario',
    'req/s',
    'hits/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'non-2xx',
    'errors',
    'server CPU',
    'server CPU us/req',
    'load CPU',
    'other CPU',
    'peak RSS MB',
    'x baseline',
    'lake check',
  ];
  const rows = results.map((r) => [
    r.scenario.name,
    fmt(r.load.requestsPerSec),
    fmt(r.load.hitsPerSec),
    r.load.latencyMs.p50.toFixed(2),
    r.load.latencyMs.p99.toFixed(2),
    r.load.latencyMs.max.toFixed(1),
    String(r.load.non2xx),
    String(r.load.errors),
    `${Math.round(r.load.serverCpuPercent ?? Number.NaN)}%`,
    serverCpuPerRequest(r.load).toFixed(0),
    `${Math.round(r.load.cpuPercent)}%`,
    `${Math.round(r.load.otherCpuPercent ?? Number.NaN)}%`,
    r.rss.peakMb.toFixed(1),
    baseline ? (r.load.hitsPerSec / baseline.load.hitsPerSec).toFixed(2) : '-',
    lakeSummary(r),
  ]);
  return columns([header, ...rows]);
}

export function formatTargets(targets: readonly Target[]): string {
  return columns(targets.map((t) => [t.pass ? 'PASS' : 'FAIL', t.name, t.actual]));
}

/**
 * Each target over rounds run one after the other: in how many it was met, and its figure's median and range.
 * On a shared machine one run's figure says little; the spread says how much.
 */
export function formatRounds(rounds: readonly (readonly Target[])[]): string {
  const names = [...new Set(rounds.flat().map((t) => t.name))];
  const rows = names.map((name) => {
    const runs = rounds.flatMap((targets) => targets.filter((t) => t.name === name));
    const met = runs.filter((t) => t.pass).length;
    const figures = runs.flatMap((t) => (t.figure ? [t.figure] : []));
    const values = figures.map((f) => f.value).sort((a, b) => a - b);
    const unit = figures[0]?.unit ?? '';
    const show = (v: number) => `${v.toFixed(unit === 'x' ? 2 : 1)} ${unit}`;
    const spread =
      values.length > 0
        ? `median ${show(median(values))}, ${show(values[0] as number)} to ${show(values[values.length - 1] as number)}`
        : '';
    return [`met in ${met} of ${rounds.length}`, name, spread];
  });
  return columns(rows);
}

/** What deserves a look even when the targets pass. */
export function notes(results: readonly ScenarioResult[], failures: readonly ScenarioFailure[]): string[] {
  const out = failures.map(({ scenario, error }) => `${scenario.name}: could not run: ${gist(error)}`);
  for (const r of results) {
    const name = r.scenario.name;
    const { load, rss, lake } = r;
    if (load.non2xx > 0)
      out.push(`${name}: ${load.non2xx} non-2xx responses ${JSON.stringify(load.statusCodes)}`);
    if (load.cpuPercent >= 90 * load.generatorThreads) {
      out.push(
        `${name}: the load generator (${load.generator}, ${load.generatorThreads} thread(s)) used ${load.cpuPercent}% of a core: this figure is bounded by it, not only by the server`,
      );
    }
    if ((load.otherCpuPercent ?? 0) >= 15) {
      out.push(
        `${name}: other processes used ${load.otherCpuPercent}% of a core during the load: the machine was not quiet, figures are noisy`,
      );
    }
    if (load.errors > 0) out.push(`${name}: ${load.errors} connection errors (${load.timeouts} timeouts)`);
    if (rss.endMb > rss.startMb * 1.5 && rss.endMb - rss.startMb > 30) {
      out.push(
        `${name}: RSS grew from ${rss.startMb.toFixed(1)} MB (ready) to ${rss.endMb.toFixed(1)} MB (after the load)`,
      );
    }
    if (r.stop.code !== 0)
      out.push(`${name}: exited with ${r.stop.code ?? r.stop.signal} on SIGTERM (after ${r.stop.ms} ms)`);
    if (lake && r.acceptedByServer !== null && r.acceptedByServer !== lake.lines) {
      out.push(
        `${name}: pdi_hits_accepted_total is ${r.acceptedByServer}, the lake holds ${lake.lines} hits`,
      );
    }
    if (lake && lake.storedUnacked > 0) {
      out.push(
        `${name}: ${lake.storedUnacked} hits were stored but their answer never reached ${load.generator} ` +
          '(requests in flight when it closed its connections at the end of the run)',
      );
    }
    const logged = r.stderr.split('\n').filter((line) => line.trim() !== '');
    if (logged.length > 0)
      out.push(`${name}: ${logged.length} lines on stderr, first: ${logged[0]?.slice(0, 300)}`);
  }
  return out;
}

/** The median of sorted values (the mean of the middle two when their count is even). */
function median(sorted: readonly number[]): number {
  const middle = sorted.length / 2;
  return Number.isInteger(middle)
    ? ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
    : (sorted[Math.floor(middle)] as number);
}

export function formatMachine(machine: Machine): string {
  return `${machine.date}  ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.os}`;
}

function lakeSummary(r: ScenarioResult): string {
  const lake = r.lake;
  if (!lake) return '-';
  const exit = r.stop.code === 0 ? '' : `, exit ${r.stop.code ?? r.stop.signal}`;
  if (!lake.ok || exit) {
    return `FAIL ${lake.lines} lines vs ${lake.ackedHits} 2xx hits: lost ${lake.lost}, duplicated ${lake.duplicated}, unknown ${lake.unknown}${exit}`;
  }
  const how = lake.hitByHit ? '' : ' (by count)';
  if (lake.equal) return `ok ${lake.lines} = 2xx hits${how}`;
  return `ok ${lake.lines} = ${lake.ackedHits} 2xx hits + ${lake.storedUnacked} in flight at stop${how}`;
}

/** The first line of an error and the first line of its output that names an error: not the stack trace. */
function gist(error: string): string {
  const [first = '', ...rest] = error.split('\n');
  const cause = rest.find((line) => /error/i.test(line) && !/^\s+at /.test(line));
  return cause ? `${first} ${cause.trim()}` : first;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function columns(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
