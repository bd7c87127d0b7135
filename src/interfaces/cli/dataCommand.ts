/** `anirec data`: checks and summarises a data folder (optionally downloading it first). */
import { readConfig, secretsOf } from '../../config.js';
import { loadDataset } from '../../data/dataset.js';
import { downloadDataset } from '../../data/download.js';
import { createProgress } from '../../data/progress.js';
import type { Dataset, IngestReport } from '../../data/types.js';
import { withMemberRatings } from '../../data/memberRatings.js';
import { redact } from '../../log.js';
import { readStoreMembers } from '../../store/readStoreMembers.js';
import { describeStoreUrl } from '../../store/ratingsStore.js';
import { parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec data [--data DIR] [--download] [--skip-malformed]

Reads anime.csv and rating.csv (or rating.csv.gz) from the data folder and prints what is in them.

Options:
  --data DIR         data folder (default: ANIREC_DATA_DIR, else ./data)
  --download         download the Kaggle data set into the folder first (ANIREC_DATA_URL,
                     with KAGGLE_USERNAME and KAGGLE_KEY when set)
  --skip-malformed   skip malformed rows (counted, first 10 shown) instead of stopping at the first
`;

const count = (n: number): string => n.toLocaleString('en-US');

/** The summary printed on stdout. */
export function formatReport(dir: string, report: IngestReport, cacheDir: string): string {
  const rows: [string, string][] = [
    ['anime', count(report.anime)],
    ['users', count(report.users)],
    ['rows', count(report.rows)],
    ['  explicit ratings', count(report.explicit)],
    ['  watched, not rated', count(report.watched)],
    ['  duplicates (last kept)', count(report.duplicates)],
    ['  dropped (unknown anime)', count(report.droppedUnknownAnime)],
    ['  malformed (skipped)', count(report.malformed)],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const lines = [`data folder ${dir} (${report.animeFile}, ${report.ratingFile})`];
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}`);
  const source = report.fromCache ? `from the cache in ${cacheDir}` : `parsed from the CSV files`;
  lines.push(`  load time ${report.seconds.toFixed(2)} s, ${source}`);
  if (report.malformedExamples.length > 0) {
    lines.push('', 'malformed rows skipped (first ones):', ...report.malformedExamples.map((m) => `  ${m}`));
  }
  return lines.join('\n') + '\n';
}

/** What `anirec train` would add from the ratings store (its members join as extra users). */
async function formatMembers(storeUrl: string, dataset: Dataset): Promise<string> {
  let rows;
  try {
    rows = await readStoreMembers(storeUrl);
  } catch (error) {
    return `members in the store: not readable (${(error as Error).message})\n`;
  }
  if (rows === undefined) return `members in the store: none yet (${describeStoreUrl(storeUrl)})\n`;
  const { report } = withMemberRatings(dataset, rows, undefined);
  return (
    `members in the store (${describeStoreUrl(storeUrl)}): ${count(report.members)} members, ${count(report.rows)} ratings ` +
    `(${count(report.explicit)} scored) that anirec train adds as extra users; ${count(report.unknown)} of anime not in anime.csv\n`
  );
}

const command: Subcommand = {
  summary: 'check and summarise the data folder (anime.csv, rating.csv); --download fetches it',
  usage: USAGE,
  async run(argv) {
    const values = parseOptions(argv, {
      data: { type: 'string' },
      download: { type: 'boolean' },
      'skip-malformed': { type: 'boolean' },
    });
    const config = readConfig(process.env);
    const dir = values.data ?? config.dataDir;

    if (values.download) {
      process.stderr.write(`downloading the data set into ${dir}\n`);
      const bar = createProgress('download');
      try {
        await downloadDataset({
          url: config.dataUrl,
          dir,
          username: config.kaggleUsername,
          key: config.kaggleKey,
          onProgress: (received, total) =>
            bar.update(total ? received / total : 0, `${(received / 1e6).toFixed(1)} MB`),
        });
      } finally {
        bar.stop();
      }
    }

    const bar = createProgress('loading');
    let dataset;
    try {
      dataset = await loadDataset(dir, {
        cacheDir: config.cacheDir,
        skipMalformed: values['skip-malformed'] === true,
        onProgress: (fraction) => bar.update(fraction),
        onCacheWriteError: (error) =>
          process.stderr.write(`note: could not write the cache in ${config.cacheDir} (${(error as Error).message})\n`),
      });
    } finally {
      bar.stop();
    }
    process.stdout.write(formatReport(dataset.dir, dataset.report, config.cacheDir));
    // The store's URL and its errors: printed on stdout, so redacted here as a log line would be.
    process.stdout.write(redact(await formatMembers(config.storeUrl, dataset), secretsOf(config)));
    return 0;
  },
};
export default command;
