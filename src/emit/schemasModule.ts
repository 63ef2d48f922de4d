import type { EmitContext } from './context.js';
import { importLine, quote } from './layout.js';
import type { ModuleParts } from './moduleParts.js';
import { docText } from './names.js';

const ZOD_IMPORT = `import { createSchema, updateSchema } from './runtime/zod.js';`;

/**
 * `schemas`: zod schemas of every entity's create/update attributes, for validating input elsewhere (forms,
 * request bodies). A module of its own because the client does not need it: importing the client never loads zod.
 */
export function schemasModule(ctx: EmitContext): ModuleParts {
  const entities = ctx.ir.entities;
  const T = (name: string) => ctx.typeName(name);
  const from = (name: string) => quote(`./entities/${ctx.fileName(name)}.js`);
  const createDoc = (name: string) => `/** ${docText(`Validates \`create\` attributes of \`${name}\` (zod): unknown attributes, value types, required attributes.`)} */\n`;
  const updateDoc = (name: string) => `/** ${docText(`Validates \`update\`/\`merge\` attributes of \`${name}\` (zod).`)} */\n`;
  const declarations = (value: (e: string, kind: 'create' | 'update') => string) =>
    entities
      .map((e) => `${createDoc(e.name)}export ${value(e.name, 'create')}\n${updateDoc(e.name)}export ${value(e.name, 'update')}\n`)
      .join('');
  const name = (e: string, kind: 'create' | 'update') => `${T(e)}${kind === 'create' ? 'Create' : 'Update'}Schema`;
  const built = (e: string, kind: 'create' | 'update') => `const ${name(e, kind)} = ${kind}Schema(${T(e)}Def);`;
  return {
    // Only the .d.ts names the types: in a .ts module they are inferred, and an unused import would fail noUnusedLocals.
    typeImports: ctx.settings.output === 'dts' ? [`import type { ZodMiniType } from 'zod/mini';`, ...entities.map((e) => importLine('import type', [`${T(e.name)}Create`, `${T(e.name)}Update`], from(e.name)))] : [],
    types: '',
    valueImports: [ZOD_IMPORT, ...entities.map((e) => importLine('import', [`${T(e.name)}Def`], from(e.name)))],
    values: {
      ts: declarations(built),
      js: declarations(built),
      dts: declarations((e, kind) => `declare const ${name(e, kind)}: ZodMiniType<${T(e)}${kind === 'create' ? 'Create' : 'Update'}>;`),
    },
  };
}
