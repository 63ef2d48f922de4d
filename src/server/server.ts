// startServer: an Instant-compatible admin API on 127.0.0.1 over an embedded SQLite database.

import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { SchemaIR } from '../ir/types.js';
import { openDatabase } from './storage/db.js';
import { Engine } from './engine.js';
import { Users } from './auth/users.js';
import { MagicCodes } from './auth/magicCodes.js';
import { createHandler } from './http/router.js';
import type { Services } from './http/services.js';
import { isUuid } from './json.js';
import type { PermissionPolicy } from './permissions.js';
import { createRulesPolicy } from './permissions/policy.js';
import { RateLimiter } from './rateLimits/index.js';
import { resolveLimits, type ServerLimits } from './limits.js';
import { httpServerOptions } from './http/limits.js';
import { LiveQueries } from './live/index.js';
import type { EmailHook } from './auth/email.js';
import type { ImportSummary, ExportSummary, BackupProgress } from './backup/index.js';
import { RoomPresence, type PeerInput } from './presence/rooms.js';
import { WebhookService, type WebhookOptions } from './webhooks/index.js';
import { openFiles, type BlobStore, type FilesOptions } from './files/index.js';

export interface StartServerOptions {
  schema: SchemaIR;
  /** Keep everything in memory (the default when no dataFile is given). */
  memory?: boolean;
  /** SQLite file; created if missing. Ignored when `memory` is true. */
  dataFile?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Uuids; generated when absent. */
  appId?: string;
  adminToken?: string;
  /** Where server-side messages (e.g. magic codes) go; defaults to stderr. */
  log?: (line: string) => void;
  /** Magic code lifetime; Instant's default is 24 hours. */
  magicCodeExpiryMinutes?: number;
  /**
   * Permission rules, as in `instant.perms.ts` (`{ goals: { allow: { view: "auth.id == data.ownerId" } } }`),
   * for impersonated requests (admins bypass them). Without rules everything is allowed, as on Instant.
   * Invalid rules throw (`validation-failed`, naming each rule).
   */
  rules?: object;
  /** A custom permissions hook instead of `rules`. */
  permissions?: PermissionPolicy;
  /**
   * Request body size (10 MiB, else 413), JSON nesting (1000 levels, else 400), slow clients (headers in
   * 10 s, whole request in 30 s, else 408), query time (5 s, else 429 `timeout`) and live queries (1000 per
   * app, 10,000 per server, 8 MiB unsent per connection); see limits.ts.
   */
  limits?: Partial<ServerLimits>;
  /** Receives the emails apps would send (magic codes from /admin/send_magic_code) instead of the log. */
  onEmail?: EmailHook;
  /** Let the process exit while the server is still open (a test helper's shared server must not hold it). */
  unref?: boolean;
  /** Webhook delivery: retry schedule, attempts, per-attempt timeout (defaults: Instant's); see webhooks/delivery.ts. */
  webhooks?: WebhookOptions;
  /** Files (`$files`, `db.storage`): largest file, blob folder (default `<dataFile>.files`), clock of signed urls. */
  storage?: FilesOptions;
}

export interface BackupCallOptions {
  /** Default: the server's main app. */
  appId?: string;
  onProgress?: (progress: BackupProgress) => void;
  /** Keep the app's current rules instead of the backup's (config.json `rules`). */
  keepRules?: boolean;
}

export interface AddAppOptions {
  appId?: string;
  adminToken?: string;
  /** Defaults to the server's schema. */
  schema?: SchemaIR;
  /** This app's permission rules; defaults to the server's. */
  rules?: object;
}

export interface RunningServer {
  url: string;
  appId: string;
  adminToken: string;
  /** Registers (or updates) another app on the same server; apps are fully isolated from each other. */
  addApp(options?: AddAppOptions): { appId: string; adminToken: string };
  /** Applies a changed schema (e.g. from a file watcher): new attrs are created, changed ones updated. */
  updateSchema(schema: SchemaIR, appId?: string): void;
  /** Replaces an app's permission rules (undefined: back to the server's); invalid rules throw. */
  setRules(rules: object | undefined, appId?: string): void;
  /** Open live queries (`subscribeQuery`), of one app or of the whole server; a closed one is gone at once. */
  subscriptionCount(appId?: string): number;
  /** Deletes every entity of the app (users and magic codes included); its attrs and rules stay. */
  resetApp(appId?: string): void;
  /** Restores an Instant backup zip into an app, replacing its data, attrs and (unless kept) rules; all or nothing. */
  importBackup(file: string, options?: BackupCallOptions): Promise<ImportSummary>;
  /** Writes an app's data as an Instant backup zip. */
  exportBackup(out: string, options?: Omit<BackupCallOptions, 'keepRules'>): Promise<ExportSummary>;
  /**
   * Test hook for `db.rooms.getPresence`: puts a session in a room (the local server has no WebSocket peers),
   * until `leave()` or `resetApp`. `peer.userId` makes the presence answer carry that user's `$users` row.
   */
  joinRoom(roomId: string, peer?: PeerInput, appId?: string): { sessionId: string; leave(): void };
  /** Where file contents live (`$files` rows name their blob by `location-id`). */
  blobStore: BlobStore;
  close(): Promise<void>;
}

function requireUuid(name: string, value: string): string {
  if (!isUuid(value)) throw new Error(`${name} must be a uuid (Instant only accepts uuid app ids and admin tokens), got "${value}"`);
  return value.toLowerCase();
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  // Rules are validated before anything is opened.
  // No rules still means Instant's built-in ones: `$users` rows are private, system columns read-only.
  // One limiter for the server: buckets are keyed by app, so replacing an app's rules keeps unchanged buckets.
  const rateLimiter = new RateLimiter();
  const policy = options.permissions ?? createRulesPolicy(options.rules ?? {}, { rateLimiter });
  const limits = resolveLimits(options.limits);
  const file = options.memory || !options.dataFile ? undefined : options.dataFile;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const db = openDatabase({ file });
  const engine = new Engine(db, policy);
  const files = openFiles(db, engine, file, options.storage);
  const live = new LiveQueries(engine, limits, { log });
  const webhooks = new WebhookService(engine, db, { ...options.webhooks, log });
  const presence = new RoomPresence();
  const closeAll = () => {
    live.close();
    webhooks.close();
    db.close();
    files.close();
  };
  /** An app's rules (undefined: Instant's defaults); live queries are recomputed under them. */
  const applyRules = (appId: string, rules: object | undefined) => {
    engine.setPolicy(appId, rules === undefined ? undefined : createRulesPolicy(rules, { rateLimiter }));
    live.refreshApp(appId);
  };
  const addApp = (app: AddAppOptions = {}) => {
    const appId = requireUuid('appId', app.appId ?? randomUUID());
    const adminToken = requireUuid('adminToken', app.adminToken ?? randomUUID());
    const policy = app.rules === undefined ? undefined : createRulesPolicy(app.rules, { rateLimiter });
    engine.ensureApp(appId, adminToken, app.schema ?? options.schema);
    if (policy) engine.setPolicy(appId, policy);
    return { appId, adminToken };
  };
  const services: Services = {
    engine,
    users: new Users(engine),
    magicCodes: new MagicCodes(engine, options.magicCodeExpiryMinutes),
    log,
    limits,
    live,
    onEmail: options.onEmail,
    presence,
    webhooks,
    files: files.files,
    // The platform routes (instant-cli) push rules and create temporary apps through these.
    setRules: applyRules,
    createApp: (app) => addApp(app),
  };
  let main: { appId: string; adminToken: string };
  const server = createServer(httpServerOptions(limits), createHandler(services));
  try {
    main = addApp({ appId: options.appId, adminToken: options.adminToken });
    await listen(server, options.port ?? 0);
  } catch (e) {
    closeAll();
    throw e;
  }
  if (options.unref) unrefAll(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  webhooks.start(url);
  files.files.origin = url;
  return {
    url,
    ...main,
    addApp,
    updateSchema: (schema, appId = main.appId) => engine.updateSchema(appId, schema),
    setRules: (rules, appId = main.appId) => applyRules(appId, rules),
    subscriptionCount: (appId) => live.count(appId),
    resetApp: (appId = main.appId) => {
      engine.wipeData(appId);
      files.files.sweep();
      live.refreshApp(appId);
      presence.clearApp(appId);
    },
    joinRoom: (roomId, peer = {}, appId = main.appId) => {
      const sessionId = presence.join(appId, roomId, peer);
      return { sessionId, leave: () => presence.leave(appId, roomId, sessionId) };
    },
    importBackup: async (file, { appId = main.appId, onProgress, keepRules } = {}) => {
      const { importBackup } = await import('./backup/index.js');
      const summary = await importBackup({ engine, appId, file, blobStore: files.blobStore, onProgress });
      if (keepRules) live.refreshApp(appId);
      else applyRules(appId, summary.rules ?? undefined);
      return summary;
    },
    exportBackup: async (out, { appId = main.appId, onProgress } = {}) => {
      const { exportBackup } = await import('./backup/index.js');
      return exportBackup({ engine, appId, out, blobStore: files.blobStore, onProgress });
    },
    blobStore: files.blobStore,
    close: () => {
      live.close();
      webhooks.close();
      return close(server, () => {
        db.close();
        files.close();
      });
    },
  };
}

/** The listening socket and every accepted connection (idle keep-alive ones would otherwise hold the process). */
function unrefAll(server: Server): void {
  server.unref();
  server.on('connection', (socket) => socket.unref());
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server, after: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => {
      after();
      if (err) reject(err);
      else resolve();
    });
    // Keep-alive connections from fetch would otherwise hold close() open.
    server.closeAllConnections();
  });
}
