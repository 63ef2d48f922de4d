import type { AttrIR, EntityIR, LinkEndIR } from '../ir/types.js';
import { attrDoc, inputType, isPresent, resultType, whereType } from './attrTypes.js';
import type { EmitContext } from './context.js';
import type { ModuleParts } from './moduleParts.js';
import { checkedParam } from './checkedParam.js';
import { block, importLine, methodSignature, quote, unionAlias } from './layout.js';
import { docText, jsPropertyKey, optionalInput, propertyKey, templateText } from './names.js';
import { readableAttrs, readOnlySystemAttrs } from './systemAttrs.js';

const RUNTIME_IMPORT = `import * as rt from '../runtime/index.js';`;

/** `entities/<entity>`: the explicit types, runtime spec and API of one entity. */
export function entityModule(ctx: EmitContext, entity: EntityIR): ModuleParts {
  const T = ctx.typeName(entity.name);
  const types = [rowTypes(ctx, entity, T), writeTypes(ctx, entity, T), queryTypes(ctx, entity, T), apiTypes(entity, T)].join('\n');
  return {
    typeImports: typeImports(ctx, entity, types),
    types,
    valueImports: [RUNTIME_IMPORT],
    values: runtimeDef(entity, T),
  };
}

const doc = (text: string) => `/** ${docText(text)} */\n`;

/** The imports of the types of linked entities that `types` uses (an unused one fails `noUnusedLocals`). */
function typeImports(ctx: EmitContext, entity: EntityIR, types: string): string[] {
  const lines = [RUNTIME_IMPORT];
  const targets = [...new Set(entity.links.map((l) => l.target))].filter((t) => t !== entity.name);
  for (const target of targets) {
    const T = ctx.typeName(target);
    const names = ['Entity', 'Filter', 'LinkLabel', 'LinkRows', 'Lookup', 'Plain', 'Subquery', 'Row'].map((s) => `${T}${s}`).filter((name) => mentions(types, name));
    if (names.length) lines.push(importLine('import type', names, quote(`./${ctx.fileName(target)}.js`)));
  }
  const used = usedUserTypes(ctx, entity);
  if (used.length) lines.push(importLine('import type', used, `'../user-types.js'`));
  return lines;
}

export const mentions = (text: string, name: string) => new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}($|[^\\w$])`, 'u').test(text);

function usedUserTypes(ctx: EmitContext, entity: EntityIR): string[] {
  const text = [entity.asType ?? '', ...entity.attrs.map((a) => a.tsType ?? '')].join(' ');
  return ctx.userTypeNames.filter((name) => mentions(text, name));
}

function linkDoc(entity: EntityIR, link: LinkEndIR): string {
  const facts = [
    `has ${link.has} \`${link.target}\``,
    `other side: \`${link.target}.${link.targetLabel}\` (has ${link.targetHas})`,
    link.required && 'required',
    link.onDelete && `onDelete: cascade (deleting the ${link.target} deletes this ${entity.name})`,
    `link \`${link.linkName}\` (${link.direction})`,
  ].filter(Boolean);
  return facts.join(' · ');
}

/** The rows of the links a query on entity `T` asks for. */
const linkRowsMapped = (T: string) => `{ [K in keyof Q & ${T}LinkLabel]: ${T}LinkRows<Q[K]>[K] }`;

/**
 * The rows of a link to entity `T`: the branches of `${T}Row<Q>` a nested query takes without `fields`, written out
 * rather than through the alias (whose instantiation, and the mappers it composes, cost ~4 instantiations a
 * level; `fields` take the alias). Laid out as prettier prints it.
 */
const linkRow = (T: string) =>
  `Q extends undefined | ${T}Plain\n? ${T}Entity\n: Q extends rt.FieldsQuery\n? ${T}Row<Q>\n: ${T}Entity & ${linkRowsMapped(T)}`;

function rowTypes(ctx: EmitContext, entity: EntityIR, T: string): string {
  const fields = readableAttrs(entity).map((a) => `${doc(attrDoc(a))}${propertyKey(a.name)}${isPresent(a) ? '' : '?'}: ${resultType(a, ctx.settings.dates)}${isPresent(a) ? '' : ' | null'};`);
  const declared = entity.declared ? '' : ' It is not declared in the schema, only linked to.';
  const base = `${doc(`A \`${entity.name}\` entity as queries return it.${declared}`)}`;
  const attrs = block([`${doc('The entity id (a UUID).')}id: string;`, ...fields]);
  const joined = entity.asType === undefined ? undefined : (entity.asTypeInIntersection ?? `(${entity.asType})`);
  const entityType = entity.asType
    ? `interface ${T}Attrs ${attrs}\n${base}export type ${T}Entity = Omit<${T}Attrs, ${T}AsTypeKeys> & ${joined} & { id: string };\ntype ${T}AsTypeKeys = rt.KeysOfEach<${entity.asType}>;`
    : `${base}export interface ${T}Entity ${attrs}`;
  const linkRows = entity.links.map((l) => {
    const row = linkRow(ctx.typeName(l.target));
    const type = l.has === 'many' ? `(${row})[]` : `\n| (${row})\n| null`;
    return `${doc(linkDoc(entity, l))}${propertyKey(l.label)}:${l.has === 'many' ? ' ' : ''}${type};`;
  });
  // Cheapest first: a query without links or `fields` (the common case, nested links included) is checked against
  // two small declared types, and its rows are the entity type itself; nothing is computed. Then links without
  // `fields`, the common nested case, after one more check, as the last branch: there `Q` is no substitution type
  // (which a true branch makes of it), and the link rows are mapped inline: an alias would be one more
  // instantiation per level. Each check costs an instantiation of `Q`, so `fields` with or without links is one
  // check, split in its branch. The picked names are inferred against this entity's own keys (the query type has
  // checked them: no `Extract`, a distributive conditional per name); a shared generic `Picked<Row, Q>` computed
  // `keyof Row` at each use and cost one more check.
  const pickedCheck = `Q extends { $: { fields: readonly (infer F extends keyof ${T}Entity)[] } }`;
  const picked = [`? Pick<${T}Entity, F | 'id'>`, `: ${T}Entity`];
  const linkRowsOf = linkRowsMapped(T);
  // Laid out as prettier prints it (nested conditional types always break).
  const row = [
    `export type ${T}Row<Q = undefined> = Q extends undefined | ${T}Plain`,
    `? ${T}Entity`,
    ': Q extends rt.FieldsQuery',
    `? Q extends ${T}LinkFree`,
    `? ${pickedCheck}`,
    ...picked,
    `: (${pickedCheck}`,
    picked[0],
    `${picked[1]}) & ${linkRowsOf}`,
    `: ${T}Entity & ${linkRowsOf};`,
  ].join('\n');
  return [
    entityType,
    `${doc(`A \`${entity.name}\` row for query \`Q\`: picked fields, plus the links the query asks for.`)}${row}`,
    `${doc('A query that asks for no links (the index signature keeps it from being a weak type: see rt.NoFieldsQuery).')}export interface ${T}LinkFree ${block([...entity.links.map((l) => `${propertyKey(l.label)}?: undefined;`), '[key: string]: unknown;'])}`,
    `${doc('A query that asks for no links and no `fields`: its rows are the entity type itself.')}export interface ${T}Plain extends ${T}LinkFree, rt.NoFieldsQuery {}`,
    unionAlias(`export type ${T}LinkLabel`, entity.links.map((l) => quote(l.label))),
    // `out`: TypeScript then relates two instantiations by their argument instead of probing the variance of each
    // linked entity's row type in turn, a walk along the link graph that overflows the stack on large schemas.
    // `_Q` without links: a type parameter nothing reads fails `noUnusedParameters` in projects that compile this file.
    `export interface ${T}LinkRows<out ${linkRows.length ? 'Q' : '_Q'}> ${block(linkRows)}`,
  ].join('\n') + '\n';
}

function writeTypes(ctx: EmitContext, entity: EntityIR, T: string): string {
  const value = (a: AttrIR) => `${inputType(a)}${a.required ? '' : ' | null'}`;
  const create = entity.attrs.map((a) => `${doc(attrDoc(a))}${propertyKey(a.name)}${isPresent(a) ? `: ${value(a)}` : `?: ${optionalInput(a.name, value(a))}`};`);
  const update = entity.attrs.map((a) => `${doc(attrDoc(a))}${propertyKey(a.name)}?: ${optionalInput(a.name, value(a))};`);
  const links = entity.links.map((l) => {
    const lookup = `${ctx.typeName(l.target)}Lookup`;
    return `${doc(linkDoc(entity, l))}${propertyKey(l.label)}?: ${optionalInput(l.label, l.has === 'many' ? `rt.ManyRefs<${lookup}>` : `rt.OneRef<${lookup}>`)};`;
  });
  const lookups = [
    ...readableAttrs(entity).filter((a) => a.unique).map((a) => `{ readonly ${propertyKey(a.name)}: ${inputType(a)} }`),
    ...entity.links.filter((l) => l.has === 'one' && l.targetHas === 'one').map((l) => `{ readonly ${propertyKey(`${l.label}.id`)}: string }`),
  ];
  return [
    `${doc(`Attributes for \`create\`: required attributes are required.`)}export interface ${T}Create ${block(create)}`,
    `${doc(`Attributes for \`update\` and \`merge\`.`)}export interface ${T}Update ${block(update)}`,
    `${doc(`Targets for \`link\` and \`unlink\`: ids, or lookups by a unique attribute.`)}export interface ${T}Links ${block(links)}`,
    `${doc(`A lookup by a unique attribute of \`${entity.name}\`, usable wherever an id is.`)}${unionAlias(`export type ${T}Lookup`, lookups)}`,
    `export type ${T}Chain = rt.EntityChain<${T}Create, ${T}Update, ${T}Links>;`,
  ].join('\n') + '\n';
}

function queryTypes(ctx: EmitContext, entity: EntityIR, T: string): string {
  const attrs = readableAttrs(entity);
  const filter = attrs.map((a) => `${doc(attrDoc(a))}${propertyKey(a.name)}?: ${optionalInput(a.name, whereType(a))};`);
  const paths = entity.links.flatMap((l) => linkWhereKeys(ctx, l));
  const orderKeys = ['serverCreatedAt', ...attrs.filter((a) => a.indexed && a.valueType !== 'json').map((a) => a.name)];
  const fields = attrs.map((a) => quote(a.name));
  const subqueries = entity.links.map((l) => `${doc(linkDoc(entity, l))}${propertyKey(l.label)}?: ${optionalInput(l.label, `${ctx.typeName(l.target)}Subquery`)};`);
  return [
    `${doc(`Conditions on the attributes of \`${entity.name}\`.`)}export interface ${T}Filter ${block([`${doc('The entity id.')}id?: rt.IdCondition;`, ...filter])}`,
    `${doc(`A \`where\` clause on \`${entity.name}\`: attributes, links, and paths through links.`)}export interface ${T}Where extends ${T}Filter ${block([...paths, `or?: readonly ${T}Where[];`, `and?: readonly ${T}Where[];`])}`,
    `${doc('`order` takes one key: an indexed attribute or `serverCreatedAt`.')}${unionAlias(`export type ${T}Order`, orderKeys.map((k) => `{ ${propertyKey(k)}: rt.SortDirection }`))}`,
    unionAlias(`export type ${T}Field`, fields),
    `export interface ${T}Options extends rt.TopLevelOptions<${T}Where, ${T}Order, ${T}Field> {}`,
    `export interface ${T}NestedOptions extends rt.NestedOptions<${T}Where, ${T}Order, ${T}Field> {}`,
    `${doc('Options of `paginate` and `pages`: `first` (and `after`) or `last` (and `before`).')}export type ${T}PageOptions = rt.PageOptions<${T}Where, ${T}Order, ${T}Field>;`,
    `${doc(`A nested query on \`${entity.name}\`.`)}export interface ${T}Subquery ${block([`$?: ${T}NestedOptions;`, ...subqueries])}`,
    `${doc(`A top-level query on \`${entity.name}\`.`)}export interface ${T}Query extends ${T}Subquery {\n$?: ${T}Options;\n}`,
  ].join('\n') + '\n';
}

/** `todos`, `todos.id`, `todos.<attr>` for each attribute of the target, and deeper paths by pattern. */
function linkWhereKeys(ctx: EmitContext, link: LinkEndIR): string[] {
  const target = ctx.entity(link.target);
  const F = `${ctx.typeName(link.target)}Filter`;
  return [
    `${doc(`Has a linked \`${link.target}\` with this id (or none, with $isNull).`)}${propertyKey(link.label)}?: ${optionalInput(link.label, 'rt.LinkCondition')};`,
    `${propertyKey(`${link.label}.id`)}?: rt.IdCondition;`,
    ...readableAttrs(target).map((a) => `${propertyKey(`${link.label}.${a.name}`)}?: ${F}[${quote(a.name)}];`),
    `[path: \`${templateText(link.label)}.\${string}.\${string}\`]: rt.DeepCondition;`,
  ];
}

/**
 * Overloads rather than an optional generic parameter: editors then complete inside the query argument.
 * The query parameter is `checkedParam`: `Q` is inferred from it, then the argument is checked against
 * the plain, non-generic query type.
 */
function apiTypes(entity: EntityIR, T: string): string {
  return `${doc(`Queries and transactions on \`${entity.name}\`.`)}export interface ${T}Api {
${doc(`Runs a query on \`${entity.name}\` (InstaQL: \`$\` options and nested links).`)}query(query?: undefined, opts?: rt.QueryOptions): Promise<${T}Row[]>;
${methodSignature(1, `query<const Q extends ${T}Query>`, [`query: ${checkedParam('Q', `${T}Query`)}`, 'opts?: rt.QueryOptions'], `Promise<${T}Row<Q>[]>`)}
${doc(`The \`${entity.name}\` with this id, or null.`)}get(id: string, query?: undefined, opts?: rt.QueryOptions): Promise<${T}Row | null>;
${methodSignature(1, `get<const Q extends ${T}Subquery>`, ['id: string', `query: ${checkedParam('Q', `${T}Subquery`)}`, 'opts?: rt.QueryOptions'], `Promise<${T}Row<Q> | null>`)}
${doc(`A live query on \`${entity.name}\`: every new result, by callback and/or \`for await\`; \`close()\` ends it.`)}subscribe(
query?: undefined,
onResult?: (payload: rt.SubscriptionPayload<${T}Row[], rt.PageInfo>) => void,
opts?: rt.QueryOptions,
): rt.Subscription<${T}Row[], rt.PageInfo>;
${methodSignature(1, `subscribe<const Q extends ${T}Query>`, [`query: ${checkedParam('Q', `${T}Query`)}`, `onResult?: (payload: rt.SubscriptionPayload<${T}Row<Q>[], rt.PageInfo>) => void`, 'opts?: rt.QueryOptions'], `rt.Subscription<${T}Row<Q>[], rt.PageInfo>`)}
${doc(`How many \`${entity.name}\` match \`where\` (Instant's \`aggregate: 'count'\`; admin only).`)}count(options?: { where?: ${T}Where }, opts?: rt.RequestOptions): Promise<number>;
${doc(`One page of \`${entity.name}\`, with the cursors of the next and previous pages.`)}${methodSignature(1, `paginate<const O extends ${T}PageOptions>`, [`options: ${checkedParam('O', `${T}PageOptions`)}`, 'opts?: rt.QueryOptions'], `Promise<rt.Page<${T}Entity, O>>`)}
${doc('Every page in turn (`for await`), each read when asked for.')}${methodSignature(1, `pages<const O extends ${T}PageOptions>`, [`options: ${checkedParam('O', `${T}PageOptions`)}`, 'opts?: rt.QueryOptions'], `AsyncIterableIterator<rt.Page<${T}Entity, O>>`)}
${doc(`Starts a transaction chain on one \`${entity.name}\`, by id or by a unique attribute: pass it to \`db.transact\`.`)}tx(id: string | ${T}Lookup): ${T}Chain;
}
`;
}

/** The spec tables are `as const`: attribute names such as `toString` would otherwise lose their literal types. */
function runtimeDef(entity: EntityIR, T: string): ModuleParts['values'] {
  const attrs = (key: (name: string) => string) => entity.attrs.map((a) => `${key(a.name)}: '${a.valueType}${a.required ? '' : a.clientRequired ? '*' : '?'}',`);
  const links = (key: (name: string) => string) => entity.links.map((l) => `${key(l.label)}: ${quote(l.has === 'many' ? `${l.target}[]` : l.target)},`);
  const system = readOnlySystemAttrs(entity);
  const readonlyAttrs = (key: (name: string) => string, asConst: string) =>
    system.length ? `readonlyAttrs: ${block(system.map((a) => `${key(a.name)}: '${a.valueType}',`))}${asConst},\n` : '';
  const spec = (asConst: string, key = asConst ? propertyKey : jsPropertyKey) =>
    `{\nname: ${quote(entity.name)},\nattrs: ${block(attrs(key))}${asConst},\n${readonlyAttrs(key, asConst)}links: ${block(links(key))},\n}`;
  return {
    ts: `export const ${T}Def = rt.defineEntity<${T}Create, ${T}Update>(${spec(' as const')});\n`,
    js: `export const ${T}Def = rt.defineEntity(${spec('')});\n`,
    dts: `export declare const ${T}Def: rt.EntityDef<${T}Create, ${T}Update>;\n`,
  };
}
