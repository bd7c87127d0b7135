/**
 * Hogwild work sharing: the threads of an epoch pull slices of the shuffled order from one atomic
 * cursor instead of owning fixed halves, so an epoch does not wait on a thread that the OS or a busy
 * core slowed down.
 */

/** Most ratings a thread claims at a time: a few ms of work, so the threads finish an epoch within one claim. */
export const CLAIM_SIZE = 1 << 15;

/** The claim size for n ratings over `threads`: CLAIM_SIZE, smaller on small sets so every thread gets work. */
export function chooseClaimSize(n: number, threads: number): number {
  return Math.max(256, Math.min(CLAIM_SIZE, Math.ceil(n / (8 * threads))));
}

/** Runs `run` over claimed slices of [cursor .. end) until none are left; returns the summed squared errors. */
export function claimSlices(cursor: Int32Array, end: number, size: number, run: (from: number, to: number) => number): number {
  let sse = 0;
  for (let from = Atomics.add(cursor, 0, size); from < end; from = Atomics.add(cursor, 0, size)) {
    sse += run(from, Math.min(end, from + size));
  }
  return sse;
}
