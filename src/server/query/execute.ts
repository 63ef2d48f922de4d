// Runs an InstaQL query: plan (resolve namespaces and links, compile where, validate pagination — all
// errors are raised before any data is read, like instaql.clj `query-one`), then evaluate into the admin
// result tree (util/instaql.clj `instaql-nodes->object-tree`).

import { validationError } from '../errors.js';
import type { AttrIndex } from '../storage/attrs.js';
import type { TripleStore } from '../storage/triples.js';
import { compareUuids, getKey, jsonType, setKey, type Json, type JsonObject } from '../json.js';
import { parseDateValue } from '../dates.js';
import type { Deadline } from '../limits.js';
import { ALLOW_ALL, type PermissionPolicy, type QueryFilter, type QueryPermissionContext } from '../permissions.js';
import { coerceQuery, type Form } from './forms.js';
import { QueryReader } from './reader.js';
import { compileWhere, MissingAttr, resolveLink, type CompiledWhere, type Hop } from './where.js';
import { planPage, type PageSpec } from './pagination.js';
import { CANDIDATE_CAP, topRows, type IndexAccess } from './topRows.js';
import { pageInfoOf, type PageInfo } from './pageInfo.js';
import { addFileUrl } from '../files/fileRows.js';

export interface QueryOptions {
  /** `inference?`: has-one links become an object or null instead of an array. */
  inference: boolean;
  requester: QueryPermissionContext;
  policy?: PermissionPolicy;
  /** The query's time limit (limits.ts `queryTimeoutMs`). */
  deadline?: Deadline;
  /**
   * false: read every namespace whole and test each entity, ignoring indexes. The reference the planner
   * is checked against (test/server/planner.test.ts); the answers are the same, only slower.
   */
  useIndexes?: boolean;
  /** Candidate sets up to this size are read whole (topRows.ts; default CANDIDATE_CAP). Tests lower it to reach the ordered scans. */
  candidateCap?: number;
  /**
   * Filled with the result's `result-meta` (page info of paginated top-level forms, counts of
   * `aggregate: 'count'` forms) when given; only subscriptions return it (reactive/query.clj).
   */
  meta?: ResultMeta;
  /** The signed url of a `$files` blob by location id; `$files` rows get a `url` when given (files/fileRows.ts). */
  fileUrl?: ((locationId: string) => string) | undefined;
}

/** util/instaql.clj `instaql-nodes->object-meta`, keyed by top-level form. */
export type ResultMeta = {
  'page-info': Record<string, PageInfo>;
  aggregate: Record<string, { count: number }>;
};

interface Plan {
  form: Form;
  etype: string;
  /** An unknown namespace, link or where attr: the form yields []. */
  missing: boolean;
  where?: CompiledWhere;
  page?: PageSpec;
  hop?: Hop;
  singular: boolean;
  children: Plan[];
}

interface Built {
  id: string;
  createdAt: number;
  obj: JsonObject;
}

export function runQuery(
  store: TripleStore,
  attrs: AttrIndex,
  appId: string,
  query: JsonObject,
  options: QueryOptions,
): JsonObject {
  const forms = coerceQuery(query);
  const reader = new QueryReader(store, appId, attrs, options.deadline);
  const root = { ...query };
  delete root.$$ruleParams;
  // Admin requests bypass permissions; anyone else sees what the policy's filter lets through.
  const filter = options.requester.admin ? undefined : (options.policy ?? ALLOW_ALL).queryFilter(options.requester, reader);
  const planner = new Planner(attrs, reader, root, options, filter);
  const plans = forms.map((form) => planner.plan(form, form.k));
  const indexes = { store, app: store.keys.app(appId), cap: options.candidateCap ?? CANDIDATE_CAP };
  const evaluator = new Evaluator(options.useIndexes === false ? undefined : indexes, reader, filter, options.meta, options.fileUrl);
  const result: JsonObject = {};
  for (const plan of plans) setKey(result, plan.form.k, evaluator.top(plan));
  return result;
}

class Planner {
  constructor(
    private readonly attrs: AttrIndex,
    private readonly reader: QueryReader,
    private readonly root: unknown,
    private readonly options: QueryOptions,
    private readonly filter: QueryFilter | undefined,
  ) {}

  plan(form: Form, etype: string, hop?: Hop): Plan {
    let missing = !this.attrs.idAttr(etype);
    let where: CompiledWhere | undefined;
    if (!missing && form.options.where) {
      // Entities a where path goes through must be visible too (instaql.clj filters whole join rows).
      const filter = this.filter;
      const visible = filter && ((target: string, eid: string) => filter.view(target, eid) !== null);
      try {
        where = compileWhere({ attrs: this.attrs, reader: this.reader, root: this.root, in: form.in, visible }, etype, form.options.where);
      } catch (e) {
        if (!(e instanceof MissingAttr)) throw e;
        missing = true;
      }
    }
    const page = missing ? undefined : planPage(this.attrs, this.root, form, etype);
    const children = form.children.map((child) => this.planChild(child, etype));
    this.checkAggregate(form);
    const singular = this.options.inference && hop !== undefined && isSingular(hop);
    return { form, etype, missing, where, page, hop, singular, children };
  }

  private planChild(child: Form, etype: string): Plan {
    const hop = resolveLink(this.attrs, etype, child.k);
    if (!hop) {
      const plan = this.plan(child, `?${child.k}`);
      return { ...plan, missing: true };
    }
    return this.plan(child, hop.target, hop);
  }

  private checkAggregate(form: Form): void {
    if (!form.options.aggregate) return;
    const errIn = [...form.in, '$', 'aggregate'];
    if (!this.options.requester.admin) {
      throw validationError('query', this.root, [
        { expected: 'admin?', in: errIn, message: 'Aggregates are currently only available for admin queries.' },
      ]);
    }
    if (form.children.length) {
      throw validationError('query', this.root, [
        { expected: 'valid-query?', in: errIn, message: 'You can not combine aggregates with child queries at this time.' },
      ]);
    }
  }
}

/** A forward link with cardinality one, or a reverse link whose attr is unique (the `has: "one"` side). */
function isSingular(hop: Hop): boolean {
  return hop.forward ? hop.attr.cardinality === 'one' : hop.attr.unique;
}

const NOTHING_HIDDEN: ReadonlySet<string> = new Set();

class Evaluator {
  constructor(
    /** Where the indexes are; absent, every namespace is read whole. */
    private readonly indexes: IndexAccess | undefined,
    private readonly reader: QueryReader,
    private readonly filter: QueryFilter | undefined,
    private readonly meta?: ResultMeta,
    private readonly fileUrl?: (locationId: string) => string,
  ) {}

  top(plan: Plan): Json {
    if (plan.missing) return [];
    // The tree never holds aggregated entities; the count only travels in a subscription's result-meta.
    if (plan.form.options.aggregate) {
      if (this.meta) setKey(this.meta.aggregate, plan.form.k, { count: topRows(this.indexes, this.reader, plan).length });
      return [];
    }
    const rows = topRows(this.indexes, this.reader, plan);
    if (this.meta && plan.page) setKey(this.meta['page-info'], plan.form.k, pageInfoOf(this.indexes, this.reader, { ...plan, page: plan.page }, rows));
    return this.sorted(plan, rows.map((r) => this.build(plan, r.id, r.createdAt)));
  }

  private children(plan: Plan, eid: string): Json {
    const empty: Json = plan.singular ? null : [];
    if (plan.missing || !plan.hop) return empty;
    const seen = new Set<string>();
    const built: (Built | undefined)[] = [];
    for (const id of this.reader.linked(eid, plan.hop.attr, plan.hop.forward)) {
      if (seen.has(id)) continue;
      seen.add(id);
      const createdAt = this.reader.createdAt(plan.etype, id);
      if (createdAt === undefined || (plan.where && !plan.where.test(id))) continue;
      built.push(this.build(plan, id, createdAt));
    }
    const entries = this.sorted(plan, built);
    return plan.singular ? (entries[0] ?? null) : entries;
  }

  /** Rules see the whole entity, whatever `fields` picks; an entity they reject is dropped with its children. */
  private build(plan: Plan, eid: string, createdAt: number): Built | undefined {
    const hidden = this.filter ? this.filter.view(plan.etype, eid) : NOTHING_HIDDEN;
    if (hidden === null) return undefined;
    const obj = this.fields(plan, eid, hidden);
    for (const child of plan.children) setKey(obj, child.form.k, this.children(child, eid));
    return { id: eid, createdAt, obj };
  }

  /** `id` plus every cardinality-one attr of the namespace that has a triple (restricted by `fields` and field rules). */
  private fields(plan: Plan, eid: string, hidden: ReadonlySet<string>): JsonObject {
    const wanted = plan.form.options.fields ? new Set([...plan.form.options.fields, 'id']) : undefined;
    const obj: JsonObject = { id: eid };
    for (const [label, value] of Object.entries(this.reader.entity(plan.etype, eid) ?? {})) {
      if (label === 'id' || (wanted && !wanted.has(label)) || hidden.has(label)) continue;
      setKey(obj, label, value);
    }
    if (plan.etype === '$files' && this.fileUrl) addFileUrl(obj, this.reader.entity(plan.etype, eid), plan.form.options.fields, this.fileUrl);
    return obj;
  }

  /**
   * `sort-entries`: every level is sorted in memory by the order field (serverCreatedAt by default),
   * ties by id. It reads the field from the built entity, so a field left out by `fields` sorts as null.
   */
  private sorted(plan: Plan, entries: (Built | undefined)[]): Json[] {
    const { k, direction } = plan.form.options.order ?? { k: 'serverCreatedAt', direction: 'asc' };
    const isDate = this.reader.attrs.fwd(plan.etype, k)?.checkedType === 'date';
    const field = (b: Built): unknown => {
      if (k === 'serverCreatedAt') return b.createdAt;
      const v = getKey(b.obj, k);
      return isDate && v !== undefined && v !== null ? (parseDateValue(v) ?? v) : v;
    };
    const sign = direction === 'desc' ? -1 : 1;
    return entries
      .filter((b): b is Built => b !== undefined)
      .map((b) => ({ b, v: field(b) }))
      .sort((x, y) => sign * (compareClojure(x.v, y.v) || compareUuids(x.b.id, y.b.id)))
      .map(({ b }) => b.obj);
  }
}

const TYPE_RANK: Record<string, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5 };

/** Clojure's `compare` for the values that can appear (nil first); mixed types are ranked by type. */
function compareClojure(a: unknown, b: unknown): number {
  const ta = jsonType(a);
  const tb = jsonType(b);
  if (ta !== tb) return TYPE_RANK[ta] - TYPE_RANK[tb];
  if (ta === 'null') return 0;
  if (ta === 'number') return (a as number) - (b as number);
  if (ta === 'boolean') return Number(a) - Number(b);
  const x = ta === 'string' ? (a as string) : JSON.stringify(a);
  const y = tb === 'string' ? (b as string) : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
