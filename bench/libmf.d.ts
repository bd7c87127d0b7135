/** The part of npm `libmf` (LIBMF bindings, no bundled types) the benchmarks use. */
declare module 'libmf' {
  export interface ModelOptions {
    factors?: number;
    threads?: number;
    iterations?: number;
    bins?: number;
    lambdaP2?: number;
    lambdaQ2?: number;
    learningRate?: number;
    quiet?: boolean;
  }
  export class Model {
    constructor(options?: ModelOptions);
    /** A Matrix, or the path of a text file of "row column value" lines. */
    fit(data: string | object, evalSet?: string | object): void;
    predict(rowIndex: number, columnIndex: number): number;
    destroy(): void;
  }
}
