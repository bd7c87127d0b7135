/**
 * `anirec` as a child process for the end-to-end tests and the benchmark: spawned with
 * `node --import tsx src/interfaces/cli/main.ts <args>`, all output captured, every child tracked so
 * `killAllChildren` (afterAll) leaves nothing running even when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface AnirecChild {
  process: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout+stderr match `pattern`; rejects after `timeoutMs` or if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process ended. */
  exited: Promise<number | string>;
  /** Sends `signal` (SIGTERM by default) and awaits the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

const children = new Set<ChildProcess>();

/** Spawns `anirec <args>` from the repo root with `env` added to a minimal environment. */
export function spawnAnirec(args: string[], env: Record<string, string>, entry = 'src/interfaces/cli/main.ts', options: { stdin?: 'pipe' } = {}): AnirecChild {
  // A minimal env so nothing from the developer's shell (a real DISCORD_TOKEN) leaks into the test.
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const l of listeners) l();
  });
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      // Let the pipes drain so the last lines are captured.
      setImmediate(() => {
        done = true;
        resolve(code ?? signal ?? -1);
        for (const l of listeners) l();
      });
    });
  });

  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (out + err).match(pattern);
          if (m) {
            cleanup();
            resolve(m[0]);
          } else if (done) {
            cleanup();
            reject(new Error(`anirec exited before printing ${pattern}; stderr:\n${err}\nstdout:\n${out}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`anirec did not print ${pattern} within ${timeoutMs} ms; stderr:\n${err}\nstdout:\n${out}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!done) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Kills every child still running (call from afterAll). */
export async function killAllChildren(): Promise<void> {
  const waits = [...children].map(
    (c) =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
}
