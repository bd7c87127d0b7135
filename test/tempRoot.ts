/**
 * Vitest global setup: every temp folder a test makes (all go through os.tmpdir()) lands under one
 * parent made here, and the parent is removed when the run ends, so test runs leave nothing in /tmp.
 * Workers and the bot processes the e2e tests spawn inherit TMPDIR from this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const parent = mkdtempSync(join(tmpdir(), 'anirec-test-'));
  process.env.TMPDIR = parent;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(parent, { recursive: true, force: true, maxRetries: 3 });
  };
}
