// instant.schema.ts and instant.perms.ts written from a backup's config.json, in the shape Instant's CLI
// writes on `pull` (instantdb/instant client/packages/platform/src/schema.ts generateSchemaTypescriptFile):
// `i.schema({ entities, links, rooms })` with the AppSchema interface, rules as a default-exported object.

import type { DefAttr, DefLinkSide, SchemaDefs } from './config.js';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const TYPES: Record<string, string> = { string: 'string', number: 'number', boolean: 'boolean', date: 'date', json: 'json', any: 'any' };

function key(name: string): string {
  return IDENT.test(name) ? name : JSON.stringify(name);
}

function attrSource(a: DefAttr): string {
  let s = `i.${TYPES[a.valueType] ?? 'any'}()`;
  if (a.config?.unique) s += '.unique()';
  if (a.config?.indexed) s += '.indexed()';
  if (!a.required) s += '.optional()';
  return s;
}

function sideSource(s: DefLinkSide): string {
  const parts = [`on: ${JSON.stringify(s.on)}`, `has: ${JSON.stringify(s.has)}`, `label: ${JSON.stringify(s.label)}`];
  if (s.required) parts.push('required: true');
  if (s.onDelete) parts.push(`onDelete: ${JSON.stringify(s.onDelete)}`);
  return `{ ${parts.join(', ')} }`;
}

const sorted = <T>(o: Record<string, T>) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function schemaFileSource(defs: SchemaDefs, from: string): string {
  const entities = sorted(defs.entities).map(([name, e]) => {
    const attrs = sorted(e.attrs ?? {}).filter(([label]) => label !== 'id');
    if (attrs.length === 0) return `    ${key(name)}: i.entity({}),`;
    return [`    ${key(name)}: i.entity({`, ...attrs.map(([label, a]) => `      ${key(label)}: ${attrSource(a)},`), '    }),'].join('\n');
  });
  const links = sorted(defs.links).map(([name, l]) =>
    [`    ${key(name)}: {`, `      forward: ${sideSource(l.forward)},`, `      reverse: ${sideSource(l.reverse)},`, '    },'].join('\n'),
  );
  return [
    `// Written by instant-codegen from ${from} (config.json). Edit freely; push it with instant-cli.`,
    '',
    "import { i } from '@instantdb/admin';",
    '',
    'const _schema = i.schema({',
    '  entities: {',
    ...entities,
    '  },',
    '  links: {',
    ...links,
    '  },',
    '  rooms: {},',
    '});',
    '',
    '// This helps TypeScript display nicer intellisense',
    'type _AppSchema = typeof _schema;',
    'interface AppSchema extends _AppSchema {}',
    'const schema: AppSchema = _schema;',
    '',
    'export type { AppSchema };',
    'export default schema;',
    '',
  ].join('\n');
}

export function permsFileSource(rules: object, from: string): string {
  return [
    `// Written by instant-codegen from ${from} (config.json rules).`,
    '',
    `const rules = ${JSON.stringify(rules, null, 2)};`,
    '',
    'export default rules;',
    '',
  ].join('\n');
}
