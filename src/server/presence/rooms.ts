// Presence of the local server's rooms. Instant keeps it in Hazelcast, fed by WebSocket sessions
// (reactive/ephemeral.clj `join-room!`, util/hazelcast.clj `JoinRoomMergeV3`); the local server has no
// WebSocket peers, so sessions come only from tests, through `RunningServer.joinRoom`.

import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../json.js';

/** What joins a room: its presence data and, optionally, the `$users` id of the session's user. */
export interface PeerInput {
  /** The presence data (`publishPresence`); `{}` when absent, as on Instant. */
  data?: JsonObject | undefined;
  /** The signed-in user of the session; the presence route answers with that user's row. */
  userId?: string | undefined;
  /** Defaults to a random uuid. On Instant the peer id is the session id. */
  sessionId?: string | undefined;
}

/** A session in a room, as Instant stores it (`{peer-id, instance-id, user: {id}, data}`). */
export interface RoomSession {
  'peer-id': string;
  'instance-id': string;
  user: { id: string } | null;
  data: JsonObject;
}

/** Stands in for the JVM instance id Instant records per session. */
const INSTANCE_ID = 'instant-codegen-local';

export class RoomPresence {
  /** app id → room id → session id → session. */
  private readonly apps = new Map<string, Map<string, Map<string, RoomSession>>>();

  join(appId: string, roomId: string, peer: PeerInput): string {
    const sessionId = peer.sessionId ?? randomUUID();
    const rooms = this.apps.get(appId) ?? new Map<string, Map<string, RoomSession>>();
    this.apps.set(appId, rooms);
    const sessions = rooms.get(roomId) ?? new Map<string, RoomSession>();
    rooms.set(roomId, sessions);
    sessions.set(sessionId, {
      'peer-id': sessionId,
      'instance-id': INSTANCE_ID,
      user: peer.userId ? { id: peer.userId } : null,
      data: peer.data ?? {},
    });
    return sessionId;
  }

  leave(appId: string, roomId: string, sessionId: string): void {
    const sessions = this.apps.get(appId)?.get(roomId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.apps.get(appId)!.delete(roomId);
  }

  /** Every session of one room; empty when nobody is in it. */
  sessions(appId: string, roomId: string): Map<string, RoomSession> {
    return this.apps.get(appId)?.get(roomId) ?? new Map();
  }

  /** Drops every room of the app (resetApp). */
  clearApp(appId: string): void {
    this.apps.delete(appId);
  }
}
