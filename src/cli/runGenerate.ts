import path from 'node:path';
import { loadConfig, mergeOptions } from '../config/loadConfig.js';
import type { Options } from '../config/options.js';
import { generate, type GenerateResult } from '../generate.js';
import { findSchemaFile } from '../schema/findSchemaFile.js';
import { SchemaError } from '../ir/SchemaError.js';
import { BackupError } from '../server/backup/errors.js';
import { UsageError } from './usageError.js';
import { createLogger, type LogLevel, type Logger } from './logger.js';
import { watchInputs } from '../util/watchInputs.js';

export interface GenerateArgs extends Options {
  config?: string;
  check?: boolean;
  watch?: boolean;
  'log-level'?: LogLevel;
  silent?: boolean;
  'from-backup'?: string;
}

/** Flags over config over defaults; errors in the user's input are reported, not thrown. */
export async function runGenerate(args: GenerateArgs, cwd = process.cwd()): Promise<number> {
  const log = createLogger(args.silent ? 'silent' : args['log-level']);
  try {
    const flags: Options = {
      schema: args.schema && path.resolve(cwd, args.schema),
      out: args.out && path.resolve(cwd, args.out),
      validation: args.validation,
      output: args.output,
      dates: args.dates,
      prettier: args.prettier,
      testing: args.testing,
    };
    const config = await loadConfig(cwd, args.config);
    if (config.file) log.debug(`config: ${path.relative(cwd, config.file)}`);
    const options = mergeOptions(config, flags);
    const fromBackup = args['from-backup'];
    if (fromBackup) {
      const { writeSchemaFromBackup } = await import('./fromBackup.js');
      const written = await writeSchemaFromBackup(path.resolve(cwd, fromBackup), options.schema ?? path.resolve(cwd, 'instant.schema.ts'));
      log.info(`instant-codegen: wrote ${[written.schemaFile, written.permsFile].filter(Boolean).map((f) => path.relative(cwd, f!)).join(' and ')} from ${fromBackup}`);
      options.schema = written.schemaFile;
    }
    const schemaFile = options.schema ?? findSchemaFile(cwd);
    const run = () => generate({ ...options, schemaFile, outDir: options.out, check: args.check });
    if (args.watch) return await watchInputs(run, schemaFile, (result, error) => report(log, cwd, schemaFile, args, result, error));
    return report(log, cwd, schemaFile, args, await run());
  } catch (error) {
    return report(log, cwd, '', args, undefined, error);
  }
}

/** One line per run; errors with their location and fix. Returns the exit code. */
function report(log: Logger, cwd: string, schemaFile: string, args: GenerateArgs, result?: GenerateResult, error?: unknown): number {
  if (error) {
    // --from-backup: a bad flag value, or a backup that cannot be read.
    if (error instanceof UsageError) {
      log.error(`instant-codegen: ${error.message}`);
      return 2;
    }
    if (error instanceof BackupError) {
      log.error(log.color.red(`instant-codegen: ${error.message}`));
      return 1;
    }
    if (!(error instanceof SchemaError)) throw error;
    log.error(log.color.red(error.format(cwd)));
    return 1;
  }
  const r = result!;
  for (const warning of r.warnings) log.warn(warning.format(cwd, 'warning'));
  const where = path.relative(cwd, r.outDir) || '.';
  const counts = `${r.entities} entities, ${r.links} links`;
  const ms = `${Math.round(r.ms)} ms`;
  if (args.check) {
    if (!r.stale) {
      log.info(`instant-codegen: ${where} is up to date (${counts}, ${ms})`);
      return 0;
    }
    process.stdout.write(r.diff!);
    log.error(`instant-codegen: ${where} is out of date with ${path.relative(cwd, schemaFile)} (${counts}). Run \`instant-codegen generate\`.`);
    return 1;
  }
  if (r.noop) {
    log.info(`instant-codegen: ${counts} → ${where} (up to date, nothing to do) in ${ms}`);
    return 0;
  }
  const removed = r.removed!.length ? `, ${r.removed!.length} removed` : '';
  log.info(`instant-codegen: ${counts} → ${where} (${r.written!.length} written, ${r.unchanged!.length} unchanged${removed}) in ${ms}`);
  return 0;
}
