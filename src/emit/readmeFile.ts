import type { AttrIR, EntityIR } from '../ir/types.js';
import { attrDoc } from './attrTypes.js';
import type { EmitContext } from './context.js';
import { GENERATED_MARKER } from './header.js';
import { memberAccess } from './names.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** `README.md` in the output folder: every entity with its attributes, links and builders, and an ER diagram. */
export function readmeFile(ctx: EmitContext, schemaPath: string): string {
  const { ir } = ctx;
  return [
    `<!-- ${GENERATED_MARKER}. Do not edit it. -->`,
    '# Generated Instant client',
    '',
    `Generated from \`${schemaPath}\`: ${ir.entities.length} entities, ${ir.links.length} links. Regenerate with \`npx instant-codegen generate\`.`,
    '',
    '```ts',
    "import { createClient, id } from './index.js';",
    'const db = createClient(); // INSTANT_APP_ID, INSTANT_APP_ADMIN_TOKEN, INSTANT_API_URI',
    '```',
    '',
    'To validate input elsewhere (forms, request bodies), `schemas.js` exports zod schemas of each entity\'s create and update attributes (`<Entity>CreateSchema`, `<Entity>UpdateSchema`). The client validates without zod and never loads it.',
    '',
    '## Diagram',
    '',
    '```mermaid',
    erDiagram(ctx),
    '```',
    '',
    '## Entities',
    '',
    ...ir.entities.flatMap((e) => entitySection(ctx, e)),
  ].join('\n');
}

function erDiagram(ctx: EmitContext): string {
  const id = (name: string) => ctx.typeName(name).replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['erDiagram'];
  for (const entity of ctx.ir.entities) {
    lines.push(`  ${id(entity.name)}["${entity.name.replace(/"/g, "'")}"] {`);
    lines.push('    string id PK');
    for (const attr of entity.attrs) lines.push(`    ${attr.valueType} ${mermaidName(attr)}${attr.unique ? ' UK' : ''}${attrComment(attr)}`);
    lines.push('  }');
  }
  for (const link of ctx.ir.links) {
    // Left: how many `forward.on` per `reverse.on`; right: how many `reverse.on` per `forward.on`.
    const left = link.reverse.has === 'one' ? '|o' : '}o';
    const right = link.forward.has === 'one' ? 'o|' : 'o{';
    const label = `${link.forward.label} / ${link.reverse.label}`.replace(/"/g, "'");
    lines.push(`  ${id(link.forward.on)} ${left}--${right} ${id(link.reverse.on)} : "${label}"`);
  }
  return lines.join('\n');
}

/** Mermaid attribute names are words; other names keep their real spelling in the comment. */
function mermaidName(attr: AttrIR): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(attr.name) ? attr.name : attr.name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_');
}

function attrComment(attr: AttrIR): string {
  const facts = [attr.name !== mermaidName(attr) && attr.name, !attr.required && 'optional', attr.indexed && 'indexed'].filter(Boolean);
  return facts.length ? ` "${facts.join(', ').replace(/"/g, "'")}"` : '';
}

function entitySection(ctx: EmitContext, entity: EntityIR): string[] {
  const T = ctx.typeName(entity.name);
  const api = `db${memberAccess(entity.name)}`;
  return [
    `### \`${entity.name}\`${entity.declared ? '' : ' (not declared in the schema, only linked to)'}`,
    '',
    '| attribute | declared as |',
    '| --- | --- |',
    '| `id` | the entity id (UUID) |',
    ...entity.attrs.map((a) => `| \`${cell(a.name)}\` | ${cell(attrDoc(a))} |`),
    '',
    ...(entity.links.length
      ? [
          '| link | to | other side |',
          '| --- | --- | --- |',
          ...entity.links.map((l) => `| \`${cell(l.label)}\` | has ${l.has} \`${cell(l.target)}\`${l.required ? ', required' : ''}${l.onDelete ? ', onDelete: cascade' : ''} | \`${cell(`${l.target}.${l.targetLabel}`)}\` |`),
          '',
        ]
      : []),
    '```ts',
    `${api}.query(query?: ${T}Query): Promise<${T}Row<typeof query>[]>`,
    `${api}.get(id: string, query?: ${T}Subquery): Promise<${T}Row<typeof query> | null>`,
    `${api}.subscribe(query?: ${T}Query, onResult?, opts?) // live: callback and/or for await; .close()`,
    `${api}.count(options?: { where?: ${T}Where }): Promise<number>`,
    `${api}.paginate(options: ${T}PageOptions): Promise<{ rows, pageInfo }> // .pages(options): every page`,
    `${api}.tx(id: string | ${T}Lookup) // .create(${T}Create) .update(${T}Update) .merge() .delete() .link(${T}Links) .unlink() .ruleParams()`,
    '```',
    '',
  ];
}
