// Attributes (Instant's `attrs` table): the typed description of every `etype.label`, data or link.

import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';

export type CheckedType = 'string' | 'number' | 'boolean' | 'date';

export interface Attr {
  id: string;
  /** forward-identity [_, etype, label] */
  etype: string;
  label: string;
  /** reverse-identity [_, revEtype, revLabel]: only for links */
  revEtype?: string;
  revLabel?: string;
  valueType: 'blob' | 'ref';
  cardinality: 'one' | 'many';
  unique: boolean;
  indexed: boolean;
  required: boolean;
  checkedType?: CheckedType;
  /** Deleting the (reverse-side) target deletes the forward-side entity. */
  onDelete?: 'cascade';
  /** Deleting the forward-side entity deletes the target. */
  onDeleteReverse?: 'cascade';
  catalog: 'system' | 'user';
}

export type AttrSpec = Omit<Attr, 'id'> & { id?: string };

/** A data attribute with Instant's defaults: blob, cardinality one, neither unique, indexed nor required. */
export function blobAttr(etype: string, label: string, props: Partial<AttrSpec> = {}): AttrSpec {
  return { etype, label, valueType: 'blob', cardinality: 'one', unique: false, indexed: false, required: false, catalog: 'user', ...props };
}

interface AttrRow {
  id: string;
  etype: string;
  label: string;
  rev_etype: string | null;
  rev_label: string | null;
  value_type: 'blob' | 'ref';
  cardinality: 'one' | 'many';
  is_unique: number;
  is_indexed: number;
  is_required: number;
  checked_data_type: CheckedType | null;
  on_delete: string | null;
  on_delete_reverse: string | null;
  catalog: 'system' | 'user';
}

function fromRow(r: AttrRow): Attr {
  const attr: Attr = {
    id: r.id,
    etype: r.etype,
    label: r.label,
    valueType: r.value_type,
    cardinality: r.cardinality,
    unique: r.is_unique === 1,
    indexed: r.is_indexed === 1,
    required: r.is_required === 1,
    catalog: r.catalog,
  };
  if (r.rev_etype !== null && r.rev_label !== null) {
    attr.revEtype = r.rev_etype;
    attr.revLabel = r.rev_label;
  }
  if (r.checked_data_type) attr.checkedType = r.checked_data_type;
  if (r.on_delete === 'cascade') attr.onDelete = 'cascade';
  if (r.on_delete_reverse === 'cascade') attr.onDeleteReverse = 'cascade';
  return attr;
}

function toParams(appId: string, a: Attr): unknown[] {
  return [
    appId,
    a.id,
    a.etype,
    a.label,
    a.revEtype ?? null,
    a.revLabel ?? null,
    a.valueType,
    a.cardinality,
    a.unique ? 1 : 0,
    a.indexed ? 1 : 0,
    a.required ? 1 : 0,
    a.checkedType ?? null,
    a.onDelete ?? null,
    a.onDeleteReverse ?? null,
    a.catalog,
  ];
}

/** An immutable view of one app's attrs with the lookups Instant's `attr-model` offers. */
export class AttrIndex {
  private readonly byId = new Map<string, Attr>();
  private readonly byFwd = new Map<string, Attr>();
  private readonly byRev = new Map<string, Attr>();
  private readonly byEtype = new Map<string, Attr[]>();

  constructor(readonly all: readonly Attr[]) {
    for (const a of all) {
      this.byId.set(a.id, a);
      this.byFwd.set(key(a.etype, a.label), a);
      if (a.revEtype !== undefined && a.revLabel !== undefined && !this.byRev.has(key(a.revEtype, a.revLabel))) {
        this.byRev.set(key(a.revEtype, a.revLabel), a);
      }
      const list = this.byEtype.get(a.etype) ?? [];
      list.push(a);
      this.byEtype.set(a.etype, list);
    }
  }

  get(id: string): Attr | undefined {
    return this.byId.get(id);
  }

  /** `seek-by-fwd-ident-name [etype label]` */
  fwd(etype: string, label: string): Attr | undefined {
    return this.byFwd.get(key(etype, label));
  }

  /** `seek-by-rev-ident-name [etype label]`: a link whose reverse side is `etype.label`. */
  rev(etype: string, label: string): Attr | undefined {
    const a = this.byRev.get(key(etype, label));
    return a?.valueType === 'ref' ? a : undefined;
  }

  ofEtype(etype: string): readonly Attr[] {
    return this.byEtype.get(etype) ?? [];
  }

  idAttr(etype: string): Attr | undefined {
    return this.fwd(etype, 'id');
  }

  with(extra: readonly Attr[]): AttrIndex {
    return extra.length ? new AttrIndex([...this.all, ...extra]) : this;
  }
}

function key(etype: string, label: string): string {
  return `${etype}\u0000${label}`;
}

/** Reads and writes the attrs table. */
export class AttrStore {
  private readonly selectApp;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;

  constructor(db: Db) {
    this.selectApp = db.prepare<[string], AttrRow>('SELECT * FROM attrs WHERE app_id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO attrs (app_id, id, etype, label, rev_etype, rev_label, value_type, cardinality, is_unique,
         is_indexed, is_required, checked_data_type, on_delete, on_delete_reverse, catalog)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE attrs SET etype = ?, label = ?, rev_etype = ?, rev_label = ?, value_type = ?, cardinality = ?,
         is_unique = ?, is_indexed = ?, is_required = ?, checked_data_type = ?, on_delete = ?,
         on_delete_reverse = ?, catalog = ?
       WHERE app_id = ? AND id = ?`,
    );
    this.deleteStmt = db.prepare('DELETE FROM attrs WHERE app_id = ? AND id = ?');
  }

  load(appId: string): AttrIndex {
    return new AttrIndex(this.selectApp.all(appId).map(fromRow));
  }

  insert(appId: string, spec: AttrSpec): Attr {
    const attr: Attr = { ...spec, id: spec.id ?? randomUUID() };
    this.insertStmt.run(...toParams(appId, attr));
    return attr;
  }

  update(appId: string, attr: Attr): void {
    const [app, id, ...rest] = toParams(appId, attr);
    this.updateStmt.run(...rest, app, id);
  }

  delete(appId: string, id: string): void {
    this.deleteStmt.run(appId, id);
  }
}

/** `attr-model/fwd-friendly-name`. */
export function friendlyName(a: Attr): string {
  return `${a.etype}.${a.label}`;
}
