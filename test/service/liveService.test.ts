import { describe, expect, it } from 'vitest';
import type { AnirecModel } from '../../src/model/anirecModel.js';
import { createLiveService } from '../../src/service/liveService.js';
import type { AnirecService, RatingsPage } from '../../src/service/index.js';

/** A stand-in model: the live service only fingerprints it and hands it to `build`. */
const fakeModel = (trainedAt: string) => ({ name: 'anirec', catalogue: { anime: [] }, info: { trainedAt } }) as unknown as AnirecModel;

describe('createLiveService', () => {
  it('given a swap while a call runs then that call finishes on the old model and the next goes to the new one', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const built: string[] = [];
    const live = createLiveService(fakeModel('a'), (model) => {
      built.push(model.info.trainedAt);
      const page = (total: number): RatingsPage => ({ entries: [], page: 1, pages: 1, total });
      return {
        catalogue: model.catalogue,
        listRatings: async () => {
          if (model.info.trainedAt === 'a') await gate;
          return page(model.info.trainedAt === 'a' ? 1 : 2);
        },
      } as unknown as AnirecService;
    });
    const running = live.service.listRatings('m');
    expect(live.swap(fakeModel('b'))).toBe(true);
    expect(await live.service.listRatings('m')).toMatchObject({ total: 2 });
    release();
    expect(await running).toMatchObject({ total: 1 });
    expect(built).toEqual(['a', 'b']);
    // The same model again (same fingerprint) changes nothing and builds nothing.
    expect(live.swap(fakeModel('b'))).toBe(false);
    expect(built).toEqual(['a', 'b']);
    expect(live.current().model.info.trainedAt).toBe('b');
  });
});
