// `instant-codegen serve`: what the CLI calls after parsing
//   serve [--schema PATH] [--perms PATH] [--port N] [--data FILE | --memory] [--app-id ID --admin-token TOKEN]
//         [--query-timeout-ms N]
// Permission rules come from `--perms`, else $INSTANT_PERMS_FILE_PATH, else `instant.perms.ts` where Instant's
// CLI looks for it (project root, src/, lib/, app/), else beside the schema; without a rules file everything
// is allowed but what Instant's built-in rules protect, as on Instant.
// The data file defaults to `.instant-codegen/local.db` beside the schema. When no app id / admin token
// is given, they are generated once and kept next to the data file (`<data>.credentials.json`, mode 0600,
// the database itself only stores a hash of the token), so restarts keep working with the same client env.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SchemaIR } from '../ir/types.js';
import { findSchemaFile as findInProject } from '../schema/findSchemaFile.js';
import { startServer, type RunningServer } from './server.js';

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
}

export interface ServeResult extends RunningServer {
  schemaFile: string;
  /** The rules file in use, if any. */
  permsFile?: string;
  /** Undefined in memory mode. */
  dataFile?: string;
  credentialsFile?: string;
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

export function maskToken(token: string): string {
  return token.length <= 8 ? '…' : `${token.slice(0, 4)}…${token.slice(-4)}`;
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
  })
  .refine((o) => !(o.data && o.memory), { message: '--data and --memory cannot be used together' });

function checkFlags(options: ServeOptions): void {
  const { schema, perms, port, data, memory, appId, adminToken, queryTimeoutMs } = options;
  const result = FLAGS.safeParse({ schema, perms, port, data, memory, appId, adminToken, queryTimeoutMs });
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
  const schemaFile = findSchemaFile(cwd, options.schema);
  const schema = await (options.loadSchema ?? defaultLoadSchema)(schemaFile);
  const { findPermsFile } = await import('../schema/loadPerms.js');
  const permsFile = findPermsFile(schemaFile, options.perms, cwd);
  const rules = permsFile ? await (options.loadPerms ?? defaultLoadPerms)(permsFile) : undefined;
  const dataFile = options.memory ? undefined : resolve(cwd, options.data ?? defaultDataFile(schemaFile));
  const credentialsFile = dataFile ? `${dataFile}.credentials.json` : undefined;
  if (dataFile) mkdirSync(dirname(dataFile), { recursive: true });
  const creds = resolveCredentials(credentialsFile, options.appId, options.adminToken);
  const limits = options.queryTimeoutMs === undefined ? undefined : { queryTimeoutMs: options.queryTimeoutMs };
  const server = await startServer({ schema, rules, memory: !dataFile, dataFile, port: options.port, ...creds, log: options.log, limits });
  printBanner(print, server, { schemaFile, permsFile, dataFile, credentialsFile, tokenGiven: options.adminToken !== undefined });
  if (options.handleSignals !== false) closeOnSignals(server);
  return { ...server, schemaFile, permsFile, dataFile, credentialsFile };
}

function printBanner(
  print: (line: string) => void,
  server: RunningServer,
  info: { schemaFile: string; permsFile?: string; dataFile?: string; credentialsFile?: string; tokenGiven: boolean },
): void {
  const where = info.credentialsFile
    ? ` (full token in ${info.credentialsFile})`
    : info.tokenGiven
      ? ''
      : ' (generated for this run; pass --admin-token to choose it)';
  print(`Instant-compatible local server listening on ${server.url}`);
  print(`  schema:      ${info.schemaFile}`);
  print(`  rules:       ${info.permsFile ?? 'none, only the built-in ones (add instant.perms.ts beside the schema, or pass --perms)'}`);
  print(`  data:        ${info.dataFile ?? 'in memory (lost on exit)'}`);
  print(`  app id:      ${server.appId}`);
  print(`  admin token: ${maskToken(server.adminToken)}${where}`);
  print(`Use it with init({ appId, adminToken, apiURI: '${server.url}' }).`);
}

function closeOnSignals(server: RunningServer): void {
  const stop = () => {
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
