import { sortBy } from '../util/collator.js';
import type { AttrIR, EntityIR, LinkEndIR, LinkIR, LinkSideIR, RoomIR, SchemaIR, ValueType } from './types.js';
import { isSystemNamespace } from './systemNamespaces.js';

/** The runtime shape of `i.schema(...)` (`InstantSchemaDef`), as produced by any Instant package or our DSL. */
export interface RuntimeSchema {
  entities: Record<string, { attrs: Record<string, RuntimeAttr> }>;
  links?: Record<string, { forward: LinkSideIR; reverse: LinkSideIR }>;
  rooms?: Record<string, { presence?: { attrs: Record<string, RuntimeAttr> }; topics?: Record<string, { attrs: Record<string, RuntimeAttr> }> }>;
}

export interface RuntimeAttr {
  valueType: string;
  required: boolean;
  isIndexed?: boolean;
  config?: { indexed?: boolean; unique?: boolean };
}

const VALUE_TYPES: readonly string[] = ['string', 'number', 'boolean', 'date', 'json'];

/** Converts an evaluated schema into the IR. Type-only facts (from the AST) are merged in later. */
export function buildIR(schema: RuntimeSchema, schemaFile: string): SchemaIR {
  const links = sortBy(
    Object.entries(schema.links ?? {}).map(([name, link]): LinkIR => ({ name, forward: side(link.forward), reverse: side(link.reverse) })),
    (l) => l.name,
  );
  const declared = new Set(Object.keys(schema.entities));
  // Non-string `on`s are left for validateIR to report.
  const referenced = links.flatMap((l) => [l.forward.on, l.reverse.on]).filter((n) => typeof n === 'string' && !declared.has(n));
  const names = [...declared, ...new Set(referenced)];
  const ends = linkEndsByEntity(links);
  const entities = sortBy(
    names.map((name): EntityIR => ({
      name,
      system: isSystemNamespace(name),
      declared: declared.has(name),
      attrs: attrsOf(withoutId(schema.entities[name]?.attrs ?? {})),
      links: ends.get(name) ?? [],
    })),
    (e) => e.name,
  );
  return { schemaFile, entities, links, rooms: roomsOf(schema.rooms ?? {}), types: { imports: [], declarations: [] } };
}

/**
 * Every entity has its implicit string `id`; a declared one is accepted and ignored, as Instant does (its
 * CLI pushes such schemas without an `id` attribute of their own). The loader warns about it.
 */
function withoutId(attrs: Record<string, RuntimeAttr>): Record<string, RuntimeAttr> {
  if (!Object.hasOwn(attrs, 'id')) return attrs;
  const { id: _, ...rest } = attrs;
  return rest;
}

function side(s: LinkSideIR): LinkSideIR {
  const out: LinkSideIR = { on: s.on, has: s.has, label: s.label };
  if (s.required) out.required = true;
  if (s.onDelete) out.onDelete = s.onDelete;
  return out;
}

export function attrsOf(attrs: Record<string, RuntimeAttr>): AttrIR[] {
  return sortBy(
    Object.entries(attrs).map(([name, a]): AttrIR => {
      // The server's JSON form uses "any" for untyped attrs; Instant's parser maps unknown types to json.
      const valueType = (VALUE_TYPES.includes(a.valueType) ? a.valueType : 'json') as ValueType;
      return {
        name,
        valueType,
        dsl: valueType,
        required: a.required !== false,
        clientRequired: false,
        unique: a.config?.unique === true,
        indexed: a.isIndexed === true || a.config?.indexed === true,
      };
    }),
    (a) => a.name,
  );
}

/** Each entity's link ends: forward labels first, a reverse label that repeats a forward one wins (as in Instant). */
function linkEndsByEntity(links: LinkIR[]): Map<string, LinkEndIR[]> {
  const byEntity = new Map<string, Map<string, LinkEndIR>>();
  const add = (entity: string, e: LinkEndIR) => {
    if (!byEntity.has(entity)) byEntity.set(entity, new Map());
    byEntity.get(entity)!.set(e.label, e);
  };
  for (const link of links) add(link.forward.on, end(link, 'forward'));
  for (const link of links) add(link.reverse.on, end(link, 'reverse'));
  return new Map([...byEntity].map(([entity, ends]) => [entity, sortBy([...ends.values()], (l) => l.label)]));
}

function end(link: LinkIR, direction: 'forward' | 'reverse'): LinkEndIR {
  const [here, there] = direction === 'forward' ? [link.forward, link.reverse] : [link.reverse, link.forward];
  const result: LinkEndIR = {
    label: here.label,
    target: there.on,
    has: here.has,
    targetLabel: there.label,
    targetHas: there.has,
    direction,
    linkName: link.name,
    required: direction === 'forward' && link.forward.required === true,
  };
  if (here.onDelete) result.onDelete = here.onDelete;
  return result;
}

function roomsOf(rooms: NonNullable<RuntimeSchema['rooms']>): RoomIR[] {
  return sortBy(
    Object.entries(rooms).map(([name, room]): RoomIR => ({
      name,
      presence: attrsOf(room.presence?.attrs ?? {}),
      topics: sortBy(
        Object.entries(room.topics ?? {}).map(([topic, def]) => ({ name: topic, attrs: attrsOf(def.attrs ?? {}) })),
        (t) => t.name,
      ),
    })),
    (r) => r.name,
  );
}
