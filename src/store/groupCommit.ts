/**
 * Group commit: operations that arrive while a commit is running wait and then share ONE commit, so many
 * /rate at once pay one disk sync instead of one each. Every operation still resolves only after the
 * commit that carried it returned, so an acknowledged write is as durable as a lone one. Each operation
 * gets its own result (a compare-and-swap may find the stored value changed by another process) or its own
 * failure (OpFailed), so one bad row does not fail its neighbours; a commit that throws fails them all.
 */

/** The result of one operation that failed inside a batch whose other operations went on. */
export class OpFailed {
  constructor(readonly error: unknown) {}
}

/** An operation withdrawn (its signal aborted) before it was run: it never reached the store. */
export class WriteWithdrawn extends Error {
  constructor() {
    super('the write was withdrawn before it reached the store');
    this.name = 'WriteWithdrawn';
  }
}

export interface GroupWriter<Op, R> {
  /**
   * Resolves with this operation's result once a commit holding it returned; rejects with that commit's
   * error. Aborting `signal` before the commit runs the operation rejects at once with WriteWithdrawn, and
   * the operation is never run.
   */
  submit(op: Op, signal?: AbortSignal): Promise<R>;
  /** Resolves when every queued operation has been committed or has failed. */
  idle(): Promise<void>;
}

/**
 * Runs the operations, in order, in one commit (one transaction); throws when nothing was committed.
 * `claim(i)` must be called right before running operation i: false means it was withdrawn (skip it,
 * its result is ignored).
 */
export type CommitBatch<Op, R> = (ops: readonly Op[], claim: (i: number) => boolean) => Promise<(R | OpFailed)[]>;

interface Pending<Op, R> {
  op: Op;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
  /** 'waiting' until the commit claims it; a withdrawal is possible only then. */
  state: 'waiting' | 'claimed' | 'withdrawn';
}

export function createGroupWriter<Op, R>(
  commit: CommitBatch<Op, R>,
  options: { maxOps?: number; onError?: (error: unknown) => void } = {},
): GroupWriter<Op, R> {
  const maxOps = options.maxOps ?? 256;
  let queue: Pending<Op, R>[] = [];
  let running: Promise<void> | undefined;

  const flushOnce = async () => {
    const batch = queue.slice(0, maxOps).filter((p) => p.state === 'waiting');
    queue = queue.slice(Math.min(maxOps, queue.length));
    if (batch.length === 0) return;
    const claim = (i: number) => {
      const p = batch[i]!;
      if (p.state !== 'waiting') return false;
      p.state = 'claimed';
      return true;
    };
    let results: (R | OpFailed)[];
    try {
      results = await commit(
        batch.map((p) => p.op),
        claim,
      );
    } catch (error) {
      options.onError?.(error);
      for (const p of batch) if (p.state !== 'withdrawn') p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      if (p.state === 'withdrawn') return;
      const result = results[i];
      if (result instanceof OpFailed) {
        options.onError?.(result.error);
        p.reject(result.error);
      } else p.resolve(result as R);
    });
  };

  const drain = async () => {
    while (queue.length > 0) await flushOnce();
    running = undefined;
  };

  return {
    submit(op, signal) {
      const done = new Promise<R>((resolve, reject) => {
        const pending: Pending<Op, R> = { op, resolve, reject, state: 'waiting' };
        signal?.addEventListener(
          'abort',
          () => {
            if (pending.state !== 'waiting') return;
            pending.state = 'withdrawn';
            reject(new WriteWithdrawn());
          },
          { once: true },
        );
        queue.push(pending);
      });
      // The first operation goes at once; the ones arriving during its commit form the next batch.
      running ??= drain();
      return done;
    },
    async idle() {
      while (running !== undefined) await running;
    },
  };
}
