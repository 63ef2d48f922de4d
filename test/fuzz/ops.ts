// Random operations on a random schema — transactions (create, update, merge, link, unlink, delete,
// ruleParams, lookups) and queries (where with every operator the types allow, paths through links, or/and,
// order, fields, pagination, nested links, get, ruleParams) — as data, so that the same operations can be
// (1) written out as TypeScript against the generated client and type-checked, and (2) run through the
// generated client and the official SDK to compare what each sends.
import fc from 'fast-check';
import { isPresent, resultType } from '../../src/emit/attrTypes.js';
import { CLIENT_MEMBERS } from '../../src/emit/indexModule.js';
import type { EmitSettings } from '../../src/config/options.js';
import type { AttrIR, EntityIR, SchemaIR } from '../../src/ir/types.js';
import type { SchemaSpec, TypeArg } from './schemaArb.js';

/** An id, or a lookup by a unique attribute (`{ attr: value }`; `lookup(attr, value)` in the SDK). */
export type Ref = string | { lookup: readonly [string, unknown] };

export type ChainStep =
  | { kind: 'create' | 'update' | 'merge'; attrs: Record<string, unknown>; opts?: { upsert: boolean } }
  | { kind: 'link' | 'unlink'; links: Record<string, Ref | Ref[]> }
  | { kind: 'delete' }
  | { kind: 'ruleParams'; params: Record<string, unknown> };

export interface Chain {
  entity: string;
  ref: Ref;
  steps: ChainStep[];
}

export interface QueryOp {
  entity: string;
  /** `db.<entity>.query(q)` or `db.<entity>.get(id, q)`; the SDK sends `db.query({ [entity]: q' })`. */
  via: 'query' | 'get';
  id?: string;
  query: Record<string, unknown>;
  ruleParams?: Record<string, unknown>;
  /** Reach the entity as `db[name]` (when it is not a client member) rather than `db.entities[name]`. */
  direct: boolean;
}

export interface FuzzOps {
  transaction: Chain[];
  queries: QueryOp[];
  /** One `db.query({...})` over several entities. */
  multi: Record<string, Record<string, unknown>>;
}

export interface FuzzCase {
  spec: SchemaSpec;
  ir: SchemaIR;
  ops: FuzzOps;
  settings: EmitSettings;
}

// ---------------------------------------------------------------------------------------------------
// Values

const uuid = fc.uuid({ version: 4 });
const str = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('', 'a__b', '"q"', 'lookup__x__1', '%_', '\n', 'ü'));
const num = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const msDate = fc.integer({ min: -2208988800000, max: 4102444800000 });
const isoDate = msDate.map((ms) => new Date(ms).toISOString());
const dateObject = msDate.map((ms) => new Date(ms));
const json = fc.jsonValue({ maxDepth: 2 });

/** A value as writes accept it; `typeArgs` gives values of an attribute's type argument. */
function valueArb(attr: AttrIR, typeArgs: Map<string, TypeArg>): fc.Arbitrary<unknown> {
  if (attr.tsType) return fc.constantFrom(...typeArgs.get(attr.tsType)!.samples);
  switch (attr.valueType) {
    case 'string':
      return str;
    case 'number':
      return num;
    case 'boolean':
      return fc.boolean();
    case 'date':
      return fc.oneof(msDate, isoDate, dateObject);
    case 'json':
      return json;
  }
}

/** A value as `where` accepts it: json attributes compare with primitives; deep paths take no Date. */
function whereValueArb(attr: AttrIR, typeArgs: Map<string, TypeArg>, deep = false): fc.Arbitrary<unknown> {
  if (attr.valueType === 'json') return fc.oneof(str, num, fc.boolean());
  if (attr.tsType && attr.valueType === 'string') return fc.constantFrom(...typeArgs.get(attr.tsType)!.samples);
  if (attr.valueType === 'date') return deep ? fc.oneof(msDate, isoDate) : fc.oneof(msDate, isoDate, dateObject);
  return valueArb(attr, typeArgs);
}

/** Every operator the generated `where` types allow on this attribute (attrTypes.whereType). */
function conditionArb(attr: AttrIR, typeArgs: Map<string, TypeArg>, deep = false): fc.Arbitrary<unknown> {
  const v = whereValueArb(attr, typeArgs, deep);
  const options: fc.Arbitrary<unknown>[] = [v];
  if (!deep) {
    options.push(
      fc.array(v, { maxLength: 3 }).map((values) => ({ $in: values })),
      fc.array(v, { minLength: 1, maxLength: 2 }).map((values) => ({ in: values })),
      v.map((x) => ({ $not: x })),
      v.map((x) => ({ $ne: x })),
    );
  }
  if (!attr.required) options.push(fc.boolean().map((b) => ({ $isNull: b })));
  const typed = attr.valueType !== 'json';
  if (attr.indexed && typed) options.push(fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), v).map(([op, x]) => ({ [op]: x })));
  if (attr.indexed && attr.valueType === 'string') options.push(fc.tuple(fc.constantFrom('$like', '$ilike'), str).map(([op, x]) => ({ [op]: `%${x}%` })));
  return fc.oneof(...options);
}

const idCondition = fc.oneof(uuid, fc.array(uuid, { maxLength: 2 }).map((ids) => ({ $in: ids })), uuid.map((x) => ({ $ne: x })));

// ---------------------------------------------------------------------------------------------------
// Operations

interface Ctx {
  ir: SchemaIR;
  byName: Map<string, EntityIR>;
  typeArgs: Map<string, TypeArg>;
}

/** Entries of an object built from optional parts; later duplicates of a key are dropped. */
function objectOf(parts: fc.Arbitrary<[string, unknown] | undefined>[], maxLength: number): fc.Arbitrary<Record<string, unknown>> {
  if (parts.length === 0) return fc.constant({});
  return fc.array(fc.oneof(...parts), { maxLength }).map((entries) => {
    const out: Record<string, unknown> = {};
    for (const entry of entries) if (entry && !Object.prototype.hasOwnProperty.call(out, entry[0])) Object.defineProperty(out, entry[0], { value: entry[1], enumerable: true, writable: true, configurable: true });
    return out;
  });
}

/** A `where` on `entity`: attributes, id, links, `link.id`, `link.attr`, `link.link.attr`, and or/and (depth-limited). */
function whereArb(ctx: Ctx, entity: EntityIR, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const parts: fc.Arbitrary<[string, unknown] | undefined>[] = [idCondition.map((c) => ['id', c])];
  for (const attr of entity.attrs) parts.push(conditionArb(attr, ctx.typeArgs).map((c) => [attr.name, c]));
  for (const link of entity.links) {
    const target = ctx.byName.get(link.target)!;
    parts.push(fc.oneof(uuid, fc.boolean().map((b) => ({ $isNull: b })), fc.array(uuid, { maxLength: 2 }).map((ids) => ({ $in: ids }))).map((c) => [link.label, c]));
    parts.push(idCondition.map((c) => [`${link.label}.id`, c]));
    for (const attr of target.attrs) parts.push(conditionArb(attr, ctx.typeArgs).map((c) => [`${link.label}.${attr.name}`, c]));
    // Two links deep (typed as `DeepCondition`): only through declared entities, which the SDK can check.
    if (target.declared) {
      for (const next of target.links) {
        const far = ctx.byName.get(next.target)!;
        if (!far.declared) continue;
        for (const attr of far.attrs.filter((a) => a.valueType !== 'json')) parts.push(conditionArb(attr, ctx.typeArgs, true).map((c) => [`${link.label}.${next.label}.${attr.name}`, c]));
      }
    }
  }
  if (depth > 0) {
    const inner = fc.array(whereArb(ctx, entity, depth - 1), { minLength: 1, maxLength: 2 });
    parts.push(fc.tuple(fc.constantFrom('or', 'and'), inner).map(([k, clauses]) => [k, clauses]));
  }
  return objectOf(parts, 3);
}

function orderArb(entity: EntityIR): fc.Arbitrary<Record<string, unknown> | undefined> {
  const keys = ['serverCreatedAt', ...entity.attrs.filter((a) => a.indexed && a.valueType !== 'json').map((a) => a.name)];
  return fc.option(fc.tuple(fc.constantFrom(...keys), fc.constantFrom('asc', 'desc')).map(([k, d]) => ({ [k]: d })), { nil: undefined });
}

function fieldsArb(entity: EntityIR): fc.Arbitrary<string[] | undefined> {
  if (entity.attrs.length === 0) return fc.constant(undefined);
  return fc.option(fc.uniqueArray(fc.constantFrom(...entity.attrs.map((a) => a.name)), { minLength: 1, maxLength: 3 }), { nil: undefined });
}

/** A (sub)query on `entity`: `$` options and nested links, `depth` levels deep. */
function queryArb(ctx: Ctx, entity: EntityIR, depth: number, top: boolean): fc.Arbitrary<Record<string, unknown>> {
  const options = fc
    .record({
      where: fc.option(whereArb(ctx, entity, top ? 1 : 0), { nil: undefined }),
      order: orderArb(entity),
      fields: fieldsArb(entity),
      limit: top ? fc.option(fc.nat(50), { nil: undefined }) : fc.constant(undefined),
      offset: top ? fc.option(fc.nat(50), { nil: undefined }) : fc.constant(undefined),
    })
    .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
  // The SDK cannot check below a namespace the schema does not declare: nest only into declared ones.
  const links = depth > 0 && entity.declared ? entity.links : [];
  const nested = links.map((l) => fc.option(queryArb(ctx, ctx.byName.get(l.target)!, depth - 1, false), { nil: undefined }).map((q) => [l.label, q] as const));
  return fc.tuple(options, fc.tuple(...nested)).map(([$, subs]) => {
    const q: Record<string, unknown> = {};
    if (Object.keys($).length) q.$ = $;
    for (const [label, sub] of subs) if (sub) Object.defineProperty(q, label, { value: sub, enumerable: true, writable: true, configurable: true });
    return q;
  });
}

/** Ids, and lookups by each unique attribute, and `link.id` lookups through has-one/has-one links. */
function refArb(ctx: Ctx, entity: EntityIR): fc.Arbitrary<Ref> {
  const lookups: fc.Arbitrary<Ref>[] = entity.attrs
    .filter((a) => a.unique)
    .map((a) => valueArb({ ...a, required: true }, ctx.typeArgs).map((v): Ref => ({ lookup: [a.name, v] })));
  for (const l of entity.links.filter((l) => l.has === 'one' && l.targetHas === 'one')) lookups.push(uuid.map((v): Ref => ({ lookup: [`${l.label}.id`, v] })));
  return lookups.length ? fc.oneof({ weight: 2, arbitrary: uuid }, ...lookups) : uuid;
}

/** Attributes for create (every present attribute, some optional ones, null where allowed) or update/merge. */
function attrsArb(ctx: Ctx, entity: EntityIR, create: boolean): fc.Arbitrary<Record<string, unknown>> {
  const entries = entity.attrs.map((a) => {
    const value = a.required ? valueArb(a, ctx.typeArgs) : fc.oneof({ weight: 3, arbitrary: valueArb(a, ctx.typeArgs) }, { weight: 1, arbitrary: fc.constant(null) });
    const keep = create && isPresent(a) ? fc.constant(true) : fc.boolean();
    return fc.tuple(keep, value).map(([k, v]) => (k ? ([a.name, v] as const) : undefined));
  });
  return fc.tuple(...entries).map((pairs) => {
    const out: Record<string, unknown> = {};
    for (const pair of pairs) if (pair) Object.defineProperty(out, pair[0], { value: pair[1], enumerable: true, writable: true, configurable: true });
    return out;
  });
}

function linksArb(ctx: Ctx, entity: EntityIR): fc.Arbitrary<Record<string, Ref | Ref[]>> {
  const parts = entity.links.map((l) => {
    const ref = refArb(ctx, ctx.byName.get(l.target)!);
    const target = l.has === 'many' ? fc.oneof(ref, fc.array(ref, { maxLength: 3 })) : ref;
    return target.map((t): [string, unknown] => [l.label, t]);
  });
  return objectOf(parts, 3) as fc.Arbitrary<Record<string, Ref | Ref[]>>;
}

const params = fc.dictionary(fc.constantFrom('k', 'id', 'n', 'a b'), fc.oneof(str, num, uuid), { maxKeys: 2 });

function chainsArb(ctx: Ctx, entity: EntityIR): fc.Arbitrary<Chain[]> {
  const created = fc.tuple(uuid, attrsArb(ctx, entity, true), linksArb(ctx, entity)).map(([id, attrs, links]): Chain => ({
    entity: entity.name,
    ref: id,
    steps: [{ kind: 'create', attrs }, ...(Object.keys(links).length ? [{ kind: 'link' as const, links }] : [])],
  }));
  const upsert = fc.option(fc.boolean().map((b) => ({ upsert: b })), { nil: undefined });
  const write = fc
    .tuple(fc.constantFrom('update' as const, 'merge' as const), attrsArb(ctx, entity, false), upsert)
    .map(([kind, attrs, opts]): ChainStep => (opts ? { kind, attrs, opts } : { kind, attrs }));
  const other: fc.Arbitrary<ChainStep> = fc.oneof(
    write,
    linksArb(ctx, entity).map((links): ChainStep => ({ kind: 'unlink', links })),
    linksArb(ctx, entity).map((links): ChainStep => ({ kind: 'link', links })),
    params.map((p): ChainStep => ({ kind: 'ruleParams', params: p })),
  );
  const changed = fc.tuple(refArb(ctx, entity), fc.array(other, { minLength: 1, maxLength: 3 })).map(([ref, steps]): Chain => ({ entity: entity.name, ref, steps }));
  const deleted = refArb(ctx, entity).map((ref): Chain => ({ entity: entity.name, ref, steps: [{ kind: 'delete' }] }));
  return fc.tuple(created, changed, fc.option(deleted, { nil: undefined })).map(([a, b, c]) => (c ? [a, b, c] : [a, b]));
}

/** For one schema: a transaction with chains on every entity, a query or get per entity, and one multi-entity query. */
export function opsArb(spec: SchemaSpec, ir: SchemaIR, typeArgs: Map<string, TypeArg>): fc.Arbitrary<FuzzOps> {
  const ctx: Ctx = { ir, byName: new Map(ir.entities.map((e) => [e.name, e])), typeArgs };
  const perEntity = ir.entities.map((entity) =>
    fc.record({
      chains: chainsArb(ctx, entity),
      query: fc.record({
        via: fc.constantFrom('query' as const, 'get' as const),
        id: uuid,
        query: queryArb(ctx, entity, 2, true),
        ruleParams: fc.option(params, { nil: undefined }),
        direct: fc.boolean(),
      }),
      multi: fc.option(queryArb(ctx, entity, 1, true), { nil: undefined }),
    }),
  );
  void spec;
  return fc.tuple(...perEntity).map((items) => {
    const multi: Record<string, Record<string, unknown>> = {};
    items.forEach((item, k) => {
      if (item.multi) Object.defineProperty(multi, ir.entities[k].name, { value: item.multi, enumerable: true, writable: true, configurable: true });
    });
    return {
      transaction: items.flatMap((item) => item.chains),
      queries: items.map((item, k): QueryOp => {
        const { via, id, query, ruleParams, direct } = item.query;
        const name = ir.entities[k].name;
        // `get` takes nested options only: no pagination at its top level.
        const q = via === 'get' && query.$ ? { ...query, $: stripPagination(query.$ as Record<string, unknown>) } : query;
        const op: QueryOp = { entity: name, via, query: q, direct: direct && !CLIENT_MEMBERS.includes(name) };
        if (via === 'get') op.id = id;
        if (ruleParams) op.ruleParams = ruleParams;
        return op;
      }),
      multi,
    };
  });
}

function stripPagination($: Record<string, unknown>): Record<string, unknown> {
  const { limit: _l, offset: _o, where, ...rest } = $;
  // `get` adds `id` to the where; an `or`/`and` is kept as it is.
  return where ? { ...rest, where } : rest;
}

// ---------------------------------------------------------------------------------------------------
// Writing the operations as TypeScript (for the type check)

/** A TypeScript expression for a value (Dates as `new Date(ms)`, keys always quoted). */
export function literal(value: unknown): string {
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    // `__proto__` as a quoted key would set the prototype: a computed key makes it a property, as at run time.
    return `{ ${Object.entries(value).map(([k, v]) => `${k === '__proto__' ? `[${JSON.stringify(k)}]` : JSON.stringify(k)}: ${literal(v)}`).join(', ')} }`;
  }
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return JSON.stringify(value);
}

function refLiteral(ref: Ref): string {
  return typeof ref === 'string' ? JSON.stringify(ref) : `{ ${JSON.stringify(ref.lookup[0])}: ${literal(ref.lookup[1])} }`;
}

function linksLiteral(links: Record<string, Ref | Ref[]>): string {
  return `{ ${Object.entries(links).map(([label, t]) => `${JSON.stringify(label)}: ${Array.isArray(t) ? `[${t.map(refLiteral).join(', ')}]` : refLiteral(t)}`).join(', ')} }`;
}

const access = (name: string, direct: boolean) => (direct ? `db[${JSON.stringify(name)}]` : `db.entities[${JSON.stringify(name)}]`);

/**
 * `usage.ts` beside the generated client: every operation written against its types, and every row read
 * back with the types the generator promises. Type errors here are generator bugs (or op-generator bugs).
 */
export function usageSource(c: FuzzCase, dates: 'stored' | 'date'): string {
  const { ir, ops } = c;
  const byName = new Map(ir.entities.map((e) => [e.name, e]));
  const lines: string[] = [`import { createClient, id, type InstantClient } from './instant.gen/index.js';`, '', 'export async function run(db: InstantClient = createClient({ appId: "app" })) {'];
  const chains = ops.transaction.map((chain) => {
    let text = `${access(chain.entity, false)}.tx(${refLiteral(chain.ref)})`;
    for (const step of chain.steps) {
      if (step.kind === 'create' || step.kind === 'update' || step.kind === 'merge') text += `.${step.kind}(${literal(step.attrs)}${step.kind !== 'create' && step.opts ? `, ${literal(step.opts)}` : ''})`;
      else if (step.kind === 'link' || step.kind === 'unlink') text += `.${step.kind}(${linksLiteral(step.links)})`;
      else if (step.kind === 'delete') text += '.delete()';
      else if (step.kind === 'ruleParams') text += `.ruleParams(${literal(step.params)})`;
    }
    return text;
  });
  lines.push(`  const tx = await db.transact([\n    ${chains.join(',\n    ')},\n  ]);`, `  const txId: number = tx['tx-id'];`, '  void txId;', '  void id;');
  ops.queries.forEach((q, k) => {
    const entity = byName.get(q.entity)!;
    const opts = q.ruleParams ? `, { ruleParams: ${literal(q.ruleParams)} }` : '';
    if (q.via === 'get') {
      lines.push(`  const got${k} = await ${access(q.entity, q.direct)}.get(${JSON.stringify(q.id)}, ${literal(q.query)}${opts});`);
      lines.push(`  if (got${k}) {`, ...rowChecks(`got${k}`, entity, q.query, byName, dates, '    '), '  }');
    } else {
      lines.push(`  const rows${k} = await ${access(q.entity, q.direct)}.query(${literal(q.query)}${opts});`);
      lines.push(`  for (const row of rows${k}) {`, ...rowChecks('row', entity, q.query, byName, dates, '    '), '  }');
    }
  });
  if (Object.keys(ops.multi).length) {
    lines.push(`  const multi = await db.query(${literal(ops.multi)});`);
    for (const [name, query] of Object.entries(ops.multi)) {
      lines.push(`  for (const row of multi[${JSON.stringify(name)}]) {`, ...rowChecks('row', byName.get(name)!, query, byName, dates, '    '), '  }');
    }
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** Reads the picked attributes and the queried links of a row, with the types they must have. */
function rowChecks(row: string, entity: EntityIR, query: Record<string, unknown>, byName: Map<string, EntityIR>, dates: 'stored' | 'date', indent: string): string[] {
  const fields = ((query.$ as { fields?: string[] } | undefined)?.fields) ?? undefined;
  const out = [`${indent}{ const v: string = ${row}.id; void v; }`];
  for (const attr of entity.attrs) {
    if (fields && !fields.includes(attr.name)) continue;
    const overridden = entity.asType?.includes(JSON.stringify(attr.name));
    const type = overridden ? 'unknown' : `${resultType(attr, dates)}${isPresent(attr) ? '' : ' | null | undefined'}`;
    out.push(`${indent}{ const v: ${type} = ${row}[${JSON.stringify(attr.name)}]; void v; }`);
  }
  for (const link of entity.links) {
    const sub = query[link.label] as Record<string, unknown> | undefined;
    if (!Object.prototype.hasOwnProperty.call(query, link.label) || !sub) continue;
    const target = byName.get(link.target)!;
    const value = `${row}[${JSON.stringify(link.label)}]`;
    const next = `sub${indent.length}`;
    if (link.has === 'many') out.push(`${indent}for (const ${next} of ${value}) {`, ...rowChecks(next, target, sub, byName, dates, `${indent}  `), `${indent}}`);
    else out.push(`${indent}{ const ${next} = ${value}; if (${next}) {`, ...rowChecks(next, target, sub, byName, dates, `${indent}  `), `${indent}} }`);
  }
  return out;
}
