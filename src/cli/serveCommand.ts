import type { CommandModule } from 'yargs';
import { SchemaError } from '../ir/SchemaError.js';

interface ServeArgs {
  schema?: string;
  perms?: string;
  port?: number;
  data?: string;
  memory?: boolean;
  'app-id'?: string;
  'admin-token'?: string;
}

export function serveCommand(setExitCode: (code: number) => void): CommandModule<object, ServeArgs> {
  return {
    command: 'serve',
    describe: 'Run a local Instant-compatible admin API server on an embedded database',
    builder: (y) =>
      y
        .option('schema', { type: 'string', describe: 'Schema file (default: found like `generate` finds it)' })
        .option('perms', { type: 'string', describe: 'Permission rules (default: $INSTANT_PERMS_FILE_PATH, then instant.perms.ts beside the schema)' })
        .option('port', { type: 'number', describe: 'Port on 127.0.0.1 (default: a free port)' })
        .option('data', { type: 'string', describe: 'SQLite data file (default: .instant-codegen/local.db beside the schema)' })
        .option('memory', { type: 'boolean', describe: 'Keep data in memory only' })
        .option('app-id', { type: 'string', describe: 'App id (default: generated once and kept with the data)' })
        .option('admin-token', { type: 'string', describe: 'Admin token (default: generated once and kept with the data)' })
        .conflicts('data', 'memory')
        .example('$0 serve', 'serve the schema found in this project, data kept under .instant-codegen/')
        .example('$0 serve --memory --port 8888', 'a throwaway server for tests'),
    handler: async (args) => {
      // Loaded lazily: `generate` should not pay for the server's database driver.
      const { runServe } = await import('../server/index.js');
      try {
        await runServe({ schema: args.schema, perms: args.perms, port: args.port, data: args.data, memory: args.memory, appId: args['app-id'], adminToken: args['admin-token'] });
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        console.error(error.format());
        setExitCode(1);
      }
    },
  };
}
