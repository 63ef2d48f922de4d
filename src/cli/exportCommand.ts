// `instant-codegen export --out backup.zip`: an Instant backup zip of the local server's data file
// (`--data`, default the one `serve` uses), or of any Instant app through its admin API
// (`--app-id --admin-token [--api-uri]`).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from './usageError.js';

interface ExportArgs {
  out?: string;
  data?: string;
  schema?: string;
  'app-id'?: string;
  'admin-token'?: string;
  'api-uri'?: string;
}

export function exportCommand(setExitCode: (code: number) => void): CommandModule<object, ExportArgs> {
  return {
    command: 'export',
    describe: "Write an Instant backup zip (Instant's own format) from the local server's data or from an Instant app",
    builder: (y) =>
      y
        .option('out', { type: 'string', requiresArg: true, describe: 'The zip to write (written whole, then renamed into place)' })
        .option('data', { type: 'string', requiresArg: true, describe: "The local server's data file (default: .instant-codegen/local.db beside the schema)" })
        .option('schema', { type: 'string', requiresArg: true, describe: 'Schema file, to find the default data file' })
        .option('app-id', { type: 'string', requiresArg: true, describe: 'An Instant app to export through its admin API (with --admin-token)' })
        .option('admin-token', { type: 'string', requiresArg: true, describe: "The app's admin token" })
        .option('api-uri', { type: 'string', requiresArg: true, describe: 'Admin API base (default https://api.instantdb.com; a local server: its url)' })
        .example('$0 export --out backup.zip', "the local server's data")
        .example('$0 export --out backup.zip --app-id $INSTANT_APP_ID --admin-token $INSTANT_APP_ADMIN_TOKEN', 'an Instant Cloud app'),
    handler: async (args) => {
      if (!args.out) throw new UsageError('export needs --out FILE.zip: where to write the backup.');
      const out = path.resolve(args.out);
      const remote = args['app-id'] !== undefined || args['admin-token'] !== undefined || args['api-uri'] !== undefined;
      if (remote && args.data !== undefined) throw new UsageError('--data exports the local data file; --app-id/--admin-token/--api-uri export an app through its admin API. Pass one or the other.');
      if (remote && !args['app-id']) throw new UsageError('--app-id is missing: exporting through the admin API needs --app-id and --admin-token.');
      if (remote && !args['admin-token']) throw new UsageError('--admin-token is missing: exporting through the admin API needs --app-id and --admin-token.');
      const backup = await import('../server/backup/index.js');
      const onProgress = backup.terminalProgress();
      try {
        const summary = remote
          ? await backup.exportRemoteBackup({ out, appId: args['app-id']!, adminToken: args['admin-token']!, apiUri: args['api-uri'], onProgress })
          : await exportLocal(args, out, onProgress);
        const total = Object.values(summary.counts).reduce((a, b) => a + b, 0);
        console.log(`instant-codegen: wrote ${path.relative(process.cwd(), out)}: ${total} entities in ${Object.keys(summary.counts).length} namespaces, ${summary.files} files.`);
      } catch (error) {
        if (!(error instanceof backup.BackupError)) throw error;
        console.error(`instant-codegen: ${error.message}`);
        setExitCode(1);
      }
    },
  };
}

async function exportLocal(args: ExportArgs, out: string, onProgress: Parameters<typeof import('../server/backup/index.js').exportBackup>[0]['onProgress']) {
  const [{ openDatabase }, { Engine }, { exportBackup, BackupError }, { defaultDataFile, findSchemaFile }, { DirBlobStore }] = await Promise.all([
    import('../server/storage/db.js'),
    import('../server/engine.js'),
    import('../server/backup/index.js'),
    import('../server/serve.js'),
    import('../server/files/index.js'),
  ]);
  const file = args.data ? path.resolve(args.data) : defaultDataFile(findSchemaFile(process.cwd(), args.schema));
  if (!existsSync(file)) throw new UsageError(`--data ${file}: no such data file. Pass the file \`serve --data\` uses.`);
  const db = openDatabase({ file });
  try {
    const engine = new Engine(db);
    const appId = appOf(db, `${file}.credentials.json`);
    if (!appId) throw new BackupError(`${file} holds several apps and no ${path.basename(file)}.credentials.json says which one is served. Export through the server's admin API instead: --api-uri --app-id --admin-token.`);
    // Read only: a server may be running on this file (its sweeper, not this export, removes orphans).
    const blobStore = new DirBlobStore(`${file}.files`);
    return await exportBackup({ engine, appId, out, onProgress, blobStore });
  } finally {
    db.close();
  }
}

/** The app `serve` uses for this data file: from its credentials file, else the only app there is. */
function appOf(db: import('../server/storage/db.js').Db, credentials: string): string | undefined {
  if (existsSync(credentials)) return (JSON.parse(readFileSync(credentials, 'utf8')) as { appId?: string }).appId;
  const apps = db.prepare<[], { id: string }>('SELECT id FROM apps').all();
  return apps.length === 1 ? apps[0].id : undefined;
}
