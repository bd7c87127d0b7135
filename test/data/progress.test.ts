import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, wantsLiveBar } from '../../src/data/progress.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 80 });
  return { stream, text: () => text };
}

describe('createProgress', () => {
  it('given a stream that is not a terminal then it writes a plain line per quarter', () => {
    const { stream, text } = fakeStream(false);
    const progress = createProgress('download', { stream, env: {} });
    for (const f of [0, 0.1, 0.3, 0.31, 0.6, 0.9, 1]) progress.update(f, 'x');
    progress.stop();
    expect(text()).toBe('download: 0% x\ndownload: 30% x\ndownload: 60% x\ndownload: 90% x\ndownload: 100% x\n');
  });

  it('given a terminal then a live bar is wanted unless CI is set', () => {
    expect(wantsLiveBar(fakeStream(true).stream, {})).toBe(true);
    expect(wantsLiveBar(fakeStream(true).stream, { CI: 'true' })).toBe(false);
    expect(wantsLiveBar(fakeStream(false).stream, {})).toBe(false);
  });
});
