// What route handlers need, built once per server.

import type { Engine } from '../engine.js';
import type { Users } from '../auth/users.js';
import type { MagicCodes } from '../auth/magicCodes.js';
import type { ServerLimits } from '../limits.js';
import type { LiveQueries } from '../live/index.js';
import type { EmailHook } from '../auth/email.js';
import type { SchemaIR } from '../../ir/types.js';
import type { RoomPresence } from '../presence/rooms.js';
import type { WebhookService } from '../webhooks/index.js';
import type { Files } from '../files/files.js';

export interface Services {
  engine: Engine;
  users: Users;
  magicCodes: MagicCodes;
  /** Server log (magic codes are printed here instead of being emailed). */
  log: (line: string) => void;
  /** Receives the emails the app would send (magic codes) instead of the log (the test kit's mailbox). */
  onEmail?: EmailHook;
  /** Body size, JSON depth and query time limits; DEFAULT_LIMITS when absent. */
  limits?: ServerLimits;
  /** Live queries (POST /admin/subscribe-query); without them the route is unknown. */
  live?: LiveQueries;
  /** Replaces an app's rules (the platform routes' `POST /dash/apps/:id/rules`); invalid rules throw. */
  setRules?: (appId: string, rules: object) => void;
  /** Creates an app (temporary apps: `POST /dash/apps/ephemeral`). */
  createApp?: (app: { appId: string; adminToken: string; schema?: SchemaIR; rules?: object }) => void;
  /** Room presence (GET /admin/rooms/presence); sessions are registered by tests (`RunningServer.joinRoom`). */
  presence?: RoomPresence;
  /** Webhook delivery, payloads, signing keys and the manager routes. */
  webhooks?: WebhookService;
  /** `$files` and `db.storage` (files/); without it the storage routes are unknown. */
  files?: Files;
}
