// `testing`: the generated entry of the test kit. `createTestApp()` is instant-codegen/testing's, with this
// client, the schema it was generated from, and typed factories (`t.factory.goals.create(...)`) whose
// table (which attributes to fill, which links to build) is written here from the IR.

import { factorySpecs, type FactorySpecs } from '../ir/factorySpecs.js';
import type { EmitContext } from './context.js';
import type { ModuleParts } from './moduleParts.js';
import { block, importLine, methodSignature, quote } from './layout.js';
import { docText, jsPropertyKey, optionalInput, propertyKey } from './names.js';

const KIT_IMPORT = `import * as kit from 'instant-codegen/testing';`;

const doc = (text: string) => `/** ${docText(text)} */\n`;

/** `schemaPath`: the schema file relative to the output folder, with forward slashes. */
export function testingModule(ctx: EmitContext, schemaPath: string): ModuleParts {
  const specs = factorySpecs(ctx.ir);
  const names = Object.keys(specs);
  const T = (name: string) => ctx.typeName(name);
  const imported = ['InstantClient', ...names.flatMap((n) => ['Create', 'Links', 'Row'].map((s) => T(n) + s))];
  const types = [...names.map((n) => factoryTypes(ctx, specs, n)), apiTypes(ctx, names)].join('\n');
  const schemaUrl = `new URL(${quote(schemaPath)}, import.meta.url)`;
  const reexport = `export { closeTestServer } from 'instant-codegen/testing';\n`;
  const body = (typed: boolean) => `${reexport}
${doc('Which attributes each factory fills, and the links it can build (from the schema).')}export const factorySpecs${typed ? ': kit.FactorySpecs' : ''} = ${literal(specs, typed ? propertyKey : jsPropertyKey)}${typed ? ' as const' : ''};

/** The schema this client was generated from: the default of \`createTestApp\`. */
const schema = ${schemaUrl};

${createDoc}export function createTestApp(options${typed ? '?: TestAppOptions): Promise<TestApp>' : ')'} {
  const { factory, ...rest } = options ?? {};
  const app = kit.createTestApp({
    ...rest,
    schema: rest.schema ?? schema,
    createClient,
    factory: { ...factory, specs: factorySpecs },
    via: import.meta.url,
  });
  return app${typed ? ' as Promise<unknown> as Promise<TestApp>' : ''};
}

${factoriesDoc}export function createFactories(db${typed ? ': InstantClient' : ''}, options${typed ? '?: kit.FactorySetOptions): Factories' : ')'} {
  const factories = kit.createFactories(db${typed ? ' as unknown as kit.FactoryClient' : ''}, factorySpecs, options);
  return factories${typed ? ' as unknown as Factories' : ''};
}
`;
  return {
    typeImports: [KIT_IMPORT, importLine('import type', imported, `'./index.js'`)],
    types,
    valueImports: [KIT_IMPORT, `import { createClient } from './index.js';`],
    values: {
      ts: body(true),
      js: body(false),
      dts: `${reexport}
${doc('Which attributes each factory fills, and the links it can build (from the schema).')}export declare const factorySpecs: kit.FactorySpecs;
${createDoc}export declare function createTestApp(options?: TestAppOptions): Promise<TestApp>;
${factoriesDoc}export declare function createFactories(db: InstantClient, options?: kit.FactorySetOptions): Factories;
`,
    },
  };
}

const createDoc = doc(
  'An isolated app on the shared in-process test server: `t.db` is this client, `t.factory` makes entities, ' +
    '`t.reset()`, `t.seed(...)`, `t.asUser(...)`, `t.mailbox`, `t.close()`. The schema defaults to the one this client was generated from.',
);
const factoriesDoc = doc('Factories over a client of your own (e.g. to fill a `serve` instance with data).');

/**
 * The factory table as an object literal laid out as prettier prints it (one key per line, kept expanded),
 * so the module can skip prettier. In .ts it is \`as const\`: a key named like an Object member
 * (\`constructor\`) gets no contextual type from the annotation, and its strings would widen.
 */
function literal(value: object, key: (name: string) => string): string {
  return block(Object.entries(value).map(([k, v]) => `${key(k)}: ${typeof v === 'object' ? literal(v, key) : typeof v === 'string' ? quote(v) : String(v)},`));
}

/** Attributes the factory cannot make up (typed by the schema, `i.json<T>()`): required in the input. */
const givenAttrs = (specs: FactorySpecs, name: string) => Object.entries(specs[name].attrs).filter(([, f]) => 'given' in f).map(([a]) => a);

function factoryTypes(ctx: EmitContext, specs: FactorySpecs, name: string): string {
  const T = ctx.typeName(name);
  const given = givenAttrs(specs, name);
  const filled = Object.keys(specs[name].attrs).filter((a) => !given.includes(a));
  const input = `${T}FactoryInput`;
  const opt = given.length ? '' : '?';
  const withLines = Object.entries(specs[name].links).map(([label, link]) => {
    const I = `${ctx.typeName(link.target)}FactoryInput`;
    const needsInput = givenAttrs(specs, link.target).length > 0;
    const value = link.has === 'many' ? (needsInput ? `readonly ${I}[]` : `kit.ManyWith<${I}>`) : needsInput ? I : `kit.OneWith<${I}>`;
    return `${doc(`Builds ${link.has === 'many' ? 'several' : 'one'} \`${link.target}\` linked as \`${label}\`${link.required ? ' (required: built when not given)' : ''}.`)}${propertyKey(label)}?: ${optionalInput(label, value)};`;
  });
  const options = `kit.FactoryOptions<W, ${T}FactoryWith, ${T}Links>`;
  const row = `${T}Row<kit.WithQuery<W>>`;
  const fills = filled.length ? `fills ${filled.map((a) => `\`${a}\``).join(', ')}` : 'fills no attribute';
  const needs = given.length ? `; you give ${given.map((a) => `\`${a}\``).join(', ')}` : '';
  return `${doc(`Overrides for \`factory.${name}\`: any attribute, and \`id\`${given.length ? `; ${given.join(', ')} required` : ''}.`)}export type ${input} = kit.FactoryInput<${T}Create${given.length ? `, ${given.map(quote).join(' | ')}` : ''}>;
${doc(`\`with\` of \`factory.${name}\`: linked entities to build along.`)}export interface ${T}FactoryWith ${block(withLines)}
${doc(`\`t.factory.${name}\`: ${fills}${needs}.`)}export interface ${T}Factory {
${doc(`The attributes of the next \`${name}\` (overrides over made-up values) and its id, without writing it.`)}${methodSignature(1, 'build', [`overrides${opt}: ${input}`], `${T}Create & { id: string }`)}
${doc(`Creates a \`${name}\` (and what \`with\` asks for) in one transaction; returns it as \`get\` does, with the \`with\` links.`)}${methodSignature(1, `create<const W extends ${T}FactoryWith = {}>`, [`overrides${opt}: ${input}`, `options?: ${options}`], `Promise<${row}>`)}
${doc(`Creates \`count\` of them in one transaction; overrides may depend on the index.`)}${methodSignature(1, `createMany<const W extends ${T}FactoryWith = {}>`, ['count: number', `overrides${opt}: ${input} | ((index: number) => ${input})`, `options?: ${options}`], `Promise<${row}[]>`)}
}
`;
}

function apiTypes(ctx: EmitContext, names: readonly string[]): string {
  return `${doc('One factory per entity: deterministic values (a `seed` makes them reproducible), unique attributes kept unique.')}export interface Factories ${block(names.map((n) => `${propertyKey(n)}: ${ctx.typeName(n)}Factory;`))}
type KitOptions = Omit<kit.TestAppOptions<InstantClient>, 'schema' | 'createClient' | 'factory' | 'via'>;
export interface TestAppOptions extends KitOptions {
${doc('`instant.schema.ts`: by default the schema this client was generated from.')}schema?: kit.FileRef;
${doc('`{ seed }`: the same seed gives the same ids and values on every run and machine (default 0).')}factory?: kit.FactorySetOptions;
}
export interface TestApp extends kit.TestApp<InstantClient, Factories> {}
`;
}
