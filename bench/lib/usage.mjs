// Usage files for the typecheck and editor benchmarks: the same call sites written twice, once with
// the generated client and once with @instantdb/admin (init({ appId, adminToken, schema })).
//
// Call site k (k = 0..count-1) touches entity e<K> with K spread over the schema (1..N-2, so that
// e<K> has both a `parent` and `children`). Even sites are nested queries (where with operators, a
// link path, order, limit; a nested link with its own where/order; a has-one link), odd sites are
// transactions (update + link, a second chain with unlink). Each result is read, as code would.

export function entityFor(k, n) {
  return 1 + ((k * 37) % Math.max(1, n - 2));
}

function querySite(k) {
  return `{
    $: { where: { rank: { $gt: ${k} }, active: true, kind: { $in: ['a', 'b'] }, 'parent.slug': 's${k}' }, order: { createdAt: 'desc' }, limit: 10 },
    children: { $: { where: { note: { $isNull: false } }, order: { rank: 'asc' } }, related: {} },
    parent: {},
  }`;
}

const update = (k) => `{ rank: ${k}, note: 'n${k}', kind: 'b', data: { k: ${k} } }`;

/**
 * `markers` (editor benchmark) marks two positions in the first query, `/*where*\/` and `/*nested*\/`, and adds
 * one statement with `/*whereQuery*\/`: a where in the multi-entity `db.query({ eK: ... })` form.
 */
export function usageGenerated(n, count, { importPath = './instant.gen/index.js', markers = false } = {}) {
  return usageFile(n, count, markers, {
    header: [`import { createClient, id } from '${importPath}';`, `const db = createClient({ appId: 'app', adminToken: 'token' });`],
    query: (K, q) => `const rows = await db.e${K}.query(${q});`,
    chain: (K, eid) => `db.e${K}.tx(${eid})`,
  });
}

export function usageOfficial(n, count, { schemaPath = './instant.schema.js', markers = false } = {}) {
  return usageFile(n, count, markers, {
    header: [
      `import { init, id } from '@instantdb/admin';`,
      `import schema from '${schemaPath}';`,
      `const db = init({ appId: 'app', adminToken: 'token', schema });`,
    ],
    query: (K, q) => `const { e${K}: rows } = await db.query({ e${K}: ${q} });`,
    chain: (K, eid) => `db.tx.e${K}[${eid}]`,
  });
}

/** The call sites, identical on both sides but for how a client is created, queried and written to. */
function usageFile(n, count, markers, side) {
  const out = [...side.header, `declare function use(...values: unknown[]): void;`, ''];
  for (let k = 0; k < count; k++) {
    const K = entityFor(k, n);
    if (k % 2 === 0) {
      let q = querySite(k);
      if (markers && k === 0) q = q.replace('where: { rank', 'where: { /*where*/rank').replace('related: {}', '/*nested*/related: {}');
      out.push(`export async function site${k}() {`, `  ${side.query(K, q)}`);
      out.push(`  use(rows[0]?.slug, rows[0]?.children[0]?.related[0]?.rank, rows[0]?.parent?.kind);`);
      if (markers && k === 0) out.push(`  use(await db.query({ e${K}: { $: { where: { /*whereQuery*/rank: 1 } } } }));`);
      out.push('}');
    } else {
      out.push(`export async function site${k}(target: string) {`, `  const x = id();`);
      out.push(`  await db.transact([`);
      out.push(`    ${side.chain(K, 'x')}.update(${update(k)}).link({ parent: target, related: [target] }),`);
      out.push(`    ${side.chain(K, 'target')}.unlink({ children: x }),`);
      out.push('  ]);', '}');
    }
  }
  return out.join('\n') + '\n';
}
