import fs from 'node:fs';
import path from 'node:path';
import type { Node } from 'ts-morph';
import { buildIR } from '../ir/buildIR.js';
import type { SchemaIR } from '../ir/types.js';
import { validateIR } from '../ir/validateIR.js';
import { checkShape } from './checkShape.js';
import { evaluateSchema } from './evaluateSchema.js';
import { SchemaError } from '../ir/SchemaError.js';
import { parseModules, resolveLocal, type ParsedModules } from './parseModules.js';
import { checkDslCalls, locationOf, readSchemaSource, type SchemaSource } from './readDslSource.js';
import { readTypeSources } from './readTypeSources.js';

export interface LoadedSchema {
  ir: SchemaIR;
  /** The schema file and every local module it imports. */
  files: string[];
}

/** Reads `instant.schema.ts`: evaluates it for structure, reads its AST for type-only facts, validates. */
export async function loadSchema(schemaFile: string): Promise<LoadedSchema> {
  const file = path.resolve(schemaFile);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new SchemaError(`the schema file ${file} does not exist`, undefined, 'Pass --schema with the path of your instant.schema.ts.');
  if (!stat.isFile()) throw new SchemaError(`the schema path ${file} is not a file`, undefined, 'Pass --schema with the path of your instant.schema.ts file.');
  const modules = parseModules(file);
  for (const f of modules.files) checkDslCalls(modules.sourceFileOf(f)!);
  const runtime = await evaluateSchema(file, modules.instantSpecifiers, modules.files).catch((error: unknown) => {
    throw explainEvaluationError(error, modules, file);
  });
  const source = readSchemaSource(modules.schema);
  checkShape(runtime, source, file);
  const ir = buildIR(runtime, file);
  mergeSource(ir, source);
  validateIR(ir);
  return { ir, files: modules.files };
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
  if (importOfMissing) return new SchemaError(error.message, locationOf(importOfMissing.decl), error.fix);
  const back = imports.find((i) => i.file !== schemaFile && i.specifier.startsWith('.') && resolveLocal(path.dirname(i.file), i.specifier) === schemaFile);
  if (back) {
    return new SchemaError(
      error.message,
      error.location,
      `${path.basename(back.file)} imports the schema file back (a circular import), so it runs before the schema is built and sees its exports undefined. Move what both need into a module of its own.`,
    );
  }
  return error;
}

/** Adds type arguments, `i.any` vs `i.json`, `.clientRequired()` and locations to the evaluated IR. */
function mergeSource(ir: SchemaIR, source: SchemaSource): void {
  const typeNodes: Node[] = [];
  for (const entity of ir.entities) {
    const entitySource = source.entities.get(entity.name);
    if (!entitySource) continue;
    entity.location = entitySource.location;
    if (entitySource.asType) {
      entity.asType = entitySource.asType.getText();
      typeNodes.push(entitySource.asType);
    }
    for (const attr of entity.attrs) {
      const attrSource = entitySource.attrs.get(attr.name);
      if (!attrSource) continue;
      attr.location = attrSource.location;
      attr.dsl = attrSource.dsl as typeof attr.dsl;
      attr.clientRequired = attrSource.clientRequired;
      if (attrSource.tsType) {
        attr.tsType = attrSource.tsType.getText();
        typeNodes.push(attrSource.tsType);
      }
    }
  }
  for (const link of ir.links) link.location = source.links.get(link.name);
  ir.types = readTypeSources(typeNodes);
}
