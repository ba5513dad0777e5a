import { asKnownError, describeError, EXIT_CODES, HermeticError } from '../errors';
import { outputStyle, palette } from '../progress/output-style';
import type { CliIo } from './run-cli';

/** The flags `runCli` parsed (names as on the command line). */
export type CliValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** A string flag's value (parseArgs gives strings for every flag declared with an argument). */
export function str(v: CliValues, flag: string): string | undefined {
  return v[flag] as string | undefined;
}

/** Prints `err` as the CLI's error line and returns the exit code its kind maps to. */
export function fail(err: unknown, io: CliIo): number {
  const paint = palette(outputStyle(io.stderr, io.env).color);
  const known = asKnownError(err);
  io.stderr.write(`${paint.bold(paint.red('Error:'))} ${describeError(known)}\n`);
  return known instanceof HermeticError ? known.exitCode : EXIT_CODES.FetchError;
}
