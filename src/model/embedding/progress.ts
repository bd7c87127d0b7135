/**
 * Training progress on stderr: a cli-progress bar (epoch, train loss, validation RMSE, time left) on a
 * terminal; one plain line per epoch when CI is set or stderr is not a TTY; nothing when quiet.
 */
import cliProgress from 'cli-progress';

export interface EpochStats {
  epoch: number;
  trainLoss: number;
  validationRmse: number;
  seconds: number;
}

export interface Progress {
  update(stats: EpochStats): void;
  stop(): void;
}

export function createProgress(totalEpochs: number, label: string, quiet: boolean): Progress {
  if (quiet) return { update() {}, stop() {} };
  const plain = Boolean(process.env.CI) || !process.stderr.isTTY;
  if (plain) {
    return {
      update(s) {
        process.stderr.write(
          `${label} epoch ${s.epoch}/${totalEpochs} train loss ${s.trainLoss.toFixed(4)} ${rmseText(s)} (${s.seconds.toFixed(1)} s)\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] epoch {value}/{total} | loss {loss} | val RMSE {rmse} | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 3,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalEpochs, 0, { loss: '-', rmse: '-' });
  return {
    update(s) {
      bar.update(s.epoch, { loss: s.trainLoss.toFixed(4), rmse: Number.isNaN(s.validationRmse) ? 'all rows' : s.validationRmse.toFixed(4) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** A fit on every row has no validation: say so rather than print NaN. */
function rmseText(s: EpochStats): string {
  return Number.isNaN(s.validationRmse) ? 'on all rows' : `validation RMSE ${s.validationRmse.toFixed(4)}`;
}
