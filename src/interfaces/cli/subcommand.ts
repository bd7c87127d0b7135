/** The shape of one `anirec <name>` subcommand; main.ts maps names to these. */
export interface Subcommand {
  /** One line for `anirec --help`. */
  summary: string;
  /** Full usage text for `anirec <name> --help`. */
  usage: string;
  /** Runs with the arguments after the subcommand name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}
