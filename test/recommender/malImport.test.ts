import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImportInvalidError } from '../../src/errors.js';
import { describeError } from '../../src/interfaces/messages.js';
import { MAX_IMPORT_BYTES, parseMalExport } from '../../src/recommender/malImport.js';

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

function failure(input: Uint8Array): string {
  try {
    parseMalExport(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportInvalidError);
    return describeError(error);
  }
  throw new Error('expected ImportInvalidError');
}

describe('parseMalExport', () => {
  it('given scores and statuses then scores 1-10 are ratings, score 0 seen is WATCHED, Plan to Watch is skipped', () => {
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
    expect(parseMalExport(bytes(xml))).toEqual({
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

  it('given a gzipped export then it reads the same entries', () => {
    const xml = exportXml(entry(9253, 9, 'Completed'));
    expect(parseMalExport(gzipSync(bytes(xml))).entries).toEqual([{ animeId: 9253, score: 9 }]);
  });

  it('given broken entries then they are counted as skipped, not fatal', () => {
    const xml = exportXml(entry('abc', 9, 'Completed'), entry(3, 11, 'Completed'), entry(4, 0, ''), entry(10, 7, 'Completed'));
    expect(parseMalExport(bytes(xml))).toEqual({ entries: [{ animeId: 10, score: 7 }], planToWatch: 0, skipped: 3 });
  });

  it('given entity-encoded values and numeric status codes then they are decoded', () => {
    const xml = exportXml(`<anime><series_animedb_id>&#52;2</series_animedb_id><my_score>8</my_score><my_status>2</my_status></anime>`, entry(43, 0, '4'));
    expect(parseMalExport(bytes(xml)).entries).toEqual([
      { animeId: 42, score: 8 },
      { animeId: 43, score: -1 },
    ]);
  });

  it('given files that are not exports then each gets its own clear answer', () => {
    expect(failure(bytes('anime_id,name\n1,x\n'))).toBe('That file is not a MyAnimeList list export: it is not XML');
    expect(failure(bytes('<?xml version="1.0"?><html><body/></html>'))).toBe(
      'That file is not a MyAnimeList list export: its root element is <html>, not <myanimelist>',
    );
    expect(failure(bytes(exportXml()))).toBe('That file is not a MyAnimeList list export: it lists no anime');
    expect(failure(Buffer.alloc(MAX_IMPORT_BYTES + 1, 32))).toBe('That file is not a MyAnimeList list export: it is larger than 5 MB');
    expect(failure(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toBe('That file is not a MyAnimeList list export: it is a damaged .gz file');
    expect(failure(gzipSync(Buffer.alloc(MAX_IMPORT_BYTES + 10, 32)))).toBe(
      'That file is not a MyAnimeList list export: it is larger than 5 MB once unzipped',
    );
  });
});
