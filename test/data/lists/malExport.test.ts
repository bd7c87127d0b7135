import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImportInvalidError } from '../../../src/errors.js';
import { describeError } from '../../../src/interfaces/messages.js';
import { MAX_IMPORT_BYTES, PARSE_SLICE_CHARS, parseMalExport } from '../../../src/data/lists/malExport.js';

function entry(id: string | number, score: string | number, status: string, title = 'X'): string {
  return `  <anime>
    <series_animedb_id>${id}</series_animedb_id>
    <series_title><![CDATA[${title}]]></series_title>
    <my_watched_episodes>12</my_watched_episodes>
    <my_score>${score}</my_score>
    <my_status>${status}</my_status>
  </anime>`;
}

function exportXml(...entries: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8" ?>
<!-- Created by XML Export feature at MyAnimeList.net -->
<myanimelist>
  <myinfo><user_id>1</user_id><user_name>someone</user_name><user_export_type>1</user_export_type></myinfo>
${entries.join('\n')}
</myanimelist>
`;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

async function failure(input: Uint8Array): Promise<string> {
  try {
    await parseMalExport(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportInvalidError);
    return describeError(error);
  }
  throw new Error('expected ImportInvalidError');
}

describe('parseMalExport', async () => {
  it('given scores and statuses then scores 1-10 are ratings, score 0 seen is WATCHED, Plan to Watch is skipped', async () => {
    const xml = exportXml(
      entry(9253, 10, 'Completed', 'Steins;Gate'),
      entry(2167, 0, 'Completed', 'Clannad'),
      entry(1, 0, 'Watching'),
      entry(5, 0, 'Dropped'),
      entry(6, 0, 'On-Hold'),
      entry(7, 3, 'Dropped'),
      entry(8, 0, 'Plan to Watch'),
      entry(9, 9, 'Plan to Watch'),
    );
    expect(await parseMalExport(bytes(xml))).toEqual({
      entries: [
        { animeId: 9253, score: 10 },
        { animeId: 2167, score: -1 },
        { animeId: 1, score: -1 },
        { animeId: 5, score: -1 },
        { animeId: 6, score: -1 },
        { animeId: 7, score: 3 },
      ],
      planToWatch: 2,
      skipped: 0,
    });
  });

  it('given a gzipped export then it reads the same entries', async () => {
    const xml = exportXml(entry(9253, 9, 'Completed'));
    expect((await parseMalExport(gzipSync(bytes(xml)))).entries).toEqual([{ animeId: 9253, score: 9 }]);
  });

  it('given broken entries then they are counted as skipped, not fatal', async () => {
    const xml = exportXml(entry('abc', 9, 'Completed'), entry(3, 11, 'Completed'), entry(4, 0, ''), entry(10, 7, 'Completed'));
    expect(await parseMalExport(bytes(xml))).toEqual({ entries: [{ animeId: 10, score: 7 }], planToWatch: 0, skipped: 3 });
  });

  it('given entity-encoded values and numeric status codes then they are decoded', async () => {
    const xml = exportXml(`<anime><series_animedb_id>&#52;2</series_animedb_id><my_score>8</my_score><my_status>2</my_status></anime>`, entry(43, 0, '4'));
    expect((await parseMalExport(bytes(xml))).entries).toEqual([
      { animeId: 42, score: 8 },
      { animeId: 43, score: -1 },
    ]);
  });

  it('given files that are not exports then each gets its own clear answer', async () => {
    expect(await failure(bytes('anime_id,name\n1,x\n'))).toBe('That file is not a MyAnimeList list export: it is not XML');
    expect(await failure(bytes('<?xml version="1.0"?><html><body/></html>'))).toBe(
      'That file is not a MyAnimeList list export: its root element is <html>, not <myanimelist>',
    );
    expect(await failure(bytes(exportXml()))).toBe('That file is not a MyAnimeList list export: it lists no anime');
    expect(await failure(Buffer.alloc(MAX_IMPORT_BYTES + 1, 32))).toBe('That file is not a MyAnimeList list export: it is larger than 5 MB');
    expect(await failure(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toBe('That file is not a MyAnimeList list export: it is a damaged .gz file');
    expect(await failure(gzipSync(Buffer.alloc(MAX_IMPORT_BYTES + 10, 32)))).toBe(
      'That file is not a MyAnimeList list export: it is larger than 5 MB once unzipped',
    );
  });
});

describe('parseMalExport on crafted uploads', () => {
  /** Parses with a counting yield: how many slices the work was cut into. */
  async function slices(input: Uint8Array): Promise<{ result: unknown; yields: number }> {
    let yields = 0;
    const result = await parseMalExport(input, { yieldControl: async () => void yields++ }).catch((error: unknown) => describeError(error));
    return { result, yields };
  }
  const fill = (head: string, unit: string, tail = '') => head + unit.repeat(Math.floor((MAX_IMPORT_BYTES - head.length - tail.length - 1) / unit.length)) + tail;

  it('given 5 MB of unclosed <anime> tags then it answers that no anime is listed, the work cut into slices', async () => {
    const { result, yields } = await slices(bytes(fill('<myanimelist>', '<anime>')));
    expect(result).toBe('That file is not a MyAnimeList list export: it lists no anime');
    expect(yields).toBeGreaterThanOrEqual(1);
  });

  it('given 5 MB of "<?" then it is not XML', async () => {
    expect((await slices(bytes(fill('', '<?')))).result).toBe('That file is not a MyAnimeList list export: it is not XML');
  });

  it('given white space runs inside fields then the values are read as if trimmed', async () => {
    const spaces = ' \n\t'.repeat(400_000);
    const xml = exportXml(`<anime><series_animedb_id>${spaces}42${spaces}</series_animedb_id><my_score>${spaces}8</my_score><my_status>Completed${spaces}</my_status></anime>`);
    expect((await slices(bytes(xml))).result).toEqual({ entries: [{ animeId: 42, score: 8 }], planToWatch: 0, skipped: 0 });
  });

  it('given 5 MB of real entries then every one is read, never more than one slice of text between two yields', async () => {
    const one = entry(9253, 9, 'Completed');
    const count = Math.floor((MAX_IMPORT_BYTES - 400) / (one.length + 1));
    const { result, yields } = await slices(bytes(exportXml(...Array.from({ length: count }, () => one))));
    expect((result as { entries: unknown[] }).entries).toHaveLength(count);
    expect(yields).toBeGreaterThanOrEqual(Math.floor(MAX_IMPORT_BYTES / PARSE_SLICE_CHARS) - 1);
  });
});
