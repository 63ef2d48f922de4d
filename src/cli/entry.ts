import { quickGenerateArgs } from './quickArgs.js';

/**
 * The `instant-codegen` binary: a plain `generate` goes straight to the run, so that a run with nothing to
 * do costs little more than Node's start-up; everything else (help, errors, other commands) goes to yargs.
 */
export async function cli(argv: string[]): Promise<number> {
  const quick = quickGenerateArgs(argv);
  if (quick) return (await import('./runGenerate.js')).runGenerate(quick);
  return (await import('./main.js')).main(argv);
}
