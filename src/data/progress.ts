/**
 * Progress on stderr for long data jobs: a cli-progress bar when stderr is a terminal (and CI is not
 * set), otherwise an occasional plain line so logs stay readable.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** fraction 0..1 when the total is known; otherwise pass the amount done and a label for it. */
  update(fraction: number, text?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  env?: Record<string, string | undefined>;
}

/** true when a live bar makes sense on this stream. */
export function wantsLiveBar(stream: NodeJS.WriteStream = process.stderr, env = process.env): boolean {
  return stream.isTTY === true && !env.CI;
}

export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (wantsLiveBar(stream, options.env ?? process.env)) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} [{bar}] {percentage}% {text}`, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(100, 0, { text: '' });
    return {
      update: (fraction, text = '') => bar.update(Math.round(Math.min(1, fraction) * 100), { text }),
      stop: () => bar.stop(),
    };
  }
  // Plain lines: one per 25% step at most.
  let lastStep = -1;
  return {
    update(fraction, text = '') {
      const step = Math.floor(Math.min(1, fraction) * 4);
      if (step > lastStep) {
        lastStep = step;
        stream.write(`${label}: ${Math.round(Math.min(1, fraction) * 100)}%${text ? ` ${text}` : ''}\n`);
      }
    },
    stop() {},
  };
}
