import type { Options as FlagSpec } from 'yargs';

// The flags, declared once: yargs builds the help and parses with them (generateCommand.ts), and the quick
// parser reads plain `generate` invocations with them without loading yargs (quickArgs.ts).

export const LOG_FLAGS = {
  'log-level': { choices: ['silent', 'error', 'warn', 'info', 'debug'] as const, describe: 'How much to print', default: 'info' as const },
  silent: { type: 'boolean', describe: 'Print nothing (same as --log-level silent)' },
} as const satisfies Record<string, FlagSpec>;

export const GENERATE_FLAGS = {
  schema: { type: 'string', requiresArg: true, describe: "Schema file (default: found like Instant's CLI: $INSTANT_SCHEMA_FILE_PATH, ./, src/, lib/, app/)" },
  out: { type: 'string', requiresArg: true, describe: 'Output folder (default: instant.gen/ beside the schema)' },
  check: { type: 'boolean', describe: 'Write nothing; exit 1 with a diff when the output is stale (for CI)' },
  watch: { type: 'boolean', describe: 'Regenerate when the schema or a file it imports changes' },
  config: { type: 'string', requiresArg: true, describe: 'Config file (default: instant-codegen.config.{ts,js,mjs,json}, or "instant-codegen" in package.json)' },
  validation: { type: 'boolean', describe: 'Client-side validation on by default in the client (--no-validation: off)' },
  output: { choices: ['ts', 'dts'] as const, describe: '"dts" (default): ESM .js files with .d.ts types, cheapest to type-check; "ts": .ts files, compiled with your project (CommonJS projects)' },
  dates: { choices: ['stored', 'date'] as const, describe: 'Dates in results: as stored (number or ISO string), or Date objects' },
  prettier: { choices: ['fixed', 'project'] as const, describe: "Format with the tool's fixed config, or your project's" },
  testing: { type: 'boolean', describe: 'Also write testing.ts: createTestApp with typed factories, for your tests (imports instant-codegen/testing; ESM)' },
  'from-backup': { type: 'string', requiresArg: true, describe: "Write instant.schema.ts (and instant.perms.ts) from an Instant backup zip's config.json first (at --schema, default ./instant.schema.ts)" },
} as const satisfies Record<string, FlagSpec>;
