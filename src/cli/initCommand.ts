import fs from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { findSchemaFile } from '../schema/findSchemaFile.js';
import { SchemaError } from '../ir/SchemaError.js';
import { createLogger, type LogLevel } from './logger.js';
import { withLogOptions } from './generateCommand.js';

const SCRIPTS = {
  'instant:generate': 'instant-codegen generate',
  'instant:check': 'instant-codegen generate --check',
};
const CONFIG_FILE = 'instant-codegen.config.json';

interface InitArgs {
  'log-level'?: LogLevel;
  silent?: boolean;
}

export function initCommand(setExitCode: (code: number) => void): CommandModule<object, InitArgs> {
  return {
    command: 'init',
    describe: 'Add generate/check scripts to package.json and a minimal config; never prompts',
    builder: (y) => withLogOptions(y).example('$0 init', 'in a project with package.json and instant.schema.ts'),
    handler: (args) => setExitCode(runInit(process.cwd(), createLogger(args.silent ? 'silent' : args['log-level']))),
  };
}

/** Edits package.json (keeping its indentation and existing scripts) and writes a config if there is none. */
export function runInit(cwd: string, log = createLogger()): number {
  const pkgFile = path.join(cwd, 'package.json');
  if (!fs.existsSync(pkgFile)) {
    log.error(new SchemaError(`no package.json in ${cwd}`, undefined, 'Run `npm init -y` first, or run init in your project folder.').format(cwd));
    return 1;
  }
  const text = fs.readFileSync(pkgFile, 'utf8');
  const pkg = JSON.parse(text);
  const added = Object.entries(SCRIPTS).filter(([name]) => pkg.scripts?.[name] === undefined);
  if (added.length) {
    pkg.scripts = { ...pkg.scripts, ...Object.fromEntries(added) };
    const indent = /^(\s+)"/m.exec(text)?.[1] ?? '  ';
    fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, indent)}\n`);
  }
  let schema: string | undefined;
  try {
    schema = path.relative(cwd, findSchemaFile(cwd)).split(path.sep).join('/');
  } catch {
    schema = undefined;
  }
  const configFile = path.join(cwd, CONFIG_FILE);
  const hasConfig = fs.existsSync(configFile) || pkg['instant-codegen'] !== undefined;
  if (!hasConfig) {
    const config = { schema: schema ?? 'instant.schema.ts', out: path.posix.join(path.posix.dirname(schema ?? 'instant.schema.ts'), 'instant.gen') };
    fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  }
  log.info(
    [
      added.length ? `added scripts to package.json: ${added.map(([n]) => n).join(', ')}` : 'package.json already has the instant:* scripts',
      hasConfig ? 'kept the existing instant-codegen config' : `wrote ${CONFIG_FILE}`,
      schema ? `schema: ${schema}` : 'no instant.schema.ts found yet: create one, or set "schema" in the config',
      '',
      'Next steps:',
      '  npm install zod                 # the only runtime dependency of the generated client',
      '  npm run instant:generate        # writes the typed client',
      '  npm run instant:check           # in CI: fails when the client is stale',
    ].join('\n'),
  );
  return 0;
}
