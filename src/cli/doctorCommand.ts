import type { CommandModule } from 'yargs';
import { UsageError } from './usageError.js';

interface DoctorArgs {
  schema?: string;
  perms?: string;
  out?: string;
  config?: string;
  'app-id'?: string;
  'admin-token'?: string;
  'api-uri'?: string;
}

/** Instant's SDK default when INSTANT_API_URI is unset. */
const DEFAULT_API_URI = 'https://api.instantdb.com';

export function doctorCommand(setExitCode: (code: number) => void): CommandModule<object, DoctorArgs> {
  return {
    command: 'doctor',
    describe: 'Compare the schema, the rules, the generated client and a live app; exit 1 when they differ',
    builder: (y) =>
      y
        .option('schema', { type: 'string', requiresArg: true, describe: 'Schema file (default: found like `generate` finds it)' })
        .option('perms', { type: 'string', requiresArg: true, describe: 'Rules file (default: found like `serve` finds it)' })
        .option('out', { type: 'string', requiresArg: true, describe: 'Generated client folder (default: instant.gen/ beside the schema)' })
        .option('config', { type: 'string', requiresArg: true, describe: 'Config file (as for `generate`)' })
        .option('app-id', { type: 'string', requiresArg: true, describe: 'App id (default: $INSTANT_APP_ID)' })
        .option('admin-token', { type: 'string', requiresArg: true, describe: 'Admin token (default: $INSTANT_APP_ADMIN_TOKEN); printed masked' })
        .option('api-uri', { type: 'string', requiresArg: true, describe: `Instant API (default: $INSTANT_API_URI, else ${DEFAULT_API_URI})` })
        .example('$0 doctor', 'in CI, before a migration cut-over: credentials from INSTANT_APP_ID / INSTANT_APP_ADMIN_TOKEN')
        .example('$0 doctor --api-uri http://127.0.0.1:8888 --app-id … --admin-token …', 'against a local `serve`'),
    handler: async (args) => {
      const target = targetOf(args, process.env);
      const { runDoctor } = await import('../doctor/runDoctor.js');
      const result = await runDoctor({ ...target, schema: args.schema, perms: args.perms, out: args.out, config: args.config });
      process.stdout.write(result.text);
      setExitCode(result.code);
    },
  };
}

/** Flags over the environment variables createClient reads; missing ones are a usage error naming both. */
export function targetOf(args: DoctorArgs, env: NodeJS.ProcessEnv): { appId: string; adminToken: string; apiUri: string } {
  const appId = args['app-id'] || env.INSTANT_APP_ID;
  const adminToken = args['admin-token'] || env.INSTANT_APP_ADMIN_TOKEN;
  const missing = [!appId && '--app-id (or INSTANT_APP_ID)', !adminToken && '--admin-token (or INSTANT_APP_ADMIN_TOKEN)'].filter(Boolean);
  if (missing.length) throw new UsageError(`doctor needs the live app's credentials: pass ${missing.join(' and ')}.`);
  const apiUri = args['api-uri'] || env.INSTANT_API_URI || DEFAULT_API_URI;
  if (!/^https?:\/\/[^/]/.test(apiUri)) throw new UsageError(`--api-uri ${JSON.stringify(apiUri)} is not an http(s) URL. Pass one like --api-uri http://127.0.0.1:8888.`);
  return { appId: appId!, adminToken: adminToken!, apiUri };
}
