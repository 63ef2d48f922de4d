// HTTP-level error translation that the conformance cases cannot reach through a healthy server.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/server/http/router.js';
import type { Services } from '../../src/server/http/services.js';

let server: Server;
let url: string;
const logged: string[] = [];

beforeAll(async () => {
  // An engine whose token check blows up stands in for any unexpected server bug.
  const broken = { apps: { tokenMatches: () => { throw new Error('boom'); } } } as unknown as Services['engine'];
  server = createServer(createHandler({ engine: broken, users: {} as never, magicCodes: {} as never, log: (l) => logged.push(l) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('http errors', () => {
  it('turns unexpected failures into Instant’s opaque 500 and logs them', async () => {
    const res = await fetch(`${url}/admin/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'app-id': '8aa64e4c-64f9-472e-8a61-3fa28870e6cb', authorization: 'Bearer 8aa64e4c-64f9-472e-8a61-3fa28870e6cb' },
      body: JSON.stringify({ query: {} }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ type: 'unknown', message: 'Something went wrong. Sorry about this!' });
    expect(logged.some((l) => l.includes('boom'))).toBe(true);
  });

  it('ignores bodies that are not JSON-typed', async () => {
    const res = await fetch(`${url}/admin/query`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{not json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'param-missing', message: 'Missing parameter: ["body" "query"]' });
  });
});
