import yargs from 'yargs';
import { generateCommand } from './generateCommand.js';
import { initCommand } from './initCommand.js';
import { doctorCommand } from './doctorCommand.js';
import { serveCommand } from './serveCommand.js';
import { exportCommand } from './exportCommand.js';
import { TOOL_VERSION } from '../util/version.js';
import { UsageError } from './usageError.js';

/** Runs the CLI; resolves to the exit code (0 ok, 1 failure or stale output, 2 usage error). */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const parser = yargs(argv)
    .scriptName('instant-codegen')
    .usage('$0 <command> [options]')
    .command(generateCommand((code) => (exitCode = code)))
    .command(serveCommand((code) => (exitCode = code)))
    .command(initCommand((code) => (exitCode = code)))
    .command(doctorCommand((code) => (exitCode = code)))
    .command(exportCommand((code) => (exitCode = code)))
    .demandCommand(1, 'Name a command, e.g. `instant-codegen generate`.')
    .strict()
    .version(TOOL_VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((message, error) => {
      // yargs' own parse errors (a flag without its value, ...) are usage errors too.
      throw error && error.name !== 'YError' ? error : new UsageError(message || error?.message || 'invalid arguments');
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`instant-codegen: ${error.message}\nRun \`instant-codegen --help\` for usage.`);
    return 2;
  }
  return exitCode;
}
