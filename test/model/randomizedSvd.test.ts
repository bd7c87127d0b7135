import { describe, expect, it } from 'vitest';
import { orthonormalise, randomizedSvd, sparseOperator, sparsePlusLowRank, symmetricEigen } from '../../src/model/randomizedSvd.js';
import type { Csr } from '../../src/model/sparse.js';

function denseToCsr(rows: number[][]): Csr {
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of rows) {
    row.forEach((x, c) => {
      if (x !== 0) {
        indices.push(c);
        values.push(x);
      }
    });
    indptr.push(indices.length);
  }
  return { nRows: rows.length, nCols: rows[0]!.length, indptr: Uint32Array.from(indptr), indices: Int32Array.from(indices), values: Float32Array.from(values) };
}

describe('randomizedSvd', () => {
  it('given a symmetric 2x2 matrix then Jacobi finds its eigenvalues descending', () => {
    const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(Array.from(values).map((x) => Number(x.toFixed(6)))).toEqual([3, 1]);
  });

  it('given a tall block then its columns come out orthonormal', () => {
    const m = Float64Array.from([1, 2, 3, 4, 5, 7, 2, 0, 1]);
    orthonormalise(m, 3, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let dot = 0;
        for (let r = 0; r < 3; r++) dot += m[r * 3 + i]! * m[r * 3 + j]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 8);
      }
    }
  });

  it('given a rank-2 matrix then the top singular values are exact and the third is zero', () => {
    const rows = [
      [1, 0, 1, 0],
      [2, 0, 2, 0],
      [0, 2, 0, 2],
      [0, 1, 0, 1],
      [1, 2, 1, 2],
    ];
    const a = denseToCsr(rows);
    const svd = randomizedSvd(sparseOperator(a, a.values), { k: 3, seed: 1, oversample: 1 });
    // On the basis a=(1,0,1,0)/√2, b=(0,1,0,1)/√2, AᵀA = [[12, 4], [4, 18]]: eigenvalues 20 and 10.
    expect(Number(svd.sigma[0]!.toFixed(6))).toBe(Number(Math.sqrt(20).toFixed(6)));
    expect(Number(svd.sigma[1]!.toFixed(6))).toBe(Number(Math.sqrt(10).toFixed(6)));
    expect(svd.sigma[2]!).toBeLessThan(1e-6);
  });

  it('given sparse + low rank then products equal those of the dense sum', () => {
    const a = denseToCsr([
      [1, 0],
      [0, 2],
      [3, 0],
    ]);
    // P (3 x 1) = [1, 2, 0], V (2 x 1) = [1, -1]: P Vᵀ = [[1,-1],[2,-2],[0,0]]; sum = [[2,-1],[2,0],[3,0]].
    const op = sparsePlusLowRank(a, a.values, Float64Array.from([1, 2, 0]), Float64Array.from([1, -1]), 1);
    expect(Array.from(op.multiply(Float64Array.from([1, 1]), 1))).toEqual([1, 2, 3]);
    expect(Array.from(op.multiplyTransposed(Float64Array.from([1, 1, 1]), 1))).toEqual([7, -1]);
  });
});
