/** The part of npm `libmf` (LIBMF bindings, no bundled types) the libmf peer and the benchmarks use. */
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
    /** Rows of P (max row index + 1) and of Q. */
    rows(): number;
    columns(): number;
    factors(): number;
    /** LIBMF's fallback prediction (the mean training rating for squared loss). */
    bias(): number;
    /** P (rows x factors) and Q (columns x factors), one array per row. */
    p(): number[][];
    q(): number[][];
    destroy(): void;
  }
}
