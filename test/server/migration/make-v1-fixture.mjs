// Writes v1-todo.db and v1-answers.json with instant-codegen 0.1.0 (storage version 1): run from a checkout
// of that version (`git worktree add ../v1 8a1fe38 && cd ../v1 && npm ci && npm run build`):
//   node <this file> <path to that checkout> <output folder>
// The answers are what that version's server returned for QUERIES on the data; the migration test
// expects the current server to return the same after upgrading the file.
import path from 'node:path';
import fs from 'node:fs';

const [checkout, out] = process.argv.slice(2);
const { loadSchema } = await import(path.join(checkout, 'dist/schema/loadSchema.js'));
const { startServer } = await import(path.join(checkout, 'dist/server/index.js'));
const { QUERIES } = await import('./queries.mjs');
const dataFile = path.join(out, 'v1-todo.db');
fs.rmSync(dataFile, { force: true });
const { ir } = await loadSchema(path.join(checkout, 'fixtures/todo/instant.schema.ts'));
const appId = '6f2d3a4e-8c1b-4d2a-9e3f-1a2b3c4d5e6f';
const adminToken = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const server = await startServer({ schema: ir, dataFile, appId, adminToken, log: () => {} });
const post = async (endpoint, body) => {
  const res = await fetch(`${server.url}${endpoint}?app_id=${appId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'app-id': appId, authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`${endpoint}: ${JSON.stringify(json)}`);
  return json;
};
const id = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
await post('/admin/refresh_tokens', { email: 'ada@example.com' });
const [{ id: userId }] = (await post('/admin/query', { query: { $users: {} }, 'inference?': true })).$users;
for (let g = 0; g < 6; g++) {
  const steps = [['update', 'goals', id(100 + g), { title: `goal ${g}`, priority: g % 3, done: g % 2 === 0, ...(g % 2 ? { dueDate: `2025-0${g}-15T10:00:00Z` } : {}) }]];
  for (let k = 0; k < 4; k++) {
    const t = id(1000 + 10 * g + k);
    steps.push(['update', 'todos', t, { title: `todo ${g}.${k}`, done: k % 2 === 0, createdAt: 1_700_000_000_000 + 1000 * g + k, position: k, meta: { tags: ['x', g] } }]);
    steps.push(['link', 'goals', id(100 + g), { todos: t }]);
  }
  if (g < 3) steps.push(['link', 'goals', id(100 + g), { owner: userId }]);
  await post('/admin/transact', { steps, 'throw-on-missing-attrs?': true });
}
await post('/admin/transact', { steps: [['delete', 'todos', id(1000 + 13)]], 'throw-on-missing-attrs?': true });
const answers = [];
for (const query of QUERIES) answers.push(await post('/admin/query', { query, 'inference?': true }));
await server.close();
fs.writeFileSync(path.join(out, 'v1-answers.json'), `${JSON.stringify({ appId, adminToken, answers }, null, 1)}\n`);
console.log(`wrote ${dataFile} (${fs.statSync(dataFile).size} bytes) and ${answers.length} answers`);
