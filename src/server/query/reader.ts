// Read access to one app's data for the duration of one query, with per-query caches so that walking
// link paths for every candidate entity does not repeat the same SQL.

import type { Attr, AttrIndex } from '../storage/attrs.js';
import type { TripleRow, TripleStore } from '../storage/triples.js';
import { decode, encode, setKey, type Json, type JsonObject } from '../json.js';
import type { Deadline } from '../limits.js';

export interface EntityRef {
  id: string;
  createdAt: number;
}

export class QueryReader {
  private readonly tripleCache = new Map<string, TripleRow[]>();
  private readonly reverseCache = new Map<string, string[]>();
  private readonly idCache = new Map<string, Map<string, number>>();
  private readonly entityCache = new Map<string, JsonObject | undefined>();

  constructor(
    private readonly store: TripleStore,
    readonly appId: string,
    readonly attrs: AttrIndex,
    /** Every read checks it: a query past its time limit stops with Instant's 429 `timeout`. */
    private readonly deadline?: Deadline,
  ) {}

  /** Every entity of the namespace (those with an `id` triple) with its serverCreatedAt: a full scan. */
  entities(etype: string): EntityRef[] {
    return [...this.idMap(etype)].map(([id, createdAt]) => ({ id, createdAt }));
  }

  /** An entity exists in a namespace when it has that namespace's `id` triple (read with its other triples). */
  createdAt(etype: string, eid: string): number | undefined {
    const cached = this.idCache.get(etype);
    if (cached) return cached.get(eid);
    const idAttr = this.attrs.idAttr(etype);
    return idAttr && this.triples(eid).find((t) => t.attr_id === idAttr.id)?.created_at;
  }

  triples(eid: string): TripleRow[] {
    this.deadline?.check();
    let rows = this.tripleCache.get(eid);
    if (!rows) {
      rows = this.store.ofEntity(this.appId, eid);
      this.tripleCache.set(eid, rows);
    }
    return rows;
  }

  /**
   * The entity as results and permission rules see it (`entity-map`): `id` and every cardinality-one attr
   * of the namespace that has a triple (has-one links as the target id); undefined when it has none.
   * Cached (callers must not modify it): an entity with thousands of links, reached from each of them,
   * is read once.
   */
  entity(etype: string, eid: string): JsonObject | undefined {
    const key = `${etype}\u0000${eid}`;
    if (this.entityCache.has(key)) {
      this.deadline?.check();
      return this.entityCache.get(key);
    }
    let obj: JsonObject | undefined;
    for (const t of this.triples(eid)) {
      const attr = this.attrs.get(t.attr_id);
      if (!attr || attr.etype !== etype || attr.cardinality !== 'one') continue;
      obj ??= { id: eid };
      if (attr.label !== 'id') setKey(obj, attr.label, decode(t.value));
    }
    this.entityCache.set(key, obj);
    return obj;
  }

  /** Stored values of one attr of one entity (a link attr yields the target ids). */
  values(eid: string, attr: Attr): Json[] {
    return this.triples(eid)
      .filter((t) => t.attr_id === attr.id)
      .map((t) => decode(t.value));
  }

  /** Entities linked from `eid` through `attr`, walked forward (eid is the owner) or in reverse. */
  linked(eid: string, attr: Attr, forward: boolean): string[] {
    this.deadline?.check();
    if (forward) return this.values(eid, attr).filter((v): v is string => typeof v === 'string');
    const key = `${attr.id}\u0000${eid}`;
    let sources = this.reverseCache.get(key);
    if (!sources) {
      sources = this.store.withValue(this.appId, attr.id, encode(eid)).map((t) => t.entity_id);
      this.reverseCache.set(key, sources);
    }
    return sources;
  }

  private idMap(etype: string): Map<string, number> {
    let map = this.idCache.get(etype);
    if (!map) {
      map = new Map();
      const idAttr = this.attrs.idAttr(etype);
      if (idAttr) for (const t of this.store.ofAttr(this.appId, idAttr.id)) map.set(t.entity_id, t.created_at);
      this.idCache.set(etype, map);
    }
    return map;
  }
}
