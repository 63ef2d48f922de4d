// Runs every conformance case, live queries included, through the official @instantdb/admin SDK against the
// local server.

import { afterAll, beforeAll, describe, it } from 'vitest';
import { setInstantWarningsEnabled } from '@instantdb/admin';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { assertOutcome } from '../support/conformance.js';
import { caseContext, schemaIR, sdkClients } from '../support/localServer.js';
import { ALL_CASES as BASE_CASES, FIXTURES } from './cases/index.js';
import { SUBSCRIBE_CASES } from './cases/subscribe.js';
import { eventually } from '../support/live.js';
import { GENEROUS_LIMITS } from '../support/limits.js';

const ALL_CASES = [...BASE_CASES, { group: 'subscribe', cases: SUBSCRIBE_CASES }];

let server: RunningServer;

beforeAll(async () => {
  setInstantWarningsEnabled(false);
  server = await startServer({ schema: schemaIR(FIXTURES.empty.schema), memory: true, log: () => undefined, limits: GENEROUS_LIMITS });
});

afterAll(async () => {
  await server?.close();
});

for (const { group, cases } of ALL_CASES) {
  describe(group, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const fixture = FIXTURES[c.fixture ?? 'empty'];
        const app = server.addApp({ schema: schemaIR(fixture.schema, c.fixture ?? 'empty'), rules: c.rules });
        const clients = sdkClients(server.url, app.appId, app.adminToken, fixture.schema);
        const ids = await fixture.build(clients.client('schema'));
        const ctx = caseContext(server, clients, c.client ?? 'schema', ids);
        const outcome = await c.run(ctx.db, ctx).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        await assertOutcome(c, outcome, ctx);
        // A case closes every subscription it opened: the server must have let go of them all.
        await eventually(() => server.subscriptionCount(app.appId) === 0);
      });
    }
  });
}
