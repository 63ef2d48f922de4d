// Types of webhook records and handlers, typed per entity. `E` maps each entity name to its entity type
// (the generated `WebhookEntities`), so `before` and `after` carry that entity's attributes.

export type WebhookAction = 'create' | 'update' | 'delete';

/** One record of a delivery: what a transaction did to one entity. */
export type WebhookRecordFor<E, N extends keyof E & string, A extends WebhookAction> = A extends 'create'
  ? {
      namespace: N;
      id: string;
      action: 'create';
      before: null;
      after: E[N];
      idempotencyKey: string;
    }
  : A extends 'update'
    ? {
        namespace: N;
        id: string;
        action: 'update';
        before: E[N];
        after: E[N];
        idempotencyKey: string;
      }
    : {
        namespace: N;
        id: string;
        action: 'delete';
        before: E[N];
        after: null;
        idempotencyKey: string;
      };

/** Any record of the entities `N` (default: all), discriminated by `namespace` and `action`. */
export type WebhookRecord<E, N extends keyof E & string = keyof E & string> = N extends unknown
  ? WebhookRecordFor<E, N, 'create'> | WebhookRecordFor<E, N, 'update'> | WebhookRecordFor<E, N, 'delete'>
  : never;

/** A handler may be async: a rejection fails the delivery, and Instant sends it again later. */
export type WebhookHandler<R> = (record: R) => unknown;

/**
 * Handlers by entity and action, as `@instantdb/admin`'s `processRequest` takes them. For each record:
 * `handlers[namespace][action]`, else `handlers[namespace].$default`, else `handlers.$default`; records with no
 * handler are skipped.
 */
export type WebhookHandlers<E> = {
  [N in keyof E & string]?: {
    create?: WebhookHandler<WebhookRecordFor<E, N, 'create'>>;
    update?: WebhookHandler<WebhookRecordFor<E, N, 'update'>>;
    delete?: WebhookHandler<WebhookRecordFor<E, N, 'delete'>>;
    $default?: WebhookHandler<WebhookRecord<E, N>>;
  };
} & { $default?: WebhookHandler<WebhookRecord<E>> };

/** The body Instant POSTs: where to fetch the records, and the token that may fetch them. */
export interface WebhookBody {
  payloadUrl: string;
  token: string;
}

export interface WebhookPayload<E> {
  data: WebhookRecord<E>[];
  /** One per (webhook, transaction): a resend carries the same key. */
  idempotencyKey: string;
}

export interface WebhookValidateOptions {
  /** Seconds a signature stays valid, either side of `receivedAt`; default 300. */
  tolerance?: number | undefined;
  /** Default: now. */
  receivedAt?: Date | undefined;
}

/** Where processed payloads' idempotency keys are remembered; default: in memory, the last 10 000. */
export interface IdempotencyStore {
  has(key: string): boolean | Promise<boolean>;
  add(key: string): void | Promise<void>;
}

export interface WebhookProcessOptions extends WebhookValidateOptions {
  /** Replayed payloads (an idempotency key already processed) are rejected; `false` turns the check off. */
  idempotencyStore?: IdempotencyStore | false | undefined;
}

/** The parts of a Node `IncomingMessage` (Express, Next.js Pages Router, Koa's `ctx.req`) that are read. */
export interface NodeRequestLike {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Raw bytes or text from middleware (`express.raw()`, `express.text()`); a parsed object is re-serialized. */
  body?: unknown;
  rawBody?: unknown;
  [Symbol.asyncIterator]?: () => AsyncIterator<unknown>;
}

export type WebhookStatus = 'active' | 'disabled';
export type WebhookEventStatus = 'pending' | 'processing' | 'success' | 'error' | 'failed';

export interface WebhookInfo<N extends string = string> {
  id: string;
  sink: { url: string };
  namespaces: N[];
  actions: WebhookAction[];
  status: WebhookStatus;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookAttempt {
  attemptAt: Date | null;
  durationMs: number | null;
  success: boolean | null;
  statusCode: number | null;
  /** The first 256 bytes of the receiver's answer. */
  responseText: string | null;
  /** `timeout`, `dns`, `connect`, `tls`, `protocol`, `network`, `disabled` or `unknown`. */
  errorType: string | null;
  errorMessage: string | null;
}

export interface WebhookEventInfo {
  isn: string;
  status: WebhookEventStatus;
  attempts: WebhookAttempt[] | null;
  nextAttemptAfter: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookEventsPage {
  events: WebhookEventInfo[];
  pageInfo: {
    startCursor: string | null;
    endCursor: string | null;
    hasNextPage: boolean;
  };
}

export interface CreateWebhookParams<N extends string = string> {
  url: string;
  namespaces: N[];
  actions: WebhookAction[];
}

export type UpdateWebhookParams<N extends string = string> = Partial<CreateWebhookParams<N>>;
