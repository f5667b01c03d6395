/**
 * What a process uses, from Linux's /proc: memory from /proc/<pid>/status (resident set size now, VmRSS, and
 * its peak, VmHWM), CPU time from /proc/<pid>/stat.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on every Linux this runs on (USER_HZ). */
const USER_HZ = 100;

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14, 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

export interface Memory {
  rssMb: number;
  peakMb: number;
}

export function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU seconds the whole machine spent busy (not idle, not waiting for I/O), all cores together. */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/) ?? [];
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / USER_HZ;
}

/** The CPU used during a load, in % of one core: the load generator's, the server's, the rest of the machine's. */
export interface LoadCpu {
  cpuPercent: number;
  serverCpuPercent: number | null;
  otherCpuPercent: number | null;
}

/**
 * Starts measuring the CPU of a load; `stop` takes the load generator's own CPU seconds over the load (it
 * measures them its own way) and gives each share over the time since, rounded.
 */
export function measureLoadCpu(serverPid: number | null): { stop(generatorCpuSeconds: number): LoadCpu } {
  const serverBefore = serverPid === null ? 0 : cpuSeconds(serverPid);
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  return {
    stop(generatorCpuSeconds) {
      const seconds = (performance.now() - started) / 1000;
      const cpuPercent = (100 * generatorCpuSeconds) / seconds;
      const serverCpuPercent =
        serverPid === null ? null : (100 * (cpuSeconds(serverPid) - serverBefore)) / seconds;
      const machinePercent = (100 * (machineBusySeconds() - machineBefore)) / seconds;
      return {
        cpuPercent: Math.round(cpuPercent),
        serverCpuPercent: serverCpuPercent === null ? null : Math.round(serverCpuPercent),
        otherCpuPercent:
          serverCpuPercent === null
            ? null
            : Math.max(0, Math.round(machinePercent - cpuPercent - serverCpuPercent)),
      };
    },
  };
}

export interface RssSummary {
  /** RSS when the sampling started (the server ready, before any load). */
  startMb: number;
  /** RSS at the last sample (the load over, before stopping the server). */
  endMb: number;
  /** The largest RSS sampled. */
  maxSampledMb: number;
  /** VmHWM at the end: the true peak, samples or not. */
  peakMb: number;
  /** Every sample, in MB, `intervalMs` apart: does it level off or keep growing? */
  seriesMb: number[];
  intervalMs: number;
}

/** Samples VmRSS every `intervalMs` until `stop()`, which reads VmHWM for the peak. */
export function sampleRss(pid: number, intervalMs = 500): { stop(): RssSummary } {
  const samples = [readMemory(pid).rssMb];
  const timer = setInterval(() => {
    try {
      samples.push(readMemory(pid).rssMb);
    } catch {
      // the process is gone: stop() will tell
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      let last: Memory = { rssMb: samples.at(-1) ?? Number.NaN, peakMb: Number.NaN };
      try {
        last = readMemory(pid);
        samples.push(last.rssMb);
      } catch {
        // the process is gone: no peak to read
      }
      return {
        startMb: samples[0] ?? Number.NaN,
        endMb: last.rssMb,
        maxSampledMb: Math.max(...samples),
        peakMb: last.peakMb,
        seriesMb: samples.map((mb) => Math.round(mb * 10) / 10),
        intervalMs,
      };
    },
  };
}
