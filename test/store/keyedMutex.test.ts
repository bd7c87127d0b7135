import { describe, expect, it } from 'vitest';
import { createKeyedMutex } from '../../src/store/keyedMutex.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('createKeyedMutex', () => {
  it('given many read-modify-writes of one key at once then none is lost', async () => {
    const mutex = createKeyedMutex();
    let value = 0;
    await Promise.all(
      Array.from({ length: 50 }, () =>
        mutex.run('k', async () => {
          const read = value;
          await tick();
          value = read + 1;
        }),
      ),
    );
    expect(value).toBe(50);
  });

  it('given a failing task then the next task of the key still runs and the failure reaches its caller', async () => {
    const mutex = createKeyedMutex();
    const failed = mutex.run('k', async () => {
      throw new Error('boom');
    });
    const next = mutex.run('k', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('given two keys then their tasks overlap', async () => {
    const mutex = createKeyedMutex();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = mutex.run('a', async () => {
      order.push('a start');
      await gate;
      order.push('a end');
    });
    const b = mutex.run('b', async () => {
      order.push('b');
      release();
    });
    await Promise.all([a, b]);
    expect(order).toEqual(['a start', 'b', 'a end']);
  });
});
