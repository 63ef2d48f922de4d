// The query planner answers exactly what reading every entity answers. Random data and random queries
// (every where operator, link paths both ways, and/or, order on each typed attr and serverCreatedAt,
// limit/first/last/offset, cursors taken from real rows) run twice on the same engine: through the
// indexes and with `useIndexes: false`, the reference that tests each entity of the namespace. They must
// return the same JSON, or fail with the same error, for admins and for a guest under view rules.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { i } from '@instantdb/admin';
import { Engine } from '../../src/server/engine.js';
import { openDatabase } from '../../src/server/storage/db.js';
import { createRulesPolicy } from '../../src/server/index.js';
import type { JsonObject } from '../../src/server/json.js';
import { schemaIR } from '../support/localServer.js';
import { fuzzSettings } from '../fuzz/schemaArb.js';

const { runs, seed } = fuzzSettings(150);

const schema = i.schema({
  entities: {
    items: i.entity({
      name: i.string().unique().indexed(),
      score: i.number().indexed().optional(),
      tag: i.string().indexed().optional(),
      flag: i.boolean().indexed().optional(),
      when: i.date().indexed().optional(),
      note: i.string().optional(),
      data: i.json().optional(),
    }),
    people: i.entity({ label: i.string().indexed(), rank: i.number().indexed().optional() }),
  },
  links: {
    itemOwner: { forward: { on: 'items', has: 'one', label: 'owner' }, reverse: { on: 'people', has: 'many', label: 'items' } },
    itemParts: { forward: { on: 'items', has: 'many', label: 'parts' }, reverse: { on: 'items', has: 'many', label: 'partOf' } },
  },
  rooms: {},
});

const TAGS = ['a', 'ab', 'abc', 'b', 'B', 'ß', 'é', '😀', 'a%b', '', 'zz'];
const LABELS = ['ann', 'bob', 'hidden', 'Ann', 'carl'];
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

interface Dataset {
  items: { score?: number | null; tag?: string | null; flag?: boolean | null; when?: string | number | null; note?: string; data?: unknown; owner?: number; parts: number[] }[];
  people: { label: string; rank?: number | null }[];
}

const datasetArb: fc.Arbitrary<Dataset> = fc.record({
  people: fc.array(fc.record({ label: fc.constantFrom(...LABELS), rank: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }) }), { minLength: 1, maxLength: 6 }),
  items: fc.array(
    fc.record({
      score: fc.option(fc.oneof(fc.integer({ min: -3, max: 6 }), fc.constant(null), fc.double({ min: -2, max: 2, noNaN: true })), { nil: undefined }),
      tag: fc.option(fc.oneof(fc.constantFrom(...TAGS), fc.constant(null)), { nil: undefined }),
      flag: fc.option(fc.oneof(fc.boolean(), fc.constant(null)), { nil: undefined }),
      when: fc.option(fc.oneof(fc.integer({ min: 0, max: 5 }).map((d) => `2025-01-0${d + 1}T00:00:00Z`), fc.integer({ min: 0, max: 5 }).map((d) => Date.UTC(2025, 0, d + 1)), fc.constant(null)), { nil: undefined }),
      note: fc.option(fc.constantFrom(...TAGS), { nil: undefined }),
      data: fc.option(fc.oneof(fc.constantFrom(...TAGS), fc.integer({ min: 0, max: 3 }), fc.constant({ k: 1 })), { nil: undefined }),
      owner: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
      parts: fc.array(fc.nat({ max: 30 }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 30 },
  ),
});

function load(engine: Engine, appId: string, d: Dataset): void {
  const admin = { appId, admin: true, user: null };
  const steps: unknown[] = [];
  d.people.forEach((p, k) => steps.push(['update', 'people', uuid(1000 + k), { label: p.label, ...(p.rank !== undefined && { rank: p.rank }) }]));
  d.items.forEach((it, k) => {
    const { owner, parts, ...attrs } = it;
    const defined = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined));
    steps.push(['update', 'items', uuid(k), { name: `item ${k}`, ...defined }]);
    if (owner !== undefined && owner < d.people.length) steps.push(['link', 'items', uuid(k), { owner: uuid(1000 + owner) }]);
    const targets = parts.filter((p) => p < d.items.length).map(uuid);
    if (targets.length) steps.push(['link', 'items', uuid(k), { parts: targets }]);
  });
  // Several transactions, so that serverCreatedAt differs between entities.
  for (let k = 0; k < steps.length; k += 7) engine.transact(appId, steps.slice(k, k + 7), { throwOnMissingAttrs: true, requester: admin });
}

const dateArb = fc.integer({ min: 0, max: 6 }).chain((d) => fc.constantFrom<unknown>(`2025-01-0${d + 1}T00:00:00Z`, Date.UTC(2025, 0, d + 1)));
const VALUES: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.nat({ max: 32 }).map((n) => `item ${n}`),
  score: fc.integer({ min: -3, max: 6 }),
  tag: fc.constantFrom(...TAGS),
  flag: fc.boolean(),
  when: dateArb,
  note: fc.constantFrom(...TAGS),
  data: fc.oneof(fc.constantFrom(...TAGS), fc.integer({ min: 0, max: 3 })),
  label: fc.constantFrom(...LABELS),
};
/** Mostly values of the attr's type; now and then anything, for the type errors. */
const valueFor = (attr: string) => fc.oneof({ weight: 19, arbitrary: VALUES[attr] }, { weight: 1, arbitrary: fc.oneof(...Object.values(VALUES)) });
const LIKES = ['a%', 'A%', '%b', 'a_c', '😀%', 'ab%', '%', 'b%', 'ann%', 'a\\%%', 'item 1%', 'item 2_'];
const COMPARABLE = new Set(['name', 'score', 'tag', 'flag', 'when', 'label']);
const LIKEABLE = new Set(['name', 'tag', 'label']);
const opArb = (attr: string) => {
  const values = valueFor(attr);
  return fc.oneof(
    { weight: 30, arbitrary: values },
    { weight: 10, arbitrary: values.map(($not) => ({ $not })) },
    { weight: 10, arbitrary: values.map(($ne) => ({ $ne })) },
    { weight: 10, arbitrary: fc.array(fc.oneof({ weight: 5, arbitrary: values }, { weight: 1, arbitrary: fc.constant(null) }), { minLength: 1, maxLength: 3 }).map(($in) => ({ $in })) },
    { weight: 10, arbitrary: fc.boolean().map(($isNull) => ({ $isNull })) },
    // Comparisons need an indexed, typed attr, and $like a string one (else a validation error, rarely wanted).
    { weight: COMPARABLE.has(attr) ? 30 : 2, arbitrary: fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), values).map(([op, v]) => ({ [op]: v })) },
    { weight: LIKEABLE.has(attr) ? 30 : 2, arbitrary: fc.tuple(fc.constantFrom('$like', '$ilike'), fc.constantFrom(...LIKES)).map(([op, v]) => ({ [op]: v })) },
  );
};

/** Where keys with the attr their values are of. */
const ITEM_KEYS: [string, string][] = [
  ['name', 'name'], ['score', 'score'], ['tag', 'tag'], ['flag', 'flag'], ['when', 'when'], ['note', 'note'], ['data', 'data'],
  ['owner.label', 'label'], ['owner.rank', 'score'], ['parts.tag', 'tag'], ['partOf.score', 'score'], ['parts.owner.label', 'label'],
];
const condArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ITEM_KEYS).chain(([k, attr]) => opArb(attr).map((v) => ({ [k]: v }))) },
  fc.tuple(fc.constantFrom('owner', 'parts', 'partOf', 'id', 'owner.id'), fc.nat({ max: 12 })).map(([k, n]) => ({ [k]: n > 9 ? { $in: [uuid(n - 10), uuid(1001)] } : uuid(n < 6 && k.startsWith('owner') ? 1000 + n : n) })),
);
const whereArb: fc.Arbitrary<JsonObject> = fc.letrec<{ where: JsonObject }>((tie) => ({
  where: fc.oneof(
    { depthSize: 'small' },
    fc.array(condArb, { minLength: 1, maxLength: 2 }).map((cs) => Object.assign({}, ...cs)),
    fc.tuple(fc.constantFrom('or', 'and'), fc.array(tie('where'), { minLength: 1, maxLength: 3 })).map(([k, ws]) => ({ [k]: ws })),
  ),
})).where;

const pageArb = fc.record(
  {
    order: fc.tuple(fc.constantFrom('serverCreatedAt', 'score', 'tag', 'flag', 'when', 'name'), fc.constantFrom('asc', 'desc')).map(([k, d]) => ({ [k]: d })),
    limit: fc.integer({ min: 1, max: 8 }),
    offset: fc.nat({ max: 4 }),
    cursor: fc.tuple(fc.constantFrom('after', 'before'), fc.nat({ max: 40 }), fc.boolean()),
  },
  { requiredKeys: [] },
);

/** How the reference answered: the test must mostly compare real rows, not agree on errors or emptiness. */
const outcomes = { error: 0, empty: 0, rows: 0 };
function outcome(result: unknown): keyof typeof outcomes {
  if ((result as { error?: unknown }).error !== undefined) return 'error';
  return ((result as { items?: unknown[] }).items ?? []).length ? 'rows' : 'empty';
}

describe(`query planner (seed ${seed}): the same answers as reading every entity`, () => {
  it(`${runs} random datasets × queries, as admin and as a guest under view rules`, () => {
    const policy = createRulesPolicy({ people: { allow: { view: "data.label != 'hidden'" } }, items: { allow: { view: 'data.score == null || data.score < 5' } } });
    fc.assert(
      fc.property(datasetArb, fc.array(fc.tuple(fc.option(whereArb, { nil: undefined }), pageArb, fc.constantFrom('first', 'last'), fc.boolean()), { minLength: 1, maxLength: 8 }), (data, queries) => {
        const engine = new Engine(openDatabase({}), policy);
        const appId = crypto.randomUUID();
        engine.ensureApp(appId, crypto.randomUUID(), schemaIR(schema));
        load(engine, appId, data);
        const attrs = engine.attrs(appId);
        const run = (query: JsonObject, admin: boolean, useIndexes: boolean, candidateCap?: number) => {
          const requester = { appId, admin, user: null, ruleParams: {} };
          try {
            return engine.query(appId, query, { inference: true, requester, useIndexes, candidateCap });
          } catch (e) {
            return { error: e instanceof Error ? e.message : String(e), hint: (e as { hint?: unknown }).hint ?? null };
          }
        };
        for (const [where, page, limitKind, nested] of queries) {
          const $: JsonObject = {};
          if (where) $.where = where;
          if (page.order) $.order = page.order;
          if (page.limit !== undefined) $[limitKind === 'first' ? 'first' : limitKind === 'last' ? 'last' : 'limit'] = page.limit;
          if (page.offset !== undefined && limitKind === 'first') $.offset = page.offset;
          if (page.cursor) {
            // A cursor from a real row: [id, order attr id, its value, created_at].
            const [k, d] = Object.entries(page.order ?? { serverCreatedAt: 'asc' })[0] as [string, string];
            const rows = (engine.query(appId, { items: { $: { order: { [k]: d } } } }, { inference: true, requester: { appId, admin: true, user: null, ruleParams: {} } }).items ?? []) as JsonObject[];
            const row = rows[page.cursor[1] % Math.max(1, rows.length)];
            const attr = k === 'serverCreatedAt' ? attrs.idAttr('items')! : attrs.fwd('items', k)!;
            if (row) $[page.cursor[0]] = [row.id, attr.id, k === 'serverCreatedAt' ? row.id : (row[k] ?? null), page.cursor[2] ? 0 : null];
          }
          const query: JsonObject = { items: nested ? { $, owner: {}, parts: { $: { where: { flag: true } } } } : { $ } };
          for (const admin of [true, false]) {
            const reference = run(query, admin, false);
            // Caps of 0 and 2 take the ordered scans and the whole-candidate reads the default cap skips here.
            for (const cap of [undefined, 0, 2]) {
              const viaIndexes = run(query, admin, true, cap);
              expect(viaIndexes, `${admin ? 'admin' : 'guest'}, cap ${cap} ${JSON.stringify(query)}`).toEqual(reference);
            }
            outcomes[outcome(reference)]++;
            if (process.env.PLANNER_DEBUG && outcome(reference) === 'error') console.log((reference as { error: string }).error.slice(0, 90));
          }
        }
      }),
      { numRuns: runs, seed },
    );
    const total = outcomes.error + outcomes.empty + outcomes.rows;
    expect(outcomes.rows / total, JSON.stringify(outcomes)).toBeGreaterThan(0.1);
  });
});
