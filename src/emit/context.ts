import type { EmitSettings } from '../config/options.js';
import type { EntityIR, SchemaIR } from '../ir/types.js';
import { fileStem, pascalCase, uniqueNames } from './names.js';

/** Names the emitters agree on: type prefixes and file stems, unique and stable for a given schema. */
export interface EmitContext {
  ir: SchemaIR;
  entity(name: string): EntityIR;
  /** `goals` → `Goals`: prefix of every generated type of that entity. */
  typeName(entity: string): string;
  /** `goals` → `goals`: file name (without `.ts`) under `entities/`. */
  fileName(entity: string): string;
  /** Names of user types (from type arguments) available in `user-types.ts`. */
  userTypeNames: string[];
  settings: EmitSettings;
}

/** Type names the index itself declares; entity prefixes must not produce them. */
const INDEX_TYPES = ['Query', 'QueryRows', 'QueryPageInfo', 'QueryResult', 'Entities', 'InstantClient', 'ClientConfig', 'User', 'UserExtraFields', 'RoomPresence', 'WebhookEntities', 'WebhookRecord', 'WebhookHandlers'];

/** The names each entity's prefix makes (`PartyEntity`, `PartyRow`, ...): a user type clashes only with these. */
export const ENTITY_TYPE_SUFFIXES = [
  'Api', 'AsTypeKeys', 'Attrs', 'Chain', 'Create', 'CreateSchema', 'Def', 'Entity', 'Field', 'Filter', 'LinkFree', 'LinkLabel', 'LinkRows',
  'Links', 'Lookup', 'NestedOptions', 'Options', 'Order', 'PageOptions', 'Plain', 'Query', 'Row', 'Subquery', 'Update',
  'UpdateSchema', 'Where',
  // instant.gen/testing
  'Factory', 'FactoryInput', 'FactoryWith',
];

export function createEmitContext(ir: SchemaIR, userTypeNames: string[], settings: EmitSettings): EmitContext {
  const names = ir.entities.map((e) => e.name);
  // A user type named like a prefix (`Party` beside an entity `party`) is no clash: no generated type is the bare prefix.
  const userTypes = new Set(userTypeNames);
  const clashesWithUserType = (prefix: string) => ENTITY_TYPE_SUFFIXES.some((suffix) => userTypes.has(prefix + suffix));
  const typeNames = uniqueNames(names, pascalCase, INDEX_TYPES, clashesWithUserType);
  const fileNames = uniqueNames(names, fileStem, ['index', 'runtime', 'user-types', 'schema']);
  const byName = new Map(ir.entities.map((e) => [e.name, e]));
  return {
    ir,
    entity: (name) => byName.get(name)!,
    typeName: (name) => typeNames.get(name)!,
    fileName: (name) => fileNames.get(name)!,
    userTypeNames,
    settings,
  };
}
