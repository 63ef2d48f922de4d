// The example program behind `npm run example`: the client generated from fixtures/todo/instant.schema.ts,
// run against the local Instant-compatible server (in memory) with the rules of fixtures/todo/instant.perms.ts,
// printing what it does.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPerms } from '../dist/schema/loadPerms.js';
import { loadSchema } from '../dist/schema/loadSchema.js';
import { ruleValidationIssues, startServer } from '../dist/server/index.js';
import { createClient, id, InstantAPIError, InstantValidationError } from '../fixtures/todo/instant.gen/index.js';

const schemaFile = fileURLToPath(new URL('../fixtures/todo/instant.schema.ts', import.meta.url));
const permsFile = fileURLToPath(new URL('../fixtures/todo/instant.perms.ts', import.meta.url));
const show = (label: string, value: unknown) => console.log(`\n${label}\n${JSON.stringify(value, null, 2)}`);

const { ir } = await loadSchema(schemaFile);
const { rules } = await loadPerms(permsFile, ruleValidationIssues);
const server = await startServer({ schema: ir, rules, memory: true });
console.log(`local Instant server for ${path.relative(process.cwd(), schemaFile)} at ${server.url} (app ${server.appId})`);
console.log(`rules: ${path.relative(process.cwd(), permsFile)} (admin requests bypass them)`);

try {
  const db = createClient({ appId: server.appId, adminToken: server.adminToken, apiURI: server.url });

  // Users and tokens: createToken creates the user when needed.
  const token = await db.auth.createToken('alyssa@example.com');
  const alyssa = await db.auth.verifyToken(token);
  console.log(`\ncreated alyssa@example.com (id ${alyssa.id}); her refresh token verifies: ${alyssa.email === 'alyssa@example.com'}`);

  // One atomic transaction: goals, todos, links, lookups by unique attributes.
  // A lookup as a link target ({ title: 'Stretch' }) must find an entity that existed before the
  // transaction or that the transaction creates through the same lookup, as here: Instant resolves it
  // before writing, so a title set by another step (`db.todos.tx(id()).create({ title: 'Stretch', ... })`)
  // would not be found yet ("The entity for the lookup does not exist.").
  const fit = id();
  const read = id();
  const run = id();
  const { 'tx-id': txId } = await db.transact([
    db.goals.tx(fit).create({ title: 'Get fit', priority: 2, done: false, metrics: { target: 10, current: 3, unit: 'km' } }),
    db.goals.tx(read).create({ title: 'Read more', priority: 1, done: false }).link({ owner: { email: 'alyssa@example.com' } }),
    db.todos.tx(run).create({ title: 'Run 5k', done: false, createdAt: Date.now() }),
    db.todos.tx({ title: 'Stretch' }).update({ done: true, createdAt: Date.now() }),
    db.goals.tx(fit).link({ todos: [run, { title: 'Stretch' }], owner: { email: 'alyssa@example.com' } }),
  ]);
  console.log(`transaction ${txId} committed`);

  // Typed queries: where with operators, order on an indexed attribute, nested links, picked fields.
  const goals = await db.goals.query({
    $: { where: { priority: { $gte: 1 }, 'owner.email': 'alyssa@example.com' }, order: { priority: 'desc' }, fields: ['title', 'priority'] },
    todos: { $: { where: { done: false } } },
    owner: { $: { fields: ['email'] } },
  });
  show('goals of alyssa, by priority, with open todos', goals);

  const stretch = await db.todos.query({ $: { where: { title: { $like: 'Str%' } } }, goal: {} });
  show('todos like "Str%", with their goal (a has-one link: an object or null)', stretch);

  // Merge deep-merges JSON; the row type knows `metrics` is { target; current; unit? }.
  await db.transact(db.goals.tx(fit).merge({ metrics: { current: 4 } }));
  const updated = await db.goals.get(fit);
  console.log(`\nafter merge, Get fit is at ${updated?.metrics?.current} of ${updated?.metrics?.target} ${updated?.metrics?.unit}`);

  // Impersonation: the same typed client, acting as a user or as a guest, gets what the rules let through
  // (owners see their goals, todos go with their goal).
  const asAlyssa = db.asUser({ token });
  const guest = db.asUser({ guest: true });
  const hers = await asAlyssa.goals.query({ todos: {} });
  console.log(`\nas alyssa (by refresh token): ${hers.map((g) => `${g.title} (${g.todos.length} todos)`).join(', ')}`);
  console.log(`as a guest: ${(await guest.goals.query()).length} goals and ${(await guest.todos.query()).length} todos visible`);

  // Writes are checked too: ben may create a goal of his own, not touch alyssa's.
  const benToken = await db.auth.createToken('ben@example.com');
  const ben = await db.auth.verifyToken(benToken);
  const asBen = db.asUser({ token: benToken });
  await asBen.transact(db.goals.tx(id()).create({ title: "Ben's goal", priority: 1, done: false }).link({ owner: ben.id }));
  console.log(`as ben: ${(await asBen.goals.query()).map((g) => g.title).join(', ')}`);
  try {
    await asBen.transact(db.goals.tx(fit).update({ done: true }));
  } catch (error) {
    if (error instanceof InstantAPIError) console.log(`ben updating "Get fit": refused, ${error.status} ${error.type}: ${error.message}`);
  }
  // debugTransact says which rule decided, and writes nothing.
  const dryRun = await asBen.debugTransact(db.goals.tx(fit).update({ done: true }));
  show(
    'debugTransact of the same write',
    dryRun['check-results'].map((c) => ({ etype: c.etype, action: c.action, rule: c.program['display-code'], passed: c['check-pass?'] })),
  );

  // Mistakes are caught before any request, naming entity.attr...
  try {
    await db.transact(db.goals.tx(id()).create({ title: 'No priority' } as never));
  } catch (error) {
    if (error instanceof InstantValidationError) console.log(`\nrejected before sending: ${error.message}`);
  }
  // ...and server errors arrive as InstantAPIError.
  try {
    await db.transact(db.goals.tx(fit).create({ title: 'Get fit again', priority: 3, done: false }));
  } catch (error) {
    if (error instanceof InstantAPIError) console.log(`server said ${error.status} ${error.type}: ${error.message}`);
  }

  // Token round trip: sign out, and the token no longer verifies.
  await db.auth.signOut({ refresh_token: token });
  const verdict = await db.auth.verifyToken(token).then(
    () => 'still valid',
    (error: unknown) => `rejected (${error instanceof InstantAPIError ? error.type : String(error)})`,
  );
  console.log(`after signOut, alyssa's token is ${verdict}`);
} finally {
  await server.close();
}
