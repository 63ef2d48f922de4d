// Type-level contract of generated webhook handlers, checked by `tsc` in test/webhooksTypes.test.ts.
// Every `@ts-expect-error` must be needed: an unused one fails the check.
import { expectTypeOf } from 'vitest';
import { createClient, type GoalsEntity, type TodosEntity, type WebhookHandlers, type WebhookRecord } from './generated/todo/index.js';

const db = createClient({ appId: 'app', adminToken: 'token' });

// Each action's record: `before`/`after` are the entity type, null where the action has none.
const handlers: WebhookHandlers = {
  goals: {
    create: (record) => {
      expectTypeOf(record.action).toEqualTypeOf<'create'>();
      expectTypeOf(record.before).toEqualTypeOf<null>();
      expectTypeOf(record.after).toEqualTypeOf<GoalsEntity>();
      expectTypeOf(record.after.title).toEqualTypeOf<string>();
      expectTypeOf(record.idempotencyKey).toEqualTypeOf<string>();
      // @ts-expect-error goals have no `createdAt`
      record.after.createdAt;
    },
    update: (record) => {
      expectTypeOf(record.before).toEqualTypeOf<GoalsEntity>();
      expectTypeOf(record.after).toEqualTypeOf<GoalsEntity>();
    },
    delete: async (record) => {
      expectTypeOf(record.before).toEqualTypeOf<GoalsEntity>();
      expectTypeOf(record.after).toEqualTypeOf<null>();
    },
  },
  todos: {
    // An entity's `$default` gets any record of that entity, narrowed by `action`.
    $default: (record) => {
      expectTypeOf(record.namespace).toEqualTypeOf<'todos'>();
      if (record.action === 'delete') expectTypeOf(record.after).toEqualTypeOf<null>();
      else expectTypeOf(record.after).toEqualTypeOf<TodosEntity>();
    },
  },
  // The top-level `$default`: any record, narrowed by `namespace`.
  $default: (record) => {
    if (record.namespace === 'goals' && record.action !== 'delete') expectTypeOf(record.after).toEqualTypeOf<GoalsEntity>();
  },
};

// One object each: TypeScript reports only the first excess property of an object literal.
// @ts-expect-error no such entity
const wrongEntity: WebhookHandlers = { goal: { create: () => undefined } };
// @ts-expect-error no such action
const wrongAction: WebhookHandlers = { todos: { upsert: () => undefined } };

async function receive(req: Request) {
  await db.webhooks.processRequest(handlers, req);
  await db.webhooks.processRequest({ goals: { update: (r) => expectTypeOf(r.after.priority).toEqualTypeOf<number>() } }, req);
  const body = await db.webhooks.validate('t=1,kid=1,v1=00', '{}');
  expectTypeOf(body).toEqualTypeOf<{ payloadUrl: string; token: string }>();
  const payload = await db.webhooks.fetchPayloads(body);
  expectTypeOf(payload.data).toEqualTypeOf<WebhookRecord[]>();
  expectTypeOf<WebhookRecord<'goals'>['namespace']>().toEqualTypeOf<'goals'>();
}

async function manage() {
  const hook = await db.webhooks.manager.create({ url: 'https://example.com', namespaces: ['goals', '$users'], actions: ['create'] });
  expectTypeOf(hook.namespaces).toEqualTypeOf<('goals' | 'todos' | '$users' | '$files')[]>();
  // @ts-expect-error no such entity
  await db.webhooks.manager.create({ url: 'https://example.com', namespaces: ['goal'], actions: ['create'] });
  // @ts-expect-error no such action
  await db.webhooks.manager.update(hook.id, { actions: ['upsert'] });
  const page = await db.webhooks.manager.listEvents(hook.id);
  expectTypeOf(page.events[0]!.createdAt).toEqualTypeOf<Date>();
}

void wrongEntity;
void wrongAction;
void receive;
void manage;
