// `instant-codegen serve`: what the CLI calls after parsing
//   serve [--schema PATH] [--perms PATH] [--port N] [--data FILE | --memory] [--app-id ID --admin-token TOKEN]
//         [--query-timeout-ms N] [--write-env FILE] [--watch]
// Permission rules come from `--perms`, else $INSTANT_PERMS_FILE_PATH, else `instant.perms.ts` where Instant's
// CLI looks for it (project root, src/, lib/, app/), else beside the schema; without a rules file everything
// is allowed but what Instant's built-in rules protect, as on Instant.
// The data file defaults to `.instant-codegen/local.db` beside the schema. When no app id / admin token
// is given, they are generated once and kept next to the data file (`<data>.credentials.json`, mode 0600,
// the database itself only stores a hash of the token), so restarts keep working with the same client env.
// `--write-env` writes INSTANT_APP_ID, INSTANT_APP_ADMIN_TOKEN and INSTANT_API_URI, which the generated client
// and the SDK read; the banner prints the same three, the token only masked or as a pointer to where it is.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SchemaIR } from '../ir/types.js';
import { findSchemaFile as findInProject } from '../schema/findSchemaFile.js';
import { startServer, type RunningServer } from './server.js';
import { envFileProblem, writeEnvFile } from './envFile.js';
import { maskToken } from '../util/maskToken.js';

export { maskToken };

export interface ServeOptions {
  /** Path to instant.schema.ts; found like Instant's CLI does (INSTANT_SCHEMA_FILE_PATH, ., src/, lib/, app/) when omitted. */
  schema?: string;
  /** Path to instant.perms.ts; defaults to INSTANT_PERMS_FILE_PATH, then where Instant's CLI looks, then beside the schema. */
  perms?: string;
  port?: number;
  data?: string;
  memory?: boolean;
  appId?: string;
  adminToken?: string;
  /** Time a query may take before Instant's 429 `timeout` (default 5 s, limits.ts); more for big local data sets. */
  queryTimeoutMs?: number;
  /** Writes the connection settings into this file (e.g. `.env.local`), keeping its other lines. */
  envFile?: string;
  /** Re-apply the schema and rules files when they change (uses the real loaders, not `loadSchema`/`loadPerms`). */
  watch?: boolean;
  /** Loads a schema file into the IR (the CLI passes `loadSchema`). */
  loadSchema?: (file: string) => Promise<SchemaIR>;
  /** Loads a rules file (defaults to `loadPerms`). */
  loadPerms?: (file: string) => Promise<object>;
  cwd?: string;
  /** Output for the startup banner and server messages; defaults to stdout/stderr. */
  print?: (line: string) => void;
  log?: (line: string) => void;
  /** Close the server on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /**
   * An Instant backup zip to restore into the app before serving (see backup/importBackup.ts). Without a
   * schema file in the project, the backup's schema is served; without a rules file, its rules.
   */
  import?: string;
}

export interface ServeResult extends RunningServer {
  schemaFile: string;
  /** The rules file in use, if any. */
  permsFile?: string;
  /** Undefined in memory mode. */
  dataFile?: string;
  credentialsFile?: string;
  /** The env file written, if any. */
  envFile?: string;
}

export function findSchemaFile(cwd: string, given?: string): string {
  return given ? resolve(cwd, given) : findInProject(cwd);
}

export function defaultDataFile(schemaFile: string): string {
  return join(dirname(schemaFile), '.instant-codegen', 'local.db');
}

interface Credentials {
  appId: string;
  adminToken: string;
}

/** Explicit options win; otherwise reuse what was generated for this data file before. */
export function resolveCredentials(file: string | undefined, appId?: string, adminToken?: string): Credentials {
  const stored = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>) : {};
  const id = appId ?? stored.appId ?? randomUUID();
  const token = adminToken ?? (stored.appId === id ? stored.adminToken : undefined) ?? randomUUID();
  if (file && (stored.appId !== id || stored.adminToken !== token)) {
    writeFileSync(file, `${JSON.stringify({ appId: id, adminToken: token }, null, 2)}\n`, { mode: 0o600 });
  }
  return { appId: id, adminToken: token };
}

async function defaultLoadSchema(file: string): Promise<SchemaIR> {
  // Imported lazily: the loader pulls in ts-morph, which programmatic users of startServer don't need.
  const { loadSchema } = await import('../schema/loadSchema.js');
  const { ir, warnings } = await loadSchema(file);
  for (const warning of warnings) process.stderr.write(`${warning.format(process.cwd(), 'warning')}\n`);
  return ir;
}

async function defaultLoadPerms(file: string): Promise<object> {
  const [{ loadPerms }, { ruleValidationIssues }] = await Promise.all([import('../schema/loadPerms.js'), import('./permissions/rules.js')]);
  return (await loadPerms(file, ruleValidationIssues)).rules;
}

/** The user-facing flags, checked before anything touches the disk. */
const FLAGS = z
  .object({
    schema: z.string().min(1).optional(),
    perms: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    data: z.string().min(1).optional(),
    memory: z.boolean().optional(),
    appId: z.guid('--app-id must be a uuid').optional(),
    adminToken: z.guid('--admin-token must be a uuid').optional(),
    queryTimeoutMs: z.number().int('--query-timeout-ms must be a whole number of milliseconds').positive('--query-timeout-ms must be positive').optional(),
    envFile: z.string().min(1).optional(),
  })
  .refine((o) => !(o.data && o.memory), { message: '--data and --memory cannot be used together' });

function checkFlags(options: ServeOptions): void {
  const { schema, perms, port, data, memory, appId, adminToken, queryTimeoutMs, envFile } = options;
  const result = FLAGS.safeParse({ schema, perms, port, data, memory, appId, adminToken, queryTimeoutMs, envFile });
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new Error(`serve: ${where}${issue.message}`);
  }
}

export async function runServe(options: ServeOptions = {}): Promise<ServeResult> {
  checkFlags(options);
  const cwd = options.cwd ?? process.cwd();
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const envFile = options.envFile === undefined ? undefined : resolve(cwd, options.envFile);
  const envProblem = envFile && envFileProblem(envFile);
  if (envProblem) throw new Error(`serve: ${envProblem}`);
  const backup = options.import === undefined ? undefined : await backupSchema(resolve(cwd, options.import), cwd, options.schema);
  const schemaFile = backup?.schemaFile ?? findSchemaFile(cwd, options.schema);
  const schema = backup?.schema ?? (await (options.loadSchema ?? defaultLoadSchema)(schemaFile));
  const { findPermsFile } = await import('../schema/loadPerms.js');
  const permsFile = findPermsFile(schemaFile, options.perms, cwd);
  const rules = permsFile ? await (options.loadPerms ?? defaultLoadPerms)(permsFile) : undefined;
  const dataFile = options.memory ? undefined : resolve(cwd, options.data ?? defaultDataFile(schemaFile));
  const credentialsFile = dataFile ? `${dataFile}.credentials.json` : undefined;
  if (dataFile) mkdirSync(dirname(dataFile), { recursive: true });
  const creds = resolveCredentials(credentialsFile, options.appId, options.adminToken);
  const limits = options.queryTimeoutMs === undefined ? undefined : { queryTimeoutMs: options.queryTimeoutMs };
  const server = await startServer({ schema, rules, memory: !dataFile, dataFile, port: options.port, ...creds, log: options.log, limits });
  try {
    if (options.import !== undefined) await importBeforeServing(server, resolve(cwd, options.import), { print, keepRules: permsFile !== undefined, schema: backup?.schema ? undefined : schema });
    if (envFile) writeEnvFile(envFile, { INSTANT_APP_ID: server.appId, INSTANT_APP_ADMIN_TOKEN: server.adminToken, INSTANT_API_URI: server.url });
  } catch (error) {
    await server.close();
    throw error;
  }
  printBanner(print, server, { schemaFile, permsFile, dataFile, credentialsFile, envFile: options.envFile, tokenGiven: options.adminToken !== undefined });
  const running = options.watch ? await startWatching(server, { schemaFile, permsFile, cwd, print }) : server;
  if (options.handleSignals !== false) closeOnSignals(running);
  return { ...running, schemaFile, permsFile, dataFile, credentialsFile, envFile };
}

/** The backup's own schema when the project has no schema file (a team that never kept one). */
async function backupSchema(zip: string, cwd: string, given?: string): Promise<{ schemaFile: string; schema: SchemaIR } | undefined> {
  if (given) return undefined;
  try {
    findSchemaFile(cwd);
    return undefined;
  } catch {
    const [{ readBackupConfig, defsToRuntimeSchema }, { buildIR }] = await Promise.all([import('./backup/index.js'), import('../ir/buildIR.js')]);
    const schemaFile = `${zip} (config.json)`;
    return { schemaFile, schema: buildIR(defsToRuntimeSchema((await readBackupConfig(zip)).schema), schemaFile) };
  }
}

/** Restores the backup with progress on a terminal, then puts the project's schema (if any) back on top. */
async function importBeforeServing(server: RunningServer, zip: string, opts: { print: (line: string) => void; keepRules: boolean; schema?: SchemaIR }): Promise<void> {
  const { terminalProgress, formatSummary } = await import('./backup/index.js');
  const summary = await server.importBackup(zip, { onProgress: terminalProgress(), keepRules: opts.keepRules });
  if (opts.schema) server.updateSchema(opts.schema);
  opts.print(`Restored ${zip}:`);
  for (const line of formatSummary(summary).split('\n')) opts.print(`  ${line}`);
}

/** The server with a close() that stops the watcher first. */
async function startWatching(server: RunningServer, files: { schemaFile: string; permsFile?: string; cwd: string; print: (line: string) => void }): Promise<RunningServer> {
  const { watchServe } = await import('./serveWatch.js');
  const stop = new AbortController();
  const watching = watchServe({ server, ...files }, stop.signal);
  await watching.ready;
  const watched = [files.schemaFile, files.permsFile].filter(Boolean).join(' and ');
  files.print(`Watching ${watched} and the modules ${files.permsFile ? 'they import' : 'it imports'}; changes are applied as a push would.`);
  return {
    ...server,
    close: async () => {
      stop.abort();
      await watching.done;
      await server.close();
    },
  };
}

function printBanner(
  print: (line: string) => void,
  server: RunningServer,
  info: { schemaFile: string; permsFile?: string; dataFile?: string; credentialsFile?: string; envFile?: string; tokenGiven: boolean },
): void {
  const where = info.envFile
    ? ` (full token in ${info.envFile})`
    : info.credentialsFile
      ? ` (full token in ${info.credentialsFile})`
      : info.tokenGiven
        ? ''
        : ' (generated for this run and kept nowhere: pass --write-env .env.local to write it, or --admin-token to choose it)';
  print(`Instant-compatible local server listening on ${server.url}`);
  print(`  schema:      ${info.schemaFile}`);
  print(`  rules:       ${info.permsFile ?? 'none, only the built-in ones (add instant.perms.ts beside the schema, or pass --perms)'}`);
  print(`  data:        ${info.dataFile ?? 'in memory (lost on exit)'}`);
  print(`  app id:      ${server.appId}`);
  print(`  admin token: ${maskToken(server.adminToken)}${where}`);
  // The secret is never printed in full (logs outlive terminals): the line says where the full value is.
  print(info.envFile ? `Connect a client or the SDK with (written to ${info.envFile}):` : 'Connect a client or the SDK with these environment variables:');
  print(`  INSTANT_APP_ID=${server.appId}`);
  print(`  INSTANT_APP_ADMIN_TOKEN=${tokenPointer(info)}`);
  print(`  INSTANT_API_URI=${server.url}`);
}

function tokenPointer(info: { credentialsFile?: string; envFile?: string; tokenGiven: boolean }): string {
  if (info.envFile) return `<in ${info.envFile}>`;
  if (info.tokenGiven) return '<the --admin-token you passed>';
  if (info.credentialsFile) return `<adminToken in ${info.credentialsFile}, or pass --write-env .env.local>`;
  return '<not kept: pass --write-env .env.local, or --admin-token UUID>';
}

function closeOnSignals(server: RunningServer): void {
  const stop = () => {
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
