/** The layout the code is read by: no import circles in src/, small files in the service and store layers. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCircles, importGraph, sourceFiles, SRC } from './importGraph.js';

const MAX_LINES = 300;

describe('source layout', () => {
  it('given every source file then no two import each other, directly or around a circle (type-only imports included)', () => {
    expect(importCircles(importGraph())).toEqual([]);
  });

  it('given the circle finder then it finds a planted circle (so the check above can fail)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(importCircles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it(`given the service and store layers then no file is over ${MAX_LINES} lines`, () => {
    const long = sourceFiles()
      .filter((file) => /^(service|store)\//.test(relative(SRC, file)))
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  // The CLI's commands are the entry points: they start from the composition root (app/), which wires the
  // front-ends (interfaces/) over the service.
  const LAYERS = ['data/', 'model/', 'store/', 'service/', 'interfaces/', 'app/', 'interfaces/cli/'];
  it(`given the layers ${LAYERS.join(' -> ')} then none imports a higher one`, () => {
    const rank = (file: string) => LAYERS.reduce((found, prefix, at) => (file.startsWith(prefix) ? at : found), -1);
    const upward: string[] = [];
    for (const [file, targets] of importGraph()) {
      for (const target of targets) if (rank(file) >= 0 && rank(target) > rank(file)) upward.push(`${file} -> ${target}`);
    }
    expect(upward).toEqual([]);
  });
});
