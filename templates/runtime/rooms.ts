// `db.rooms` (client/packages/admin/src/index.ts `Rooms`): who is in a room right now, with their presence data.
// Presence is published by Instant's client SDKs over WebSockets; the admin API only reads it.
import type { User } from './auth.js';
import type { RequestOptions, Transport } from './transport.js';

/** One session in a room (admin/routes.clj `presence-get`). */
export interface PresencePeer<Data, U = User> {
  /** What the peer published (`publishPresence`), typed by the room's `presence` in the schema. */
  data: Data;
  'peer-id': string;
  /** The session's signed-in user (its `$users` row), or null for an anonymous one. */
  user: U | null;
}

/** The sessions of a room, by session id; `{}` when nobody is there. */
export type PresenceResult<Data, U = User> = { [sessionId: string]: PresencePeer<Data, U> };

/**
 * Rooms, typed by the schema's `rooms`: `Presence` maps each room type to its presence data. Like
 * `@instantdb/admin`, these calls run as admin even on an impersonating client.
 */
export class RoomsApi<Presence extends object = Record<string, Record<string, unknown>>, U = User> {
  // Not a parameter property: those are not erasable syntax (see auth.ts).
  private readonly transport: Transport;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  /** The sessions in room `roomId` of type `roomType` (GET /admin/rooms/presence). */
  async getPresence<R extends keyof Presence & string>(
    roomType: R,
    roomId: string,
    opts?: RequestOptions,
  ): Promise<PresenceResult<Presence[R], U>> {
    const res = await this.transport.request<{ sessions?: PresenceResult<Presence[R], U> | null }>({
      method: 'GET',
      path: '/admin/rooms/presence',
      params: { 'room-type': roomType, 'room-id': roomId },
      auth: 'admin',
      retry: 'read',
      ...opts,
    });
    return res.sessions || {};
  }
}
