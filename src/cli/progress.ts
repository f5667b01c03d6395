import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * A progress bar on stderr when a person watches (a TTY); otherwise nothing, so that logs and
 * scripts' output stay clean.
 */
export function progressBar(unit: string, total: number | null, extra = ''): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `{bar} {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}${extra}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0);
  return {
    update: (done, payload) => bar.update(done, payload),
    stop: () => bar.stop(),
  };
}
