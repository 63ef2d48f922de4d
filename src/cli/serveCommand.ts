import path from 'node:path';
import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { SchemaError } from '../ir/SchemaError.js';
import { UsageError } from './usageError.js';

interface ServeArgs {
  schema?: string;
  perms?: string;
  port?: string;
  data?: string;
  memory?: boolean;
  'app-id'?: string;
  'admin-token'?: string;
  'query-timeout-ms'?: number;
  'write-env'?: string;
  /** Taken only to point to --write-env. */
  'env-file'?: string;
  watch?: boolean;
  import?: string;
}

export function serveCommand(setExitCode: (code: number) => void): CommandModule<object, ServeArgs> {
  return {
    command: 'serve',
    describe: 'Run a local Instant-compatible admin API server on an embedded database',
    builder: (y) =>
      y
        .option('schema', { type: 'string', describe: 'Schema file (default: found like `generate` finds it)' })
        .option('perms', { type: 'string', describe: "Permission rules (default: $INSTANT_PERMS_FILE_PATH, then instant.perms.ts where Instant's CLI looks: ./, src/, lib/, app/; else beside the schema)" })
        .option('port', { type: 'string', requiresArg: true, describe: 'Port on 127.0.0.1 (default: a free port)' })
        .option('data', { type: 'string', describe: 'SQLite data file (default: .instant-codegen/local.db beside the schema)' })
        .option('memory', { type: 'boolean', describe: 'Keep data in memory only' })
        .option('app-id', { type: 'string', requiresArg: true, describe: 'App id (default: generated once and kept with the data)' })
        .option('admin-token', { type: 'string', requiresArg: true, describe: 'Admin token (default: generated once and kept with the data)' })
        .option('query-timeout-ms', { type: 'number', describe: 'Time a query may take before a 429 timeout (default: 5000)' })
        // Not `--env-file`: Node reads that flag even after the script name and exits when the file is
        // missing (nodejs/node#54232), so a new user's first `serve --env-file .env.local` would never reach us.
        .option('write-env', { type: 'string', requiresArg: true, describe: 'Write INSTANT_APP_ID, INSTANT_APP_ADMIN_TOKEN and INSTANT_API_URI here (e.g. .env.local, mode 0600; other lines kept)' })
        .option('env-file', { type: 'string', hidden: true })
        .option('watch', { type: 'boolean', describe: 'Apply instant.schema.ts / instant.perms.ts (and what they import) again when they change' })
        .option('import', { type: 'string', requiresArg: true, describe: "Restore an Instant backup zip (`instant-cli backup download`) into the app first: all or nothing, replacing the app's data" })
        .conflicts('data', 'memory')
        .example('$0 serve', 'serve the schema found in this project, data kept under .instant-codegen/')
        .example('$0 serve --memory --write-env .env.local', 'a throwaway server; clients started with .env.local connect to it')
        .example('$0 serve --watch', 'apply schema and rules edits to the running server')
        .example('$0 serve --import backup.zip', 'serve the data of an Instant Cloud backup'),
    handler: async (args) => {
      const port = portOf(args.port);
      for (const flag of ['app-id', 'admin-token'] as const) checkUuid(flag, args[flag]);
      checkQueryTimeout(args['query-timeout-ms']);
      // Loaded lazily: `generate` should not pay for the server's database driver.
      const [{ runServe }, { envFileProblem }] = await Promise.all([import('../server/index.js'), import('../server/envFile.js')]);
      if (args['env-file'] !== undefined) {
        throw new UsageError(`serve writes its settings with --write-env ${args['env-file']}, not --env-file: Node itself reads --env-file (and exits when the file is missing).`);
      }
      const envFile = args['write-env'];
      const envProblem = envFile === undefined ? undefined : envFileProblem(path.resolve(envFile));
      if (envProblem) throw new UsageError(envProblem);
      if (args.import !== undefined && !existsSync(args.import)) throw new UsageError(`--import ${args.import}: no such file. Pass the backup zip (from \`npx instant-cli backup download\`).`);
      try {
        await runServe({ schema: args.schema, perms: args.perms, port, data: args.data, memory: args.memory, appId: args['app-id'], adminToken: args['admin-token'], queryTimeoutMs: args['query-timeout-ms'], envFile, watch: args.watch, import: args.import });
      } catch (error) {
        if ((error as Error)?.name === 'BackupError') {
          console.error(`instant-codegen: ${(error as Error).message}`);
          setExitCode(1);
          return;
        }
        if (!(error instanceof SchemaError)) throw error;
        console.error(error.format());
        setExitCode(1);
      }
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `--port`: an integer from 0 (any free port) to 65535. */
function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new UsageError(`--port ${JSON.stringify(value)} is not a port number. Pass an integer from 1 to 65535 (e.g. --port 8888), or 0 or nothing for a free port.`);
  }
  return port;
}

/** `--query-timeout-ms`: a positive whole number of milliseconds. */
function checkQueryTimeout(value: number | undefined): void {
  if (value === undefined || (Number.isSafeInteger(value) && value > 0)) return;
  throw new UsageError(`--query-timeout-ms ${String(value)} is not a time limit. Pass a positive whole number of milliseconds (e.g. --query-timeout-ms 30000), or leave it out for 5000.`);
}

/** Instant's app ids and admin tokens are UUIDs; the server would refuse anything else on every request. */
function checkUuid(flag: 'app-id' | 'admin-token', value: string | undefined): void {
  if (value === undefined || UUID.test(value)) return;
  throw new UsageError(
    `--${flag} ${JSON.stringify(value)} is not a UUID. Pass one like --${flag} ${'3f2b8c1e-9a4d-4e7b-8c21-5d6f7a8b9c0d'} (e.g. from \`node -e "console.log(crypto.randomUUID())"\`), or leave it out to have one generated.`,
  );
}
