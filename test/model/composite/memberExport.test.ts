/** A member's vector exported and imported again, on a small trained composite. */
import { describe, expect, it } from 'vitest';
import { makeSplits } from '../../../src/data/splits.js';
import type { Dataset } from '../../../src/data/types.js';
import { trainAnirecModel } from '../../../src/model/anirecModel.js';
import { exportMember, importMember } from '../../../src/model/composite/memberExport.js';
import { makePlanted } from '../../../support/planted.js';

const planted = makePlanted({ users: 120, anime: 40, groups: 2, ratingsPerUser: 12, seed: 3 });
const dataset: Dataset = { dir: 'planted', catalogue: planted.catalogue, ratings: planted.ratings, report: {} as Dataset['report'], fingerprint: 'planted-3' };
const model = await trainAnirecModel(dataset, { splits: makeSplits(planted.ratings, { seed: 1 }), explicit: { threads: 1, dim: 4 }, implicit: { threads: 1, dim: 3 }, quiet: true, explicitKinds: ['embedding'], ease: false });

describe('member export', () => {
  it('given a person then the vector is [version, flags, mean, bias, explicit..., implicit...] and imports back equal', () => {
    const person = model.foldIn({ itemIx: Int32Array.of(1, 5, 9), score: Int8Array.of(9, -1, 4) });
    const vector = exportMember(person);
    expect(vector.length).toBe(4 + 4 + 3);
    expect(Array.from(vector.subarray(0, 4))).toEqual([1, 0, person.mean, person.explicit.bias]);
    expect(vector.subarray(4, 8)).toEqual(person.explicit.vector);
    expect(vector.subarray(8)).toEqual(person.implicit.vector);
    expect(importMember(vector, model.explicit, model.implicit)).toEqual(person);
  });

  it('given a person with no known anime then their fallbacks survive the round trip', () => {
    const nobody = model.foldIn({ itemIx: new Int32Array(0), score: new Int8Array(0) });
    expect(nobody.fallback).toBeDefined();
    const back = importMember(exportMember(nobody), model.explicit, model.implicit);
    expect(back).toEqual(nobody);
    expect(back.explicit.fallback).toBe(nobody.explicit.fallback);
    expect(back.implicit.fallback).toBe(nobody.implicit.fallback);
  });

  it('given a vector of another shape or version then it says to fold in again', () => {
    const vector = exportMember(model.foldIn({ itemIx: Int32Array.of(2), score: Int8Array.of(8) }));
    expect(() => importMember(vector.subarray(1), model.explicit, model.implicit)).toThrow(/length 10 does not fit this model \(expected 11\); fold the person in again/);
    const future = Float32Array.from(vector);
    future[0] = 2;
    expect(() => importMember(future, model.explicit, model.implicit)).toThrow(/fold the person in again/);
  });
});
