import path from 'node:path';
import type { CommandModule } from 'yargs';
import { generate } from '../generate.js';
import { findSchemaFile } from '../schema/findSchemaFile.js';
import { SchemaError } from '../schema/SchemaError.js';

interface GenerateArgs {
  schema?: string;
  out?: string;
  check?: boolean;
}

export function generateCommand(setExitCode: (code: number) => void): CommandModule<object, GenerateArgs> {
  return {
    command: 'generate',
    describe: 'Generate a typed admin client from instant.schema.ts',
    builder: (y) =>
      y
        .option('schema', { type: 'string', describe: 'Schema file (default: found like Instant\'s CLI: $INSTANT_SCHEMA_FILE_PATH, ./, src/, lib/, app/)' })
        .option('out', { type: 'string', describe: 'Output folder (default: instant.gen/ beside the schema)' })
        .option('check', { type: 'boolean', describe: 'Write nothing; exit 1 with a diff when the output is stale (for CI)' })
        .example('$0 generate', 'find instant.schema.ts and write instant.gen/ beside it')
        .example('$0 generate --schema src/instant.schema.ts --out src/db', 'explicit paths')
        .example('$0 generate --check', 'in CI: fail when the generated client is out of date'),
    handler: async (args) => setExitCode(await runGenerate(args)),
  };
}

export async function runGenerate(args: GenerateArgs, cwd = process.cwd()): Promise<number> {
  try {
    const schemaFile = args.schema ? path.resolve(cwd, args.schema) : findSchemaFile(cwd);
    const result = await generate({ schemaFile, outDir: args.out && path.resolve(cwd, args.out), check: args.check });
    const where = path.relative(cwd, result.outDir) || '.';
    const counts = `${result.entities} entities, ${result.links} links`;
    const ms = `${Math.round(result.ms)} ms`;
    if (args.check) {
      if (result.stale) {
        process.stdout.write(result.diff!);
        console.error(`instant-codegen: ${where} is out of date with ${path.relative(cwd, schemaFile)} (${counts}). Run \`instant-codegen generate\`.`);
        return 1;
      }
      console.log(`instant-codegen: ${where} is up to date (${counts}, ${ms})`);
      return 0;
    }
    const removed = result.removed!.length ? `, ${result.removed!.length} removed` : '';
    console.log(`instant-codegen: ${counts} → ${where} (${result.written!.length} written, ${result.unchanged!.length} unchanged${removed}) in ${ms}`);
    return 0;
  } catch (error) {
    if (error instanceof SchemaError) {
      console.error(error.format(cwd));
      return 1;
    }
    throw error;
  }
}
