// Property (c): for random valid schemas, every entity round-trips through the wire: a transaction with
// create/update/merge/link/unlink/delete/ruleParams chains on every entity (ids and lookups), a query or
// get per entity (where with every operator the types allow, link paths, or/and, order, fields,
// pagination, nested links, ruleParams) and one query over several entities, built with the generated
// client, send exactly the requests `@instantdb/admin@1.0.67` sends for the equivalent operation, when the
// SDK is initialised with the same schema built with its own `i`.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { init, lookup } from '@instantdb/admin';
import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../support/captureServer.js';
import { scratchDir } from '../support/paths.js';
import { ADMIN_TOKEN, APP_ID, wireView } from '../wire/harness.js';
import type { Chain, FuzzCase, QueryOp, Ref } from './ops.js';
import { caseArb, generateCase } from './pipeline.js';
import { fuzzSettings, sdkSchema } from './schemaArb.js';

const { runs, seed } = fuzzSettings(500);

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- both clients are driven by data here

let server: CaptureServer;
let root: string;
let count = 0;
const tally = { schemas: 0, entities: 0, requests: 0, sdkUnchecked: 0, generateMs: 0, importMs: 0, wireMs: 0 };

beforeAll(async () => {
  server = await startCaptureServer();
  root = scratchDir('fuzz-wire');
});

afterAll(async () => {
  await server?.close();
  if (root && !process.env.FUZZ_KEEP) fs.rmSync(root, { recursive: true, force: true });
});

/**
 * Node's own `import()`, not vitest's: transforming every generated module of hundreds of clients through
 * vitest costs most of the run. `.ts` output is transpiled to `.js` beside it first (types erased only).
 */
const nativeImport = createRequire(import.meta.url)('./nativeImport.cjs') as (url: string) => Promise<unknown>;

async function importClient(outDir: string, output: 'ts' | 'dts'): Promise<Any> {
  if (output === 'ts') {
    for (const entry of fs.readdirSync(outDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = path.join(entry.parentPath, entry.name);
      const { code } = transformSync(fs.readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' });
      fs.writeFileSync(file.replace(/\.ts$/, '.js'), code);
    }
  }
  return nativeImport(pathToFileURL(path.join(outDir, 'index.js')).href);
}

const SDK_CANNOT_CHECK = '\0sdk-cannot-check';

/**
 * Every namespace an operation reaches: its own, link targets of nested queries and of `where` paths (and
 * SDK_CANNOT_CHECK when the SDK's checker would trip over the query).
 */
function reached(c: FuzzCase, entity: string, query: Record<string, unknown>, out = new Set<string>()): Set<string> {
  out.add(entity);
  const e = c.ir.entities.find((x) => x.name === entity)!;
  const follow = (from: string, path: string[]) => {
    let at = c.ir.entities.find((x) => x.name === from)!;
    for (const segment of path) {
      const link = at.links.find((l) => l.label === segment);
      if (!link) return;
      out.add(link.target);
      at = c.ir.entities.find((x) => x.name === link.target)!;
    }
  };
  const walkWhere = (where: unknown) => {
    for (const [key, value] of Object.entries((where as Record<string, unknown>) ?? {})) {
      if (key === 'or' || key === 'and') {
        (value as unknown[]).forEach(walkWhere);
        // The SDK's checker puts each clause in a template string (`${clause}`): an own `toString` or
        // `valueOf` that is not a function makes it throw "Cannot convert object to primitive value".
        if ((value as object[]).some((clause) => ['toString', 'valueOf'].some((k) => Object.prototype.hasOwnProperty.call(clause, k)))) out.add(SDK_CANNOT_CHECK);
      } else follow(entity, key.split('.'));
    }
  };
  walkWhere((query.$ as { where?: unknown } | undefined)?.where);
  for (const link of e.links) {
    if (Object.prototype.hasOwnProperty.call(query, link.label)) reached(c, link.target, query[link.label] as Record<string, unknown>, out);
  }
  return out;
}

function sdkRef(ref: Ref): string {
  return typeof ref === 'string' ? ref : lookup(ref.lookup[0], ref.lookup[1]);
}

function genRef(ref: Ref): unknown {
  if (typeof ref === 'string') return ref;
  const out = {};
  Object.defineProperty(out, ref.lookup[0], { value: ref.lookup[1], enumerable: true });
  return out;
}

const mapLinks = (links: Record<string, Ref | Ref[]>, f: (r: Ref) => unknown) =>
  Object.fromEntries(Object.entries(links).map(([label, t]) => [label, Array.isArray(t) ? t.map(f) : f(t)]));

function runChain(chunk: Any, chain: Chain, mapRef: (r: Ref) => unknown): Any {
  for (const step of chain.steps) {
    if (step.kind === 'create') chunk = chunk.create(step.attrs);
    else if (step.kind === 'update' || step.kind === 'merge') chunk = step.opts ? chunk[step.kind](step.attrs, step.opts) : chunk[step.kind](step.attrs);
    else if (step.kind === 'link' || step.kind === 'unlink') chunk = chunk[step.kind](mapLinks(step.links, mapRef));
    else if (step.kind === 'delete') chunk = chunk.delete();
    else if (step.kind === 'ruleParams') chunk = chunk.ruleParams(step.params);
  }
  return chunk;
}

/** The SDK's equivalent of `db.<entity>.query(q)` / `.get(id, q)`: `db.query({ [entity]: q })`, as the runtime builds it. */
async function sdkQuery(sdk: Any, op: QueryOp): Promise<unknown> {
  const opts = op.ruleParams ? { ruleParams: op.ruleParams } : undefined;
  if (op.via === 'query') return (await sdk.query({ [op.entity]: op.query }, opts))[op.entity];
  const options = (op.query.$ as Record<string, unknown> | undefined) ?? {};
  const where = { ...(options.where as object | undefined), id: op.id };
  return (await sdk.query({ [op.entity]: { ...op.query, $: { ...options, where } } }, opts))[op.entity][0] ?? null;
}

async function genQuery(db: Any, op: QueryOp): Promise<unknown> {
  const api = op.direct ? db[op.entity] : db.entities[op.entity];
  const opts = op.ruleParams ? { ruleParams: op.ruleParams } : undefined;
  return op.via === 'query' ? api.query(op.query, opts) : api.get(op.id, op.query, opts);
}

/** Runs one side and returns what it resolved to and what it sent; a rejection is rethrown with the side's name. */
async function capture(side: string, run: () => Promise<unknown>): Promise<{ value: unknown; requests: CapturedRequest[] }> {
  server.reset();
  try {
    const value = await run();
    return { value, requests: server.take() };
  } catch (error) {
    throw new Error(`${side} rejected: ${(error as Error).message}`);
  }
}

async function compare(what: string, official: () => Promise<unknown>, generated: () => Promise<unknown>): Promise<void> {
  const a = await capture(`the SDK (${what})`, official);
  const b = await capture(`the generated client (${what})`, generated);
  // Bodies as text: byte-identical JSON, key order included (and vitest's equality would trip over an own
  // `constructor` key, which entity names and labels may be).
  const view = (r: CapturedRequest) => ({ ...wireView(r), body: r.rawBody });
  expect(b.requests.map(view), what).toStrictEqual(a.requests.map(view));
  expect(JSON.stringify(b.value) ?? 'undefined', what).toBe(JSON.stringify(a.value) ?? 'undefined');
  tally.requests += a.requests.length;
}

async function roundTrip(c: FuzzCase): Promise<void> {
  const dir = path.join(root, `s${count++}`);
  // Formatting does not change behaviour (the type-check suite covers formatted output).
  let t = performance.now();
  await generateCase(c, dir, { format: false, usage: false });
  tally.generateMs += performance.now() - t;
  t = performance.now();
  const mod = await importClient(path.join(dir, 'instant.gen'), c.settings.output);
  tally.importMs += performance.now() - t;
  t = performance.now();
  const gen = mod.createClient({ appId: APP_ID, adminToken: ADMIN_TOKEN, apiURI: server.url });
  const declared = new Set(c.spec.entities.filter((e) => e.declared).map((e) => e.name));
  // The SDK rejects namespaces its schema does not declare (linked-only $users/$files/$streams), and throws
  // on some valid queries (SDK_CANNOT_CHECK): for those it runs unchecked, which changes nothing it sends.
  const sdkChecked = init({ appId: APP_ID, adminToken: ADMIN_TOKEN, apiURI: server.url, schema: sdkSchema(c.spec) }) as Any;
  const sdkUnchecked = init({ appId: APP_ID, adminToken: ADMIN_TOKEN, apiURI: server.url, schema: sdkSchema(c.spec), disableValidation: true }) as Any;
  const sdkFor = (entities: string[]) => {
    const checked = entities.every((e) => declared.has(e));
    if (!checked) tally.sdkUnchecked++;
    return checked ? sdkChecked : sdkUnchecked;
  };

  const { transaction, queries, multi } = c.ops;
  await compare(
    'transact',
    () => {
      const sdk = sdkFor(transaction.map((ch) => ch.entity));
      return sdk.transact(transaction.map((ch) => runChain(sdk.tx[ch.entity][sdkRef(ch.ref)], ch, sdkRef)));
    },
    () => gen.transact(transaction.map((ch) => runChain(gen.entities[ch.entity].tx(genRef(ch.ref)), ch, genRef))),
  );
  for (const op of queries) {
    await compare(`${op.via} ${JSON.stringify(op.entity)}`, () => sdkQuery(sdkFor([...reached(c, op.entity, op.query)]), op), () => genQuery(gen, op));
  }
  const multiReached = Object.entries(multi).flatMap(([entity, q]) => [...reached(c, entity, q)]);
  if (Object.keys(multi).length) await compare('query over several entities', () => sdkFor(multiReached).query(multi), () => gen.query(multi));
  // Entities not named like client members are also on the client itself, as the same object.
  for (const e of c.ir.entities) if (Object.prototype.hasOwnProperty.call(gen, e.name) && !['query', 'transact', 'asUser', 'auth', 'entities'].includes(e.name)) expect(gen[e.name]).toBe(gen.entities[e.name]);
  tally.wireMs += performance.now() - t;
  tally.schemas++;
  tally.entities += c.ir.entities.length;
  if (!process.env.FUZZ_KEEP) fs.rmSync(dir, { recursive: true, force: true });
}

describe(`fuzz (seed ${seed}): every entity round-trips through the wire like @instantdb/admin`, () => {
  it(`${runs} random schemas`, async () => {
    const started = performance.now();
    await fc.assert(fc.asyncProperty(caseArb(), roundTrip), { numRuns: runs, seed, endOnFailure: !!process.env.CI });
    console.info(
      `fuzz wire: ${tally.schemas} schemas (seed ${seed}), ${tally.entities} entities, ${tally.requests} request pairs compared ` +
        `(${tally.sdkUnchecked} SDK calls unchecked) in ${Math.round(performance.now() - started)} ms ` +
        `(generate ${Math.round(tally.generateMs)}, import ${Math.round(tally.importMs)}, requests ${Math.round(tally.wireMs)})`,
    );
  }, 900_000);
});
