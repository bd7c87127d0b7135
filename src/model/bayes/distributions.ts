/**
 * The draws the Gibbs sampler needs beyond a standard normal (random.ts): Gamma (Marsaglia and Tsang,
 * 2000) for the noise precision and for the Wishart's chi-square diagonal. Seeded, so a run repeats.
 */
import { gaussian } from '../../random.js';

/** A Gamma(shape, rate) draw: mean shape / rate. */
export function sampleGamma(shape: number, rate: number, random: () => number): number {
  if (!(shape > 0) || !(rate > 0)) throw new RangeError(`Gamma(${shape}, ${rate}) needs a positive shape and rate`);
  // Below shape 1 Marsaglia-Tsang does not apply: draw at shape + 1 and scale by U^(1/shape).
  if (shape < 1) return sampleGamma(shape + 1, rate, random) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = gaussian(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** A chi-square draw with k degrees of freedom (Gamma(k/2, 1/2)). */
export function sampleChiSquare(k: number, random: () => number): number {
  return sampleGamma(k / 2, 0.5, random);
}
