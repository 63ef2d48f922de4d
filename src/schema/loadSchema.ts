import fs from 'node:fs';
import path from 'node:path';
import type { ts as TS } from 'ts-morph';
import { buildIR, type RuntimeSchema } from '../ir/buildIR.js';
import type { AttrIR, SchemaIR } from '../ir/types.js';
import { validateIR } from '../ir/validateIR.js';
import { checkShape } from './checkShape.js';
import { evaluateSchema } from './evaluateSchema.js';
import { SchemaError } from '../ir/SchemaError.js';
import { parseModules, type ParsedModules } from './parseModules.js';
import { dslCallProblems, locationOf, readSchemaSource, valueKey, type AttrSource, type SchemaSource } from './readDslSource.js';
import { readTypeSources } from './readTypeSources.js';

export interface LoadedSchema {
  ir: SchemaIR;
  /** The schema file and every local module it imports. */
  files: string[];
  /** What the output depends on: `files`, and the tsconfig files that say where path aliases lead. */
  inputs: string[];
  /** What is accepted but worth saying (a declared `id`), at most one of each kind. */
  warnings: SchemaError[];
}

/** Reads `instant.schema.ts`: evaluates it for structure, reads its AST for type-only facts, validates. */
export async function loadSchema(schemaFile: string): Promise<LoadedSchema> {
  const file = path.resolve(schemaFile);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new SchemaError(`the schema file ${file} does not exist`, undefined, 'Pass --schema with the path of your instant.schema.ts.');
  if (!stat.isFile()) throw new SchemaError(`the schema path ${file} is not a file`, undefined, 'Pass --schema with the path of your instant.schema.ts file.');
  const modules = parseModules(file);
  const dslProblems = SchemaError.all(modules.files.flatMap((f) => dslCallProblems(modules.sourceFileOf(f)!)), modules.files);
  if (dslProblems) throw dslProblems;
  const runtime = await evaluateSchema(file, modules.instantSpecifiers, modules.files, modules).catch((error: unknown) => {
    throw explainEvaluationError(error, modules, file);
  });
  const source = readSchemaSource(modules.schema, modules);
  checkShape(runtime, source, file, modules.files);
  const warnings = [declaredIds(runtime, source, file)].filter((w) => w !== undefined);
  const ir = buildIR(runtime, file);
  mergeSource(ir, source, modules);
  validateIR(ir, modules.files);
  return { ir, files: modules.files, inputs: [...modules.files, ...modules.configFiles], warnings };
}

/** One warning for every `id: i.string()` declared on an entity (ignored: see buildIR). */
function declaredIds(runtime: RuntimeSchema, source: SchemaSource, file: string): SchemaError | undefined {
  const names = Object.keys(runtime.entities).filter((name) => Object.hasOwn(runtime.entities[name].attrs, 'id'));
  if (names.length === 0) return undefined;
  const where = source.values.get(valueKey(names[0], 'id')) ?? source.entities.get(names[0])?.location ?? { file, line: 1, column: 1 };
  const list = names.map((n) => `\`${n}.id\``).join(', ');
  return new SchemaError(
    `${list} ${names.length > 1 ? 'are' : 'is'} ignored: every entity has an implicit string \`id\``,
    where,
    'Remove the declaration; Instant ignores it too.',
  );
}

/**
 * Evaluation errors, placed and explained with what only the source shows: the import of a module that is
 * missing, and a module that imports the schema file back (its imports are then not built yet).
 */
function explainEvaluationError(error: unknown, modules: ParsedModules, schemaFile: string): unknown {
  if (!(error instanceof SchemaError)) return error;
  const imports = modules.files.flatMap((file) => {
    const sourceFile = modules.sourceFileOf(file)!;
    return [...sourceFile.getImportDeclarations(), ...sourceFile.getExportDeclarations()].flatMap((decl) => {
      const specifier = decl.getModuleSpecifierValue();
      return specifier === undefined ? [] : [{ file, decl, specifier }];
    });
  });
  const missing = /Cannot find module '([^']+)'/.exec(error.message)?.[1];
  const importOfMissing = missing && imports.find((i) => i.specifier === missing);
  if (importOfMissing) return new SchemaError(error.message, locationOf(importOfMissing.decl), missingModuleFix(importOfMissing, modules) ?? error.fix);
  const back = imports.find((i) => i.file !== schemaFile && modules.resolveImport(i.file, i.specifier) === schemaFile);
  if (back) {
    return new SchemaError(
      error.message,
      error.location,
      `${path.basename(back.file)} imports the schema file back (a circular import), so it runs before the schema is built and sees its exports undefined. Move what both need into a module of its own.`,
    );
  }
  return error;
}

/** For a path alias (tsconfig `paths`) that leads nowhere jiti can load: what to do about it. */
function missingModuleFix(imported: { file: string; specifier: string }, modules: ParsedModules): string | undefined {
  if (imported.specifier.startsWith('.')) return undefined;
  const target = modules.resolveImport(imported.file, imported.specifier);
  if (target && /\.d\.[cm]?ts$/.test(target)) {
    return `\`${imported.specifier}\` leads (tsconfig \`paths\`) to ${path.basename(target)}, a declaration file, which has no values when the schema runs: import its types with \`import type\`, or point the alias to a module with code.`;
  }
  return undefined;
}

/** Adds type arguments, `i.any` vs `i.json`, `.clientRequired()` and locations to the evaluated IR. */
function mergeSource(ir: SchemaIR, source: SchemaSource, modules: ParsedModules): void {
  const typeNodes: TS.Node[] = [];
  for (const entity of ir.entities) {
    const entitySource = source.entities.get(entity.name);
    if (!entitySource) continue;
    entity.location = entitySource.location;
    if (entitySource.asType) {
      entity.asType = entitySource.asType.getText();
      typeNodes.push(entitySource.asType);
    }
    for (const attr of entity.attrs) typeNodes.push(...mergeAttrSource(attr, entitySource.attrs.get(attr.name)));
  }
  for (const link of ir.links) link.location = source.links.get(link.name);
  for (const room of ir.rooms) {
    const presence = source.presence.get(room.name);
    for (const attr of presence ? room.presence : []) typeNodes.push(...mergeAttrSource(attr, presence!.attrs.get(attr.name)));
  }
  ir.types = readTypeSources(typeNodes, modules, modules.files);
}

/** What only the source knows about one attribute; returns its type argument's node, if any. */
function mergeAttrSource(attr: AttrIR, attrSource: AttrSource | undefined): TS.Node[] {
  if (!attrSource) return [];
  attr.location = attrSource.location;
  attr.dsl = attrSource.dsl as typeof attr.dsl;
  attr.clientRequired = attrSource.clientRequired;
  if (!attrSource.tsType) return [];
  attr.tsType = attrSource.tsType.getText();
  return [attrSource.tsType];
}
