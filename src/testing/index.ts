// instant-codegen/testing: an isolated Instant app per test, on one in-process local server.
//
//   import { createClient } from '../instant.gen/index.js';
//   const t = await createTestApp({ schema: 'instant.schema.ts', createClient });
//   await t.db.todos.tx(id()).create({ ... }); ...; await t.close();
//
// The kit never imports user code: the client factory is passed in (the generated `createClient`, or
// `(config) => init({ ...config, schema })` for @instantdb/admin), so `t.db` has the caller's own type.

import type { SourceLocation } from '../ir/types.js';
import type { RunningServer } from '../server/server.js';
import { callerLocation } from './callerLocation.js';
import { rulesFor, schemaFor, type FileRef } from './inputs.js';
import { AppMailbox, type Mailbox, type OutgoingEmail } from './mailbox.js';
import { acquireServer, releaseServer, routeEmails } from './sharedServer.js';
import { factorySet, type FactoryClient, type FactorySetOptions } from './factories/createFactories.js';
import type { FactorySpecs } from '../ir/factorySpecs.js';

export { closeTestServer } from './sharedServer.js';
export type { Mailbox, OutgoingEmail, FileRef };
export { createFactories } from './factories/createFactories.js';
export type { CreateOptions, FactoryClient, FactorySetOptions, UntypedEntityFactory, WithValue } from './factories/createFactories.js';
export type { AttrFill, EntityFactorySpec, FactorySpecs, LinkSpec } from '../ir/factorySpecs.js';
export type { CheckedWith, FactoryInput, FactoryOptions, ManyWith, OneWith, WithQuery } from './factories/types.js';

/** What a client needs to reach the test app; the same fields as `createClient` and `init` take. */
export interface TestAppConfig {
  appId: string;
  adminToken: string;
  apiURI: string;
}

export interface TestAppOptions<C> {
  /** `instant.schema.ts`: a path relative to the working directory, or a URL (`new URL('../instant.schema.ts', import.meta.url)`). */
  schema: FileRef;
  /** Permission rules for `asUser` requests: the rules object, or the path of an `instant.perms.ts`. None: all allowed. */
  perms?: object | FileRef;
  /** Builds `t.db` from the app's config: the generated module's `createClient`, or `(c) => init({ ...c, schema })`. */
  createClient?: (config: TestAppConfig) => C;
  /**
   * Factories for `t.factory` (the generated `instant.gen/testing` passes its table): `seed` makes their data
   * reproducible. Needs a generated client from `createClient`.
   */
  factory?: FactorySetOptions & { specs: FactorySpecs };
  /** The URL of a module wrapping this call (the generated `instant.gen/testing`): errors are placed at its caller. */
  via?: string;
}

/** Admin steps as /admin/transact takes them, e.g. `[['update', 'todos', id, { title: 'a' }]]`. */
export type SeedSteps = readonly (readonly unknown[])[];

/** `asUser` of the client, when it has one (both the generated client and @instantdb/admin do). */
export type AsUserOf<C> = C extends { asUser(who: infer W): infer R } ? (who: W) => R : never;

export interface TestApp<C = undefined, F = undefined> extends TestAppConfig {
  /** `{ appId, adminToken, apiURI }`, for clients built by hand (several per app, other options). */
  readonly config: TestAppConfig;
  /** `createClient(config)`; undefined without `createClient`. */
  readonly db: C;
  /** `db.asUser(who)`: the client acting as a user (`{ email }`, `{ token }`) or a guest, under `perms`. */
  readonly asUser: AsUserOf<C>;
  /** Emails this app would have sent: `mailbox.last(email)` is the last magic code sent to `email`. */
  readonly mailbox: Mailbox;
  /** `t.factory.goals.create(...)`: entities with valid made-up values (with `factory` in the options). */
  readonly factory: F;
  /** Deletes every entity (users and magic codes too), empties the mailbox and restarts the factories' sequences; schema and rules stay. */
  reset(): Promise<void>;
  /** Writes seed data as admin: admin steps, or a function given `db` (e.g. `(db) => db.transact(...)`). */
  seed(input: SeedSteps | ((db: C) => unknown)): Promise<void>;
  /** Wipes the app and lets the shared server go once no app is left; calling it again does nothing. */
  close(): Promise<void>;
}

export function createTestApp<C>(options: TestAppOptions<C> & { createClient: (config: TestAppConfig) => C }): Promise<TestApp<C>>;
export function createTestApp(options: TestAppOptions<never> & { createClient?: undefined }): Promise<TestApp<undefined>>;
export async function createTestApp<C>(options: TestAppOptions<C>): Promise<TestApp<C | undefined, unknown>> {
  const at = callerLocation(new Error().stack, options?.via);
  if (!options || options.schema === undefined) {
    throw new TypeError(`${where(at)}createTestApp needs { schema }: the path of your instant.schema.ts, e.g. createTestApp({ schema: 'instant.schema.ts' })`);
  }
  const [schema, rules] = await Promise.all([schemaFor(options.schema, at), rulesFor(options.perms, at)]);
  const server = await acquireServer(schema);
  try {
    const app = server.addApp({ schema, rules });
    return new LocalTestApp<C>(server, { ...app, apiURI: server.url }, options.createClient, options.factory);
  } catch (error) {
    releaseServer();
    throw error;
  }
}

const where = (at: SourceLocation | undefined) => (at ? `${at.file}:${at.line}:${at.column}: ` : '');

class LocalTestApp<C> implements TestApp<C | undefined, unknown> {
  readonly appId: string;
  readonly adminToken: string;
  readonly apiURI: string;
  readonly db: C | undefined;
  readonly mailbox = new AppMailbox();
  readonly factory: unknown;
  private readonly restartFactories: () => void = () => undefined;
  private readonly unroute: () => void;
  private closed = false;

  constructor(
    private readonly server: RunningServer,
    readonly config: TestAppConfig,
    createClient: ((config: TestAppConfig) => C) | undefined,
    factory: TestAppOptions<C>['factory'],
  ) {
    ({ appId: this.appId, adminToken: this.adminToken, apiURI: this.apiURI } = config);
    this.db = createClient?.({ ...config });
    if (factory) {
      const db = this.db as Partial<FactoryClient> | undefined;
      if (typeof db?.entities !== 'object' || typeof db.transact !== 'function') {
        throw new TypeError('createTestApp({ factory }): factories write through a generated client; pass createClient from your instant.gen');
      }
      const set = factorySet(db as FactoryClient, factory.specs, factory);
      this.factory = set.factory;
      this.restartFactories = set.restart;
    }
    this.unroute = routeEmails(config.appId, (email) => this.mailbox.deliver(email));
  }

  get asUser(): AsUserOf<C | undefined> {
    const db = this.db as { asUser?: (who: unknown) => unknown } | undefined;
    if (typeof db?.asUser !== 'function') {
      throw new Error('t.asUser needs a client with asUser: pass createTestApp({ createClient }) (the generated one or @instantdb/admin init)');
    }
    return ((who: unknown) => db.asUser!(who)) as AsUserOf<C | undefined>;
  }

  async reset(): Promise<void> {
    this.assertOpen('reset');
    this.server.resetApp(this.appId);
    this.mailbox.clear();
    this.restartFactories();
  }

  async seed(input: SeedSteps | ((db: C | undefined) => unknown)): Promise<void> {
    this.assertOpen('seed');
    if (typeof input === 'function') {
      await input(this.db);
      return;
    }
    if (!Array.isArray(input)) throw new TypeError('t.seed takes admin steps ([["update", "todos", id, {...}], ...]) or a function (db) => ...');
    await this.adminPost('/admin/transact', { steps: input });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unroute();
    // The app itself stays registered (cheap); its data goes, so a long run does not accumulate it.
    this.server.resetApp(this.appId);
    releaseServer();
  }

  private assertOpen(method: string): void {
    if (this.closed) throw new Error(`t.${method}() after t.close(): create another app with createTestApp`);
  }

  private async adminPost(route: string, body: unknown): Promise<unknown> {
    const res = await fetch(this.apiURI + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'app-id': this.appId, authorization: `Bearer ${this.adminToken}` },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => null)) as { message?: string; hint?: unknown } | null;
    if (!res.ok) {
      const hint = json?.hint === undefined ? '' : ` (hint: ${JSON.stringify(json.hint)})`;
      throw new Error(`t.seed: the server refused the steps (${res.status}): ${json?.message ?? 'no message'}${hint}`);
    }
    return json;
  }
}
