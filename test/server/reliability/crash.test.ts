// Crash safety: the CLI's `serve` runs as its own process on a data file while transactions stream at it
// (several at a time, each writing a batch entity, its items, their links and a merge into a shared JSON
// tally). It is SIGKILLed at several points (after N acknowledgements, on a timer, right after sending a
// large transaction), restarted on the same file, and the data is checked against everything that was
// sent: every acknowledged transaction is there in full, every transaction whose fate the client never
// learnt is there in full or not at all, and nothing else is there. RELIABILITY_SCALE repeats the kill
// points with more transactions.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIsBuilt, queryOk, SCALE, sleep, spawnServe, transact, type ServerProcess, type Target } from './helpers.js';

const SCHEMA = `import { i } from '@instantdb/admin';

const _schema = i.schema({
  entities: {
    batches: i.entity({ tag: i.string().unique().indexed(), size: i.number(), seq: i.number().indexed() }),
    items: i.entity({ key: i.string().unique().indexed(), n: i.number(), payload: i.string() }),
    tallies: i.entity({ name: i.string().unique().indexed(), counts: i.json().optional() }),
  },
  links: {
    batchItems: { forward: { on: 'batches', has: 'many', label: 'items' }, reverse: { on: 'items', has: 'one', label: 'batch' } },
    tallyBatches: { forward: { on: 'tallies', has: 'many', label: 'batches' }, reverse: { on: 'batches', has: 'many', label: 'tallies' } },
  },
});

export default _schema;
`;

type Fate = 'acked' | 'unknown' | 'applied' | 'absent';

interface SentTx {
  tag: string;
  seq: number;
  batchId: string;
  items: { id: string; key: string; n: number; payload: string }[];
  fate: Fate;
  txId?: number;
}

interface KillPoint {
  name: string;
  concurrency: number;
  /** Kill once this many transactions of the run are acknowledged. */
  afterAcks?: number;
  /** Kill this long after the first acknowledgement of the run. */
  afterMs?: number;
  /**
   * After `afterAcks`, send one transaction of BIG items and kill it after this fraction of the time such
   * a transaction takes to be acknowledged (measured first): early, while it is written, around its commit.
   */
  big?: { at: number };
}

const dir = mkdtempSync(join(tmpdir(), 'instant-codegen-crash-'));
const schemaFile = join(dir, 'instant.schema.ts');
const dataFile = join(dir, 'data', 'local.db');
const appId = randomUUID();
const adminToken = randomUUID();
const sent: SentTx[] = [];
/** The large transactions sent right before a kill. */
const bigOnes: SentTx[] = [];
const BIG = 1500;
/** How long a BIG-item transaction takes to be acknowledged on this machine (measured at the start). */
let bigMs = 0;
let seq = 0;
let server: ServerProcess | undefined;

beforeAll(() => writeFileSync(schemaFile, SCHEMA));
afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

function randomSize(): number {
  return 2 + Math.floor(Math.random() * 12);
}

function newTx(run: number, size: number): { tx: SentTx; steps: unknown[] } {
  const s = seq++;
  const tag = `r${run}-t${s}`;
  const items = Array.from({ length: size }, (_, n) => ({ id: randomUUID(), key: `${tag}-i${n}`, n, payload: `${tag}:${'p'.repeat(100 + n)}` }));
  const tx: SentTx = { tag, seq: s, batchId: randomUUID(), items, fate: 'unknown' };
  const steps: unknown[] = [
    ['update', 'batches', tx.batchId, { tag, size, seq: s }],
    ...items.map((it) => ['update', 'items', it.id, { key: it.key, n: it.n, payload: it.payload }]),
    ['link', 'batches', tx.batchId, { items: items.map((it) => it.id) }],
    ['merge', 'tallies', ['name', 'main'], { counts: { [tag]: size } }],
    ['link', 'tallies', ['name', 'main'], { batches: tx.batchId }],
  ];
  return { tx, steps };
}

/** Streams transactions until the kill point is reached, then SIGKILLs the server mid-stream. */
async function streamAndKill(target: Target, proc: ServerProcess, run: number, point: KillPoint): Promise<{ acked: number; inFlightAtKill: number }> {
  let acked = 0;
  let killed = false;
  let inFlight = 0;
  let inFlightAtKill = 0;
  let firstAck: Promise<void> | undefined;
  let markFirstAck: () => void = () => undefined;
  firstAck = new Promise((resolve) => (markFirstAck = resolve));
  const kill = async () => {
    if (killed) return;
    killed = true;
    inFlightAtKill = inFlight;
    await proc.kill();
  };
  const sendOne = async (size: number) => {
    const { tx, steps } = newTx(run, size);
    sent.push(tx);
    if (point.big && size === BIG) bigOnes.push(tx);
    inFlight++;
    try {
      const reply = await transact(target, steps);
      if (reply.status !== 200) throw new Error(`transaction ${tx.tag} refused: ${reply.status} ${reply.text.slice(0, 300)}`);
      tx.fate = 'acked';
      tx.txId = reply.body['tx-id'];
      acked++;
      markFirstAck();
    } catch (e) {
      // The server died under this request: its fate is unknown until the data is read back.
      if (!killed) throw e;
    } finally {
      inFlight--;
    }
  };
  const worker = async () => {
    while (!killed) {
      if (point.afterAcks !== undefined && acked >= point.afterAcks) {
        if (point.big) {
          const big = sendOne(BIG);
          await sleep(Math.round(point.big.at * bigMs));
          await kill();
          await big;
        } else {
          await kill();
        }
        return;
      }
      await sendOne(randomSize());
    }
  };
  const timer = point.afterMs === undefined ? undefined : firstAck.then(() => sleep(point.afterMs!)).then(kill);
  const workers = point.big ? [worker()] : Array.from({ length: point.concurrency }, worker);
  if (point.big) {
    // Other clients keep writing while the large transaction is in flight.
    for (let k = 1; k < point.concurrency; k++) workers.push((async () => { while (!killed) await sendOne(randomSize()); })());
  }
  await Promise.all([...workers, timer]);
  return { acked, inFlightAtKill };
}

/** Median time to get a BIG-item transaction acknowledged, alone (these three are kept and checked too). */
async function measureBig(target: Target): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < 3; k++) {
    const { tx, steps } = newTx(0, BIG);
    sent.push(tx);
    const started = Date.now();
    const reply = await transact(target, steps);
    times.push(Date.now() - started);
    expect(reply.status).toBe(200);
    tx.fate = 'acked';
    tx.txId = reply.body['tx-id'];
  }
  return times.sort((a, b) => a - b)[1];
}

interface Verified {
  acked: number;
  unknownApplied: number;
  unknownAbsent: number;
}

/** Reads everything back and checks it against what was sent; settles the fate of unknown transactions. */
async function verify(target: Target): Promise<Verified> {
  const data = await queryOk(target, { batches: { items: {} }, items: { batch: {} }, tallies: { batches: {} } });
  const batches = new Map<string, any>(data.batches.map((b: any) => [b.id, b]));
  const items = new Map<string, any>(data.items.map((it: any) => [it.id, it]));
  const tally = data.tallies.find((t: any) => t.name === 'main');
  const counts: Record<string, number> = tally?.counts ?? {};
  const tallied = new Set<string>((tally?.batches ?? []).map((b: any) => b.id));
  const problems: string[] = [];
  const result: Verified = { acked: 0, unknownApplied: 0, unknownAbsent: 0 };
  const knownBatches = new Set<string>();
  const knownItems = new Set<string>();
  for (const tx of sent) {
    knownBatches.add(tx.batchId);
    for (const it of tx.items) knownItems.add(it.id);
    const batch = batches.get(tx.batchId);
    const parts: [string, boolean, boolean][] = [
      // [what, present, present with exactly the content sent]
      [
        'batch',
        batch !== undefined,
        batch?.tag === tx.tag &&
          batch?.size === tx.items.length &&
          batch?.seq === tx.seq &&
          JSON.stringify(batch.items.map((i: any) => i.id).sort()) === JSON.stringify(tx.items.map((i) => i.id).sort()),
      ],
      ...tx.items.map((it): [string, boolean, boolean] => {
        const got = items.get(it.id);
        return [`item ${it.key}`, got !== undefined, got?.key === it.key && got?.n === it.n && got?.payload === it.payload && got?.batch?.id === tx.batchId];
      }),
      ['tally count', tx.tag in counts, counts[tx.tag] === tx.items.length],
      ['tally link', tallied.has(tx.batchId), tallied.has(tx.batchId)],
    ];
    const present = parts.filter(([, p]) => p).length;
    const wrong = parts.filter(([, p, ok]) => p && !ok).map(([w]) => w);
    if (wrong.length) problems.push(`${tx.tag}: wrong content in ${wrong.join(', ')}`);
    const all = present === parts.length;
    const none = present === 0;
    if (!all && !none) {
      problems.push(`${tx.tag} is half applied: missing ${parts.filter(([, p]) => !p).map(([w]) => w).join(', ')}`);
      continue;
    }
    if (tx.fate === 'acked' || tx.fate === 'applied') {
      if (!all) problems.push(`${tx.tag} (${tx.fate}${tx.txId ? `, tx-id ${tx.txId}` : ''}) is lost`);
      else if (tx.fate === 'acked') result.acked++;
    } else if (tx.fate === 'absent') {
      if (!none) problems.push(`${tx.tag} was absent after an earlier restart and is now present`);
    } else {
      tx.fate = all ? 'applied' : 'absent';
      if (all) result.unknownApplied++;
      else result.unknownAbsent++;
    }
  }
  for (const id of batches.keys()) if (!knownBatches.has(id)) problems.push(`unexpected batch ${id}`);
  for (const id of items.keys()) if (!knownItems.has(id)) problems.push(`unexpected item ${id}`);
  expect(problems).toEqual([]);
  return result;
}

function killPoints(): KillPoint[] {
  const base: KillPoint[] = [
    { name: 'early, after 15 acknowledgements', concurrency: 4, afterAcks: 15 },
    { name: 'after 150 acknowledgements, 8 clients', concurrency: 8, afterAcks: 150 },
    { name: 'on a timer, 1200 ms after the first acknowledgement', concurrency: 6, afterMs: 1200 },
    { name: `right after sending a ${BIG}-item transaction`, concurrency: 3, afterAcks: 20, big: { at: 0.05 } },
    { name: `while a ${BIG}-item transaction is written`, concurrency: 3, afterAcks: 10, big: { at: 0.5 } },
    { name: `around the commit of a ${BIG}-item transaction`, concurrency: 1, afterAcks: 10, big: { at: 0.95 } },
    { name: `just after the commit of a ${BIG}-item transaction`, concurrency: 1, afterAcks: 10, big: { at: 1.0 } },
  ];
  const points = [...base];
  for (let k = 1; k < SCALE; k++) {
    for (const p of base) {
      points.push({
        ...p,
        name: `${p.name} (repeat ${k})`,
        afterAcks: p.afterAcks === undefined ? undefined : p.afterAcks * (1 + k),
        afterMs: p.afterMs === undefined ? undefined : p.afterMs + 150 * k,
        big: p.big && { at: p.big.at * (1 + 0.04 * k) },
      });
    }
  }
  return points;
}

describe.skipIf(!cliIsBuilt())('crash safety (SIGKILL mid-stream, restart on the same file)', () => {
  it('keeps every acknowledged transaction and never half-applies one', async () => {
    const summary: string[] = [];
    let maxTxId = 0;
    const points = killPoints();
    for (const [run, point] of points.entries()) {
      server = await spawnServe({ schema: schemaFile, data: dataFile, appId, adminToken });
      const target: Target = { url: server.url, appId, adminToken };
      // Everything before this kill point survived the previous kill.
      await verify(target);
      if (run === 0) bigMs = await measureBig(target);
      const { acked, inFlightAtKill } = await streamAndKill(target, server, run, point);
      const firstOfRun = sent.find((t) => t.tag.startsWith(`r${run}-`) && t.txId !== undefined);
      if (firstOfRun) expect(firstOfRun.txId!).toBeGreaterThan(maxTxId);
      maxTxId = Math.max(maxTxId, ...sent.map((t) => t.txId ?? 0));
      summary.push(`${point.name}: ${acked} acknowledged, ${inFlightAtKill} in flight at the kill`);
    }
    server = await spawnServe({ schema: schemaFile, data: dataFile, appId, adminToken });
    const final = await verify({ url: server.url, appId, adminToken });
    expect(await server.stop()).toBe(0);
    server = undefined;

    const db = new Database(dataFile, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const acked = sent.filter((t) => t.fate === 'acked').length;
    expect(final.acked).toBe(acked);
    expect(acked).toBeGreaterThan(100);
    summary.push(
      `${sent.length} transactions sent, ${acked} acknowledged and all present; ` +
        `${sent.filter((t) => t.fate === 'applied').length} unacknowledged ones fully applied, ` +
        `${sent.filter((t) => t.fate === 'absent').length} fully absent; none half applied`,
      `${BIG}-item transactions (acknowledged in ${bigMs} ms when alone) killed in flight: ${bigOnes.map((t) => `${t.tag} ${t.fate}`).join(', ')}`,
    );
    console.log(`[crash safety] ${points.length} kill points\n  ${summary.join('\n  ')}`);
    // Only a guard against a hang: about two minutes on a fully loaded machine.
  }, 900_000 * SCALE);
});
