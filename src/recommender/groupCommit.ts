/**
 * Group commit: writes that arrive while a commit is running wait and then share ONE commit, so many
 * /rate at once pay one disk sync instead of one each. Every write still resolves only after the
 * commit that carried it returned, so an acknowledged write is as durable as a lone one.
 */

export interface GroupWriter {
  /** Resolves once a commit holding this value returned; rejects with that commit's error. */
  set(key: string, value: string): Promise<void>;
  /** Resolves when no write of `key` is queued or running (failures included). */
  settled(key: string): Promise<void>;
  /** Resolves when every queued write has been committed or has failed. */
  idle(): Promise<void>;
}

/** Writes the rows in one commit (one statement or transaction); throws when nothing was committed. */
export type CommitRows = (rows: readonly (readonly [key: string, value: string])[]) => Promise<void>;

interface Pending {
  key: string;
  value: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createGroupWriter(commit: CommitRows, options: { maxRows?: number; onError?: (error: unknown) => void } = {}): GroupWriter {
  const maxRows = options.maxRows ?? 256;
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;
  const pendingByKey = new Map<string, Promise<void>>();

  const commitAlone = async (batch: Pending[]) => {
    const rows = batch.map((p) => [p.key, p.value] as const);
    await commit(rows);
  };

  /** One commit for up to maxRows distinct keys; the latest value of a key wins within a batch. */
  const flushOnce = async () => {
    const batch: Pending[] = [];
    const latest = new Map<string, Pending>();
    let taken = 0;
    for (; taken < queue.length; taken++) {
      const p = queue[taken]!;
      if (!latest.has(p.key) && latest.size >= maxRows) break;
      latest.set(p.key, p);
      batch.push(p);
    }
    queue = queue.slice(taken);
    const rows = Array.from(latest.values());
    try {
      await commitAlone(rows);
      for (const p of batch) p.resolve();
    } catch (error) {
      options.onError?.(error);
      if (rows.length === 1) {
        for (const p of batch) p.reject(error);
        return;
      }
      // One bad row must not fail its neighbours: commit each alone so each gets its own outcome.
      for (const row of rows) {
        const mine = batch.filter((p) => p.key === row.key);
        try {
          await commitAlone([row]);
          for (const p of mine) p.resolve();
        } catch (rowError) {
          options.onError?.(rowError);
          for (const p of mine) p.reject(rowError);
        }
      }
    }
  };

  const drain = async () => {
    while (queue.length > 0) await flushOnce();
    running = undefined;
  };

  return {
    set(key, value) {
      const done = new Promise<void>((resolve, reject) => queue.push({ key, value, resolve, reject }));
      const tracked = done.then(
        () => undefined,
        () => undefined,
      );
      pendingByKey.set(key, tracked);
      void tracked.then(() => {
        if (pendingByKey.get(key) === tracked) pendingByKey.delete(key);
      });
      // The first write goes at once; the ones arriving during its commit form the next batch.
      running ??= drain();
      return done;
    },
    settled(key) {
      return pendingByKey.get(key) ?? Promise.resolve();
    },
    async idle() {
      while (running !== undefined) await running;
    },
  };
}
