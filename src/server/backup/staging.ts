// The shadow app a backup is restored into before it replaces the target app (see swap.ts): the target
// keeps serving its current data during the import, a failure drops the shadow and changes nothing, and
// a crash leaves only a shadow app that the next import removes (its marker in `meta` names the process).

import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine.js';
import type { SchemaIR } from '../../ir/types.js';
import type { AttrIndex } from '../storage/attrs.js';
import type { ParsedEntity } from './entityLine.js';

const MARKER = 'backup-staging:';

export interface StagedLine {
  entity: ParsedEntity;
  line: number;
}

/** A problem with a staged line, found against what was staged before it. */
export class StagingConflict extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export class StagingApp {
  private constructor(
    private readonly engine: Engine,
    readonly appId: string,
  ) {}

  /** Creates the shadow app with the backup's attrs (system ones included, as for every app). */
  static create(engine: Engine, schema: SchemaIR): StagingApp {
    removeAbandoned(engine);
    const appId = randomUUID();
    engine.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(MARKER + appId, String(process.pid));
    engine.ensureApp(appId, randomUUID(), schema);
    return new StagingApp(engine, appId);
  }

  attrs(): AttrIndex {
    return this.engine.attrs(this.appId);
  }

  /**
   * Writes lines of one namespace in one SQLite transaction. A second line for the same entity, or a value
   * a unique attr already has on another entity, is refused: Instant's own restore fails on those too (its
   * unique `av` index, one row per `ea`).
   */
  write(etype: string, lines: StagedLine[]): void {
    const { triples } = this.engine;
    const idAttr = this.attrs().idAttr(etype);
    this.engine.db
      .transaction(() => {
        for (const { entity, line } of lines) {
          if (idAttr && triples.values(this.appId, entity.id, idAttr.id).length > 0) {
            throw new StagingConflict(`entity ${entity.id} appears twice in ${etype}`, line);
          }
          for (const t of entity.triples) {
            if (t.attr.unique && t.valueJson !== 'null' && t.attr.label !== 'id') {
              const other = triples.withValue(this.appId, t.attr.id, t.valueJson).find((r) => r.entity_id !== entity.id);
              if (other) throw new StagingConflict(`${etype}.${t.attr.label} is unique, but ${t.valueJson} is also the value of entity ${other.entity_id}`, line);
            }
            triples.insert(this.appId, entity.id, t.attr, t.valueJson, entity.createdAt);
          }
        }
      })
      .immediate();
  }

  /** The `location-id`s of the staged `$files` rows. */
  fileLocations(): Map<string, number | undefined> {
    const attrs = this.attrs();
    const location = attrs.fwd('$files', 'location-id');
    const size = attrs.fwd('$files', 'size');
    const out = new Map<string, number | undefined>();
    if (!location) return out;
    for (const row of this.engine.triples.ofAttr(this.appId, location.id)) {
      const id = JSON.parse(row.value) as unknown;
      if (typeof id !== 'string') continue;
      const sized = size && this.engine.triples.values(this.appId, row.entity_id, size.id)[0];
      out.set(id, sized ? (JSON.parse(sized.value) as number) : undefined);
    }
    return out;
  }

  drop(): void {
    dropApp(this.engine, this.appId);
  }
}

function dropApp(engine: Engine, appId: string): void {
  const { db } = engine;
  db.transaction(() => {
    const row = db.prepare<[string], { key: number }>('SELECT key FROM apps WHERE id = ?').get(appId);
    if (row) {
      db.prepare('DELETE FROM triples WHERE app = ?').run(row.key);
      db.prepare('DELETE FROM apps WHERE key = ?').run(row.key);
    }
    db.prepare('DELETE FROM meta WHERE key = ?').run(MARKER + appId);
  }).immediate();
  engine.triples.keys.forget();
}

/** Shadow apps of imports whose process is gone (a crash, a kill): nothing references them. */
function removeAbandoned(engine: Engine): void {
  const rows = engine.db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM meta WHERE key LIKE ?').all(`${MARKER}%`);
  for (const row of rows) {
    if (!alive(Number(row.value))) dropApp(engine, row.key.slice(MARKER.length));
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
