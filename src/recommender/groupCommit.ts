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

export interface GroupWriter<Op, R> {
  /** Resolves with this operation's result once a commit holding it returned; rejects with that commit's error. */
  submit(op: Op): Promise<R>;
  /** Resolves when every queued operation has been committed or has failed. */
  idle(): Promise<void>;
}

/** Runs the operations, in order, in one commit (one transaction); throws when nothing was committed. */
export type CommitBatch<Op, R> = (ops: readonly Op[]) => Promise<(R | OpFailed)[]>;

interface Pending<Op, R> {
  op: Op;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export function createGroupWriter<Op, R>(
  commit: CommitBatch<Op, R>,
  options: { maxOps?: number; onError?: (error: unknown) => void } = {},
): GroupWriter<Op, R> {
  const maxOps = options.maxOps ?? 256;
  let queue: Pending<Op, R>[] = [];
  let running: Promise<void> | undefined;

  const flushOnce = async () => {
    const batch = queue.slice(0, maxOps);
    queue = queue.slice(batch.length);
    let results: (R | OpFailed)[];
    try {
      results = await commit(batch.map((p) => p.op));
    } catch (error) {
      options.onError?.(error);
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
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
    submit(op) {
      const done = new Promise<R>((resolve, reject) => queue.push({ op, resolve, reject }));
      // The first operation goes at once; the ones arriving during its commit form the next batch.
      running ??= drain();
      return done;
    },
    async idle() {
      while (running !== undefined) await running;
    },
  };
}
