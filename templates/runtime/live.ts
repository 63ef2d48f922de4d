// What the client builds on live queries: `subscribeQuery`, and per entity `subscribe`, `count`,
// `paginate` and `pages`. Counts and page cursors exist only in `result-meta` of the subscription
// stream: `/admin/query` returns neither (wire-protocol §4.1, §4.5).
import { reviveDates } from './dates.js';
import type { EntityDef } from './entity.js';
import { InstantAPIError, InstantValidationError } from './errors.js';
import {
  LiveQuery,
  firstResult,
  pageInfoOf,
  type PageInfo,
  type RawResult,
  type Subscription,
  type SubscriptionPayload,
} from './subscribe.js';
import type { RequestOptions, Transport } from './transport.js';
import type { Cursor, QueryOptions } from './types.js';
import { extraHeaders } from './fetchOptions.js';
import { checkQuery } from './validate.js';

type AnyQuery = Readonly<Record<string, unknown>>;
type Rows = Record<string, unknown[]>;
type Callback<Data, Pages> = (payload: SubscriptionPayload<Data, Pages>) => void;

/**
 * Options of `paginate` and `pages`: forwards with `first` (and `after` a cursor), or backwards with `last`
 * (and `before` a cursor).
 */
export type PageOptions<Where, Order, Field> = {
  where?: Where;
  /** One key: an indexed attribute or `serverCreatedAt` (the default). */
  order?: Order;
  /** Only these attributes (and `id`) are returned. */
  fields?: readonly Field[];
} & (
  | { first: number; after?: Cursor; last?: undefined; before?: undefined }
  | { last: number; before?: Cursor; first?: undefined; after?: undefined }
);
type AnyPageOptions = Readonly<Record<string, unknown>>;

/** A row of a page: the entity, narrowed to the attributes `fields` picks (and `id`). */
export type PageRow<Entity, O> = O extends { fields: readonly (infer F)[] }
  ? Pick<Entity, Extract<F | 'id', keyof Entity>>
  : Entity;

/**
 * One page: its rows and where it starts and ends. Typed by the entity and the options rather than by a row
 * type, so that the checker instantiates one type per signature (a generated client declares one per entity).
 */
export interface Page<Entity = unknown, O = unknown> {
  rows: PageRow<Entity, O>[];
  pageInfo: PageInfo;
}

export interface LiveApi {
  subscribeQuery(
    query: AnyQuery,
    onResult?: Callback<Rows, Record<string, PageInfo>>,
    opts?: QueryOptions,
  ): Subscription<Rows, Record<string, PageInfo>>;
  entity(def: EntityDef): {
    subscribe(
      query?: AnyQuery,
      onResult?: Callback<unknown[], PageInfo>,
      opts?: QueryOptions,
    ): Subscription<unknown[], PageInfo>;
    count(options?: { where?: unknown }, opts?: RequestOptions): Promise<number>;
    paginate(options: AnyPageOptions, opts?: QueryOptions): Promise<Page>;
    pages(options: AnyPageOptions, opts?: QueryOptions): AsyncIterableIterator<Page>;
  };
}

export function liveApi(
  transport: Transport,
  defs: Readonly<Record<string, EntityDef>>,
  dates: 'stored' | 'date' | undefined,
): LiveApi {
  const { validate } = transport.config;
  const sent = (q: AnyQuery, opts: QueryOptions) =>
    opts.ruleParams ? { $$ruleParams: opts.ruleParams, ...q } : q;
  const rowsOf = (raw: RawResult): Rows => {
    if (dates === 'date') reviveDates(defs, raw.data);
    return raw.data;
  };

  const subscribeQuery: LiveApi['subscribeQuery'] = (q, onResult, opts = {}) => {
    if (validate) checkQuery(defs, q);
    return new LiveQuery({
      transport,
      query: sent(q, opts),
      onResult,
      signal: opts.signal,
      headers: extraHeaders(opts.fetchOpts),
      map: (raw) => ({ data: rowsOf(raw), pageInfo: pagesOf(raw) }),
    });
  };

  const entity: LiveApi['entity'] = (def) => {
    const { name } = def;
    const page = async (options: AnyPageOptions, opts: QueryOptions = {}): Promise<Page> => {
      const size = options['first'] ?? options['last'];
      if (typeof size !== 'number' || !(size > 0))
        throw new InstantValidationError(
          `${name}.paginate: give the page size as first (forwards) or last (backwards), a positive number.`,
          [name],
        );
      const q = { [name]: { $: options } };
      if (validate) checkQuery(defs, q);
      const raw = await firstResult(transport, sent(q, opts), opts.signal);
      const info = raw.meta['page-info']?.[name];
      return { rows: rowsOf(raw)[name] ?? [], pageInfo: info ? pageInfoOf(info) : EMPTY_PAGE };
    };
    return {
      subscribe: (q = {}, onResult, opts = {}) => {
        if (validate) checkQuery(defs, { [name]: q });
        return new LiveQuery({
          transport,
          query: sent({ [name]: q }, opts),
          onResult,
          signal: opts.signal,
          headers: extraHeaders(opts.fetchOpts),
          map: (raw) => ({ data: rowsOf(raw)[name] ?? [], pageInfo: pagesOf(raw)?.[name] }),
        });
      },
      count: async (options = {}, opts = {}) => {
        // Instant refuses aggregates to anyone but the admin (instaql.clj: "Aggregates are currently only
        // available for admin queries."): say so before sending.
        if (transport.impersonation)
          throw new InstantValidationError(
            `${name}.count: Instant counts only for the admin; call count on the admin client, not on db.asUser(...).`,
            [name],
          );
        const where = options.where === undefined ? {} : { where: options.where };
        if (validate) checkQuery(defs, { [name]: { $: where } });
        const raw = await firstResult(
          transport,
          { [name]: { $: { ...where, aggregate: 'count' } } },
          opts.signal,
        );
        const count = raw.meta.aggregate?.[name]?.count;
        if (typeof count !== 'number')
          throw new InstantAPIError(200, {
            type: 'invalid-response',
            message: `${name}.count: the server sent no count (result-meta.aggregate.${name}.count); it may not support aggregate: 'count'.`,
          });
        return count;
      },
      paginate: page,
      pages: (options, opts) => pageIterator(page, options, opts),
    };
  };

  return { subscribeQuery, entity };
}

const EMPTY_PAGE: PageInfo = {
  startCursor: null,
  endCursor: null,
  hasNextPage: false,
  hasPreviousPage: false,
};

function pagesOf(raw: RawResult): Record<string, PageInfo> | undefined {
  const info = raw.meta['page-info'];
  if (!info) return undefined;
  return Object.fromEntries(Object.entries(info).map(([ns, value]) => [ns, pageInfoOf(value)]));
}

/**
 * Every page in turn: forwards from `first` (after each `endCursor`), or backwards from `last` (before each
 * `startCursor`). Each page is read when asked for.
 */
async function* pageIterator(
  page: (options: AnyPageOptions, opts?: QueryOptions) => Promise<Page>,
  options: AnyPageOptions,
  opts?: QueryOptions,
): AsyncIterableIterator<Page> {
  const backwards = options['last'] !== undefined;
  let current = options;
  for (;;) {
    const next = await page(current, opts);
    yield next;
    const { pageInfo } = next;
    const more = backwards ? pageInfo.hasPreviousPage : pageInfo.hasNextPage;
    const cursor = backwards ? pageInfo.startCursor : pageInfo.endCursor;
    if (!more || !cursor || next.rows.length === 0) return;
    current = backwards ? { ...current, before: cursor } : { ...current, after: cursor };
  }
}
