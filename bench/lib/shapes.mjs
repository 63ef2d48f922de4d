// Call-site shapes for the call-sites benchmark: the same statements written with the generated client and with
// @instantdb/admin, in a style unlike bench/lib/usage.mjs (loops, destructuring, helpers), one shape per file.
//
// Site k of a shape touches entity e<K>, K spread over the schema (K = 1..N-6, so that e<K> has a parent and a
// chain of children four deep). Every query's result is read, as code would.

export const SHAPES = {
  // The shape of issue 15: a where on two attributes, order, limit, two nested links, the result read; then a
  // transaction with an update and a link.
  mixed: (K, k, s) => [
    ...s.query(K, 'items', `{ $: { where: { kind: 'b', rank: { $lte: ${k} } }, order: { rank: 'asc' }, limit: 25 }, children: {}, related: {} }`),
    `  for (const item of items) use(item.slug, item.children.map((c) => c.note), item.related.length);`,
    `  const first = items[0];`,
    `  if (first) await db.transact(${s.chain(K, 'first.id')}.update({ active: false, score: ${k} }).link({ related: other }));`,
  ],
  // Four levels of nested links, and a has-one link with its own nested link.
  deep: (K, k, s) => [
    ...s.query(K, 'tree', `{ children: { children: { children: { related: {} } } }, parent: { children: { $: { order: { rank: 'desc' } } } } }`),
    `  const [root] = tree;`,
    `  use(root?.children[0]?.children[0]?.children[0]?.related[0]?.slug, root?.parent?.children.length);`,
  ],
  // `fields` at the top and in a nested link: rows carry only what was picked.
  fields: (K, k, s) => [
    ...s.query(K, 'picked', `{ $: { fields: ['slug', 'rank'], where: { active: true } }, parent: { $: { fields: ['kind'] } } }`),
    `  use(picked.map((p) => \`\${p.slug}:\${p.rank}:\${p.parent?.kind}\`));`,
  ],
  // `or` / `and` with conditions on attributes and on a link path.
  orAnd: (K, k, s) => [
    ...s.query(K, 'matches', `{ $: { where: { or: [{ slug: 's${k}' }, { rank: { $gte: ${k} } }], and: [{ active: true }, { 'parent.slug': 's${k}' }] }, limit: 5 } }`),
    `  use(matches[0]?.slug);`,
  ],
  // Conditions through links: a has-one link, a has-many link, the reverse side of a many-to-many link.
  linkPath: (K, k, s) => [
    ...s.query(K, 'linked', `{ $: { where: { 'parent.slug': 's${k}', 'children.rank': { $gt: 1 }, 'relatedFrom.active': true } } }`),
    `  use(linked.length);`,
  ],
  // Two entities in one request.
  multi: (K, k, s) => [
    `  const res = await db.query({ e${K}: { $: { where: { active: true } }, children: {} }, e${K + 1}: { $: { limit: 3 } } });`,
    `  use(res.e${K}[0]?.children[0]?.slug, res.e${K + 1}.length);`,
  ],
  // One entity by id, with a nested link (the SDK has no `get`: a where on `id`).
  get: (K, k, s) => [...s.get(K, 'one', 'other', `children: { $: { where: { note: { $isNull: false } } } }`), `  use(one?.slug, one?.children[0]?.rank);`],
  // Writes only: create, update with link, unlink, delete.
  transact: (K, k, s) => [
    `  const fresh = id();`,
    `  await db.transact([`,
    `    ${s.chain(K, 'fresh')}.create({ slug: 'n${k}', rank: ${k}, active: true, createdAt: Date.now(), data: {}, kind: 'c' }),`,
    `    ${s.chain(K, 'other')}.update({ note: null }).link({ parent: fresh }).unlink({ related: fresh }),`,
    `    ${s.chain(K + 1, 'fresh')}.delete(),`,
    `  ]);`,
  ],
};

const GENERATED = {
  query: (K, name, q) => [`  const ${name} = await db.e${K}.query(${q});`],
  get: (K, name, idExpr, inner) => [`  const ${name} = await db.e${K}.get(${idExpr}, { ${inner} });`],
  chain: (K, eid) => `db.e${K}.tx(${eid})`,
};

const OFFICIAL = {
  query: (K, name, q) => [`  const { e${K}: ${name} } = await db.query({ e${K}: ${q} });`],
  get: (K, name, idExpr, inner) => [`  const { e${K}: [${name}] } = await db.query({ e${K}: { $: { where: { id: ${idExpr} } }, ${inner} } });`],
  chain: (K, eid) => `db.tx.e${K}[${eid}]`,
};

/** The entity of site k: spread over the schema, with room for four levels of children and one more entity. */
export const shapeEntity = (k, n) => 1 + ((k * 37) % Math.max(1, n - 6));

/**
 * A usage file with `count` sites of one shape, after one plain query on e1 when `warm` (the SDK resolves its
 * schema-wide types on the first query of a file, about 4.7M instantiations at 300 entities: per-site costs are
 * measured after it). `side`: 'generated' (importPath) or 'official' (schemaPath).
 */
export function shapeUsage(shape, n, count, { side, importPath, schemaPath = './instant.schema.js', warm = true }) {
  const header =
    side === 'official'
      ? [`import { init, id } from '@instantdb/admin';`, `import schema from '${schemaPath}';`, `const db = init({ appId: 'app', adminToken: 'token', schema });`]
      : [`import { createClient, id } from '${importPath}';`, `const db = createClient({ appId: 'app', adminToken: 'token' });`];
  const out = [...header, `declare function use(...values: unknown[]): void;`, ''];
  const helpers = side === 'official' ? OFFICIAL : GENERATED;
  if (warm) out.push('export async function warm() {', ...helpers.query(1, 'rows', '{}'), '  use(rows);', '}');
  for (let k = 0; k < count; k++) {
    out.push(`export async function ${shape}${k}(other: string) {`, ...SHAPES[shape](shapeEntity(k, n), k, helpers), '}');
  }
  return out.join('\n') + '\n';
}
