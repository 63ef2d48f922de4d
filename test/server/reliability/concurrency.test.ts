// Concurrency: 16 clients × 500 transactions against one server (the CLI's `serve`, in its own process,
// so that clients and server run on separate cores), all on shared entities:
//   - each transaction merges its client's count into one shared JSON object (a lost update would leave
//     a stale count), overwrites one shared attribute (last writer wins: the final value must be the one of
//     the highest tx-id), and appends a uniquely labelled entry linked to the shared counter and to its
//     client;
//   - every 10th transaction all 16 clients, released together, race to create the same unique `slot`:
//     exactly one wins, the 15 others get `record-not-unique` and leave no trace (their transaction also
//     merges into the shared object, which must show only the winners).
// Finally the acknowledged transactions are replayed one at a time, in tx-id order, on a fresh server:
// both servers must hold exactly the same data. RELIABILITY_SCALE multiplies the transactions per client.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliIsBuilt, queryOk, SCALE, spawnServe, transact, type ServerProcess, type Target } from './helpers.js';

const SCHEMA = `import { i } from '@instantdb/admin';

const _schema = i.schema({
  entities: {
    counters: i.entity({ name: i.string().unique().indexed(), perClient: i.json().optional(), claimsBy: i.json().optional(), last: i.string().optional() }),
    clients: i.entity({ n: i.number().unique().indexed() }),
    entries: i.entity({ label: i.string().unique().indexed(), n: i.number() }),
    claims: i.entity({ slot: i.string().unique().indexed(), by: i.number() }),
  },
  links: {
    counterEntries: { forward: { on: 'counters', has: 'many', label: 'entries' }, reverse: { on: 'entries', has: 'one', label: 'counter' } },
    clientEntries: { forward: { on: 'clients', has: 'many', label: 'entries' }, reverse: { on: 'entries', has: 'one', label: 'client' } },
    clientClaims: { forward: { on: 'clients', has: 'many', label: 'claims' }, reverse: { on: 'claims', has: 'one', label: 'client' } },
  },
});

export default _schema;
`;

const CLIENTS = 16;
const TX_PER_CLIENT = 500 * SCALE;
const ROUND_EVERY = 10;
const ROUNDS = Math.floor(TX_PER_CLIENT / ROUND_EVERY);
const SHARED = ['name', 'shared'];

interface Acked {
  txId: number;
  steps: unknown[];
}

const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-concurrency-'));
const schemaFile = join(dir, 'instant.schema.ts');
writeFileSync(schemaFile, SCHEMA);
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) await s.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<Target> {
  const appId = randomUUID();
  const adminToken = randomUUID();
  const proc = await spawnServe({ schema: schemaFile, appId, adminToken });
  servers.push(proc);
  return { url: proc.url, appId, adminToken };
}

/** Everything, in the server's order (serverCreatedAt, then id). */
function snapshot(t: Target): Promise<any> {
  return queryOk(t, {
    counters: { entries: { $: { fields: ['label'] } } },
    clients: { entries: { $: { fields: ['label'] } }, claims: {} },
    entries: { counter: { $: { fields: ['name'] } }, client: { $: { fields: ['n'] } } },
    claims: { client: { $: { fields: ['n'] } } },
  });
}

/** A barrier for the clients of one round of the unique-slot race. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));
  return () => {
    const mine = gate;
    if (++waiting === parties) {
      waiting = 0;
      release();
      gate = new Promise<void>((resolve) => (release = resolve));
    }
    return mine;
  };
}

describe.skipIf(!cliIsBuilt())('concurrency', () => {
  it(`${CLIENTS} clients × ${TX_PER_CLIENT} transactions on shared entities serialize exactly`, async () => {
    const started = Date.now();
    const target = await start();
    const clientIds = Array.from({ length: CLIENTS }, () => randomUUID());
    const setup: unknown[] = [
      ['update', 'counters', randomUUID(), { name: 'shared' }],
      ...clientIds.map((id, c) => ['update', 'clients', id, { n: c }]),
    ];
    const first = await transact(target, setup);
    expect(first.status).toBe(200);
    const acked: Acked[] = [{ txId: first.body['tx-id'], steps: setup }];
    const roundWait = barrier(CLIENTS);
    const winners: Map<number, { client: number; claimId: string }> = new Map();
    const losers: { round: number; client: number; claimId: string; reply: any }[] = [];
    const perClientTxIds: number[][] = clientIds.map(() => []);

    const runClient = async (c: number) => {
      for (let t = 0; t < TX_PER_CLIENT; t++) {
        const entryId = randomUUID();
        const label = `c${c}-t${t}`;
        const steps: unknown[] = [
          ['update', 'entries', entryId, { label, n: t }],
          ['merge', 'counters', SHARED, { perClient: { [`c${c}`]: t + 1 } }],
          ['update', 'counters', SHARED, { last: label }],
          ['link', 'counters', SHARED, { entries: entryId }],
          ['link', 'clients', clientIds[c], { entries: entryId }],
        ];
        const reply = await transact(target, steps);
        if (reply.status !== 200) throw new Error(`${label} refused: ${reply.status} ${reply.text}`);
        acked.push({ txId: reply.body['tx-id'], steps });
        perClientTxIds[c].push(reply.body['tx-id']);

        if ((t + 1) % ROUND_EVERY === 0) {
          const round = (t + 1) / ROUND_EVERY - 1;
          const claimId = randomUUID();
          const claim: unknown[] = [
            ['create', 'claims', claimId, { slot: `round-${round}`, by: c }],
            ['link', 'clients', clientIds[c], { claims: claimId }],
            ['merge', 'counters', SHARED, { claimsBy: { [`round-${round}`]: c } }],
          ];
          await roundWait();
          const r = await transact(target, claim);
          if (r.status === 200) {
            if (winners.has(round)) throw new Error(`round ${round} won twice`);
            winners.set(round, { client: c, claimId });
            acked.push({ txId: r.body['tx-id'], steps: claim });
            perClientTxIds[c].push(r.body['tx-id']);
          } else {
            losers.push({ round, client: c, claimId, reply: r });
          }
        }
      }
    };
    await Promise.all(clientIds.map((_, c) => runClient(c)));
    const streamed = Date.now();

    // Every acknowledged transaction got its own tx-id, increasing in each client's order.
    const txIds = acked.map((a) => a.txId);
    expect(new Set(txIds).size).toBe(txIds.length);
    for (const ids of perClientTxIds) expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // The unique race: one winner per round, every other client refused with Instant's error.
    expect(winners.size).toBe(ROUNDS);
    expect(losers).toHaveLength(ROUNDS * (CLIENTS - 1));
    for (const l of losers) {
      expect(l.reply.status).toBe(400);
      expect(l.reply.body).toMatchObject({
        type: 'record-not-unique',
        message: `\`slot\` is a unique attribute on \`claims\` and an entity already exists with \`claims.slot\` = "round-${l.round}"`,
      });
    }

    const state = await snapshot(target);
    const [counter] = state.counters;
    // No lost update: every client's last merge is there, and only the winners' claims merges.
    expect(counter.perClient).toEqual(Object.fromEntries(clientIds.map((_, c) => [`c${c}`, TX_PER_CLIENT])));
    expect(counter.claimsBy).toEqual(Object.fromEntries([...winners].map(([round, w]) => [`round-${round}`, w.client])));
    // Last writer wins, in tx-id order.
    const lastOf = (a: Acked) => a.steps.flatMap((s: any) => (s[0] === 'update' && s[1] === 'counters' && s[3].last ? [s[3].last as string] : []))[0];
    const lastWrite = acked.filter((a) => lastOf(a) !== undefined).sort((a, b) => b.txId - a.txId)[0];
    expect(counter.last).toBe(lastOf(lastWrite));
    // Every acknowledged entry is there, linked to the counter and to its client.
    expect(state.entries).toHaveLength(CLIENTS * TX_PER_CLIENT);
    expect(counter.entries).toHaveLength(CLIENTS * TX_PER_CLIENT);
    for (const e of state.entries) {
      const [, c] = /^c(\d+)-t\d+$/.exec(e.label)!;
      expect(e.client?.n).toBe(Number(c));
      expect(e.counter?.name).toBe('shared');
    }
    for (const client of state.clients) {
      expect(client.entries).toHaveLength(TX_PER_CLIENT);
      const won = [...winners.values()].filter((w) => w.client === client.n).map((w) => w.claimId);
      expect(client.claims.map((c: any) => c.id).sort()).toEqual(won.sort());
    }
    expect(state.claims.map((c: any) => c.id).sort()).toEqual([...winners.values()].map((w) => w.claimId).sort());

    // A serial execution of the acknowledged transactions, in tx-id order, gives exactly the same data.
    const replica = await start();
    for (const a of [...acked].sort((x, y) => x.txId - y.txId)) {
      const r = await transact(replica, a.steps);
      if (r.status !== 200) throw new Error(`replay of tx ${a.txId} failed: ${r.status} ${r.text}`);
    }
    expect(await snapshot(replica)).toEqual(state);
    const replayed = Date.now();
    console.log(
      `[concurrency] ${acked.length} transactions acknowledged (${CLIENTS} clients × ${TX_PER_CLIENT} + ${ROUNDS} unique-slot rounds won), ` +
        `${losers.length} refused as record-not-unique, nothing lost; streamed in ${streamed - started} ms, replayed serially in ${replayed - streamed} ms`,
    );
    // Only a guard against a hang: about two minutes on a fully loaded machine.
  }, 900_000 * SCALE);
});
