// The writers for each group of tx-steps (triple.clj `insert-multi!`, `deep-merge-multi!`,
// `delete-multi!`, `delete-entity-multi!`). Each group behaves like Instant's single SQL statement:
// lookups in entity position are resolved (or created) for the whole group before any value is written.

import { randomUUID } from 'node:crypto';
import { sqlRaise, validationError } from '../errors.js';
import { coerceUuid, decode, encode, type Json } from '../json.js';
import type { Attr } from '../storage/attrs.js';
import { resolveLookup, type DataView } from './preprocess.js';
import { LookupRef, type Eid, type TxStep } from './txSteps.js';
import { assertValidValue, deepMerge, notUnique } from './values.js';

type AddStep = Extract<TxStep, { op: 'add-triple' }>;
type MergeStep = Extract<TxStep, { op: 'deep-merge-triple' }>;
type RetractStep = Extract<TxStep, { op: 'retract-triple' }>;
type DeleteStep = Extract<TxStep, { op: 'delete-entity' }>;

export class GroupWriter {
  /** (entity, attr) pairs written or removed: the input of the required-attrs check. */
  readonly touched = new Set<string>();
  /** Pairs inserted by a lookup that created its entity in the current group. */
  private lookupCreated = new Set<string>();

  constructor(
    private readonly view: DataView,
    readonly now: number,
  ) {}

  private attr(attrId: string): Attr {
    const attr = this.view.attrs.get(attrId);
    if (!attr) throw sqlRaise(`We could not find an attribute with id = '${attrId}'`);
    return attr;
  }

  private touch(eid: string, attrId: string): void {
    this.touched.add(`${eid}\u0000${attrId}`);
  }

  // ---- lookups in entity position ----

  /** Resolves every entity lookup of the group, creating entities for lookups that find nothing. */
  private resolveEntityLookups(steps: { eid: Eid }[]): Map<string, string> {
    this.lookupCreated = new Set();
    const resolved = new Map<string, string>();
    for (const { eid } of steps) {
      if (!(eid instanceof LookupRef) || resolved.has(eid.key())) continue;
      resolved.set(eid.key(), this.resolveOrCreate(eid));
    }
    return resolved;
  }

  private resolveOrCreate(lookup: LookupRef): string {
    const attr = this.attr(lookup.attrId);
    if (!attr.unique) throw sqlRaise('attribute is not unique');
    const existing = resolveLookup(this.view, lookup);
    if (existing) return existing;
    const eid = attr.label === 'id' ? (coerceUuid(lookup.value) ?? String(lookup.value)) : randomUUID();
    assertValidValue(attr, eid, lookup.value);
    this.view.store.insert(this.view.appId, eid, attr, encode(lookup.value), this.now);
    this.lookupCreated.add(`${eid}\u0000${attr.id}`);
    this.touch(eid, attr.id);
    return eid;
  }

  private entityId(eid: Eid, resolved: Map<string, string>): string {
    return eid instanceof LookupRef ? resolved.get(eid.key())! : eid;
  }

  /** Lookups in value position only apply to links and `id` attrs; elsewhere `[a, v]` is stored as is. */
  private value(attr: Attr, value: Json | LookupRef): Json {
    if (!(value instanceof LookupRef)) return value;
    if (attr.valueType !== 'ref' && attr.label !== 'id') return [value.attrId, value.value];
    const eid = resolveLookup(this.view, value);
    if (eid) return eid;
    const lookupAttr = this.view.attrs.get(value.attrId);
    throw validationError(
      'lookup',
      { 'attribute-id': value.attrId, namespace: lookupAttr?.etype ?? null, label: lookupAttr?.label ?? null, value: value.value },
      [{ message: 'The entity for the lookup does not exist.' }],
    );
  }

  // ---- add-triple ----

  addTriples(steps: AddStep[]): void {
    const resolved = this.resolveEntityLookups(steps);
    const ones = new Map<string, { eid: string; attr: Attr; value: Json }>();
    const manys: { eid: string; attr: Attr; value: Json }[] = [];
    for (const step of steps) {
      const attr = this.attr(step.attrId);
      const eid = this.entityId(step.eid, resolved);
      const triple = { eid, attr, value: this.value(attr, step.value) };
      if (attr.cardinality === 'one') {
        // Within one group the last write to (entity, attr) wins.
        const key = `${eid}\u0000${attr.id}`;
        ones.delete(key);
        ones.set(key, triple);
      } else {
        manys.push(triple);
      }
    }
    const idTriples = [...ones.values()].filter((t) => t.attr.label === 'id');
    for (const t of ones.values()) if (t.attr.label !== 'id') this.setOne(t.eid, t.attr, t.value);
    for (const t of manys) this.addMany(t.eid, t.attr, t.value);
    for (const t of idTriples) this.setOne(t.eid, t.attr, t.value);
    for (const t of idTriples) this.fillIndexedNulls(t.eid, t.attr.etype);
  }

  /** Cardinality one: replaces the previous value (for links, the previous target). */
  private setOne(eid: string, attr: Attr, value: Json): void {
    assertValidValue(attr, eid, value);
    const json = encode(value);
    const current = this.view.store.values(this.view.appId, eid, attr.id);
    if (current.length === 1 && current[0].value === json) return;
    if (this.lookupCreated.has(`${eid}\u0000${attr.id}`)) {
      throw validationError('lookup', [[attr.id, decode(current[0]?.value ?? 'null')]], [
        {
          message:
            'Updates with lookups can only update the lookup attribute if an entity with the unique attribute value already exists.',
        },
      ]);
    }
    this.assertUnique(eid, attr, value, json);
    // Like Instant's upsert, a new value keeps the triple's original created_at.
    const createdAt = current[0]?.created_at ?? this.now;
    if (current.length) this.view.store.deleteValues(this.view.appId, eid, attr.id);
    this.view.store.insert(this.view.appId, eid, attr, json, createdAt);
    this.touch(eid, attr.id);
  }

  /** Cardinality many (links): adds a value; an identical triple is a no-op. */
  private addMany(eid: string, attr: Attr, value: Json): void {
    assertValidValue(attr, eid, value);
    const json = encode(value);
    this.assertUnique(eid, attr, value, json);
    if (this.view.store.insert(this.view.appId, eid, attr, json, this.now)) this.touch(eid, attr.id);
  }

  private assertUnique(eid: string, attr: Attr, value: Json, json: string): void {
    if (!attr.unique || value === null) return;
    const holders = this.view.store.withValue(this.view.appId, attr.id, json);
    if (holders.some((t) => t.entity_id !== eid)) throw notUnique(attr, json);
  }

  /**
   * Instant writes an explicit null for every indexed data attr of the app an entity lacks when its `id`
   * triple is written, so such attrs read back as `null` and take part in ordering. System-catalog attrs
   * (e.g. `$users.email`) live in another app in Instant and are not filled.
   */
  private fillIndexedNulls(eid: string, etype: string): void {
    for (const attr of this.view.attrs.ofEtype(etype)) {
      if (!attr.indexed || attr.valueType !== 'blob' || attr.label === 'id' || attr.catalog === 'system') continue;
      if (this.view.store.values(this.view.appId, eid, attr.id).length) continue;
      this.view.store.insert(this.view.appId, eid, attr, 'null', this.now);
      this.touch(eid, attr.id);
    }
  }

  // ---- deep-merge-triple ----

  mergeTriples(steps: MergeStep[]): void {
    const resolved = this.resolveEntityLookups(steps);
    const groups = new Map<string, { eid: string; attr: Attr; patches: Json[] }>();
    for (const step of steps) {
      const attr = this.attr(step.attrId);
      if (attr.valueType === 'ref') throw sqlRaise('merge operation is not supported for links');
      const eid = this.entityId(step.eid, resolved);
      const key = `${eid}\u0000${attr.id}`;
      const group = groups.get(key) ?? { eid, attr, patches: [] };
      group.patches.push(step.value);
      groups.set(key, group);
    }
    for (const { eid, attr, patches } of groups.values()) {
      const current = this.view.store.values(this.view.appId, eid, attr.id)[0];
      const base = current ? decode(current.value) : undefined;
      const merged = patches.reduce<Json | undefined>((acc, p) => deepMerge(acc, p), base) ?? null;
      this.setOne(eid, attr, merged);
    }
  }

  // ---- retract-triple ----

  retractTriples(steps: RetractStep[]): void {
    for (const step of steps) {
      const attr = this.attr(step.attrId);
      const eid = step.eid instanceof LookupRef ? resolveLookup(this.view, step.eid) : step.eid;
      if (!eid) continue;
      let value: Json;
      if (step.value instanceof LookupRef && (attr.valueType === 'ref' || attr.label === 'id')) {
        const target = resolveLookup(this.view, step.value);
        if (!target) continue;
        value = target;
      } else {
        value = step.value instanceof LookupRef ? [step.value.attrId, step.value.value] : step.value;
      }
      if (this.view.store.delete(this.view.appId, eid, attr.id, encode(value))) this.touch(eid, attr.id);
    }
  }

  // ---- delete-entity ----

  /** Removes the entity's triples in that namespace and every link triple pointing at it. */
  deleteEntities(steps: DeleteStep[]): void {
    const { store, appId, attrs } = this.view;
    for (const step of steps) {
      if (typeof step.eid !== 'string') continue;
      const eid = step.eid;
      for (const t of store.ofEntity(appId, eid)) {
        if (attrs.get(t.attr_id)?.etype !== step.etype) continue;
        store.delete(appId, eid, t.attr_id, t.value);
        this.touch(eid, t.attr_id);
      }
      for (const attr of attrs.all) {
        if (attr.valueType !== 'ref' || attr.revEtype !== step.etype) continue;
        for (const t of store.withValue(appId, attr.id, encode(eid))) {
          store.delete(appId, t.entity_id, attr.id, t.value);
          this.touch(t.entity_id, attr.id);
        }
      }
    }
  }
}
