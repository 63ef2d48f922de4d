// Read access to one app's data for the duration of one query, with per-query caches so that walking
// link paths for every candidate entity does not repeat the same SQL.

import type { Attr, AttrIndex } from '../storage/attrs.js';
import type { TripleRow, TripleStore } from '../storage/triples.js';
import { decode, encode, type Json } from '../json.js';

export interface EntityRef {
  id: string;
  createdAt: number;
}

export class QueryReader {
  private readonly tripleCache = new Map<string, TripleRow[]>();
  private readonly reverseCache = new Map<string, string[]>();
  private readonly idCache = new Map<string, Map<string, number>>();

  constructor(
    private readonly store: TripleStore,
    readonly appId: string,
    readonly attrs: AttrIndex,
  ) {}

  /** Every entity of the namespace (those with an `id` triple) with its serverCreatedAt. */
  entities(etype: string): EntityRef[] {
    return [...this.idMap(etype)].map(([id, createdAt]) => ({ id, createdAt }));
  }

  /** An entity exists in a namespace when it has that namespace's `id` triple. */
  createdAt(etype: string, eid: string): number | undefined {
    return this.idMap(etype).get(eid);
  }

  triples(eid: string): TripleRow[] {
    let rows = this.tripleCache.get(eid);
    if (!rows) {
      rows = this.store.ofEntity(this.appId, eid);
      this.tripleCache.set(eid, rows);
    }
    return rows;
  }

  /** Stored values of one attr of one entity (a link attr yields the target ids). */
  values(eid: string, attr: Attr): Json[] {
    return this.triples(eid)
      .filter((t) => t.attr_id === attr.id)
      .map((t) => decode(t.value));
  }

  /** Entities linked from `eid` through `attr`, walked forward (eid is the owner) or in reverse. */
  linked(eid: string, attr: Attr, forward: boolean): string[] {
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
