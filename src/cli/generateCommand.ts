import type { Argv, CommandModule } from 'yargs';
import { GENERATE_FLAGS, LOG_FLAGS } from './generateFlags.js';
import { runGenerate, type GenerateArgs } from './runGenerate.js';

export function withLogOptions<T>(y: Argv<T>) {
  return y.options(LOG_FLAGS);
}

export function generateCommand(setExitCode: (code: number) => void): CommandModule<object, GenerateArgs> {
  return {
    command: 'generate',
    describe: 'Generate a typed admin client from instant.schema.ts',
    builder: (y) =>
      withLogOptions(y)
        .options(GENERATE_FLAGS)
        .conflicts('check', 'watch')
        .example('$0 generate', 'find instant.schema.ts and write instant.gen/ beside it')
        .example('$0 generate --schema src/instant.schema.ts --out src/db', 'explicit paths')
        .example('$0 generate --check', 'in CI: fail when the generated client is out of date')
        .example('$0 generate --watch', 'regenerate on every save'),
    handler: async (args) => setExitCode(await runGenerate(args)),
  };
}
