import path from 'node:path';
import type { Node } from 'ts-morph';
import { buildIR } from '../ir/buildIR.js';
import type { SchemaIR } from '../ir/types.js';
import { validateIR } from '../ir/validateIR.js';
import { evaluateSchema } from './evaluateSchema.js';
import { parseModules } from './parseModules.js';
import { checkDslCalls, readSchemaSource, type SchemaSource } from './readDslSource.js';
import { readTypeSources } from './readTypeSources.js';

export interface LoadedSchema {
  ir: SchemaIR;
  /** The schema file and every local module it imports. */
  files: string[];
}

/** Reads `instant.schema.ts`: evaluates it for structure, reads its AST for type-only facts, validates. */
export async function loadSchema(schemaFile: string): Promise<LoadedSchema> {
  const file = path.resolve(schemaFile);
  const modules = parseModules(file);
  for (const f of modules.files) checkDslCalls(modules.sourceFileOf(f)!);
  const runtime = await evaluateSchema(file, modules.instantSpecifiers, modules.files);
  const ir = buildIR(runtime, file);
  const source = readSchemaSource(modules.schema);
  mergeSource(ir, source);
  validateIR(ir);
  return { ir, files: modules.files };
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
