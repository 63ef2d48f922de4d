// config.json of an Instant backup (instantdb/instant server/src/instant/backup.clj `complete-streams`):
// `{counts: {ns: n}, tripleCount, schema, rules, webhooks, emailTemplates, authorizedRedirectOrigins, title,
// appId, backupAt, isn, description}`. `schema` is model/schema.clj `schema->defs`:
// `{entities: {ns: {attrs: {label: {valueType, config: {unique, indexed}, required?}}}}, links: {name: {forward, reverse}}}`.

import { BackupError } from './errors.js';
import type { RuntimeSchema } from '../../ir/buildIR.js';
import type { LinkSideIR } from '../../ir/types.js';
import { isObject } from '../json.js';

export interface DefAttr {
  valueType: string;
  config: { unique: boolean; indexed: boolean };
  required?: boolean;
}

export interface DefLinkSide {
  on: string;
  label: string;
  has: 'one' | 'many';
  onDelete?: 'cascade';
  required?: boolean;
}

export interface SchemaDefs {
  entities: Record<string, { attrs: Record<string, DefAttr> }>;
  links: Record<string, { forward: DefLinkSide; reverse: DefLinkSide }>;
}

export interface BackupConfig {
  counts: Record<string, number>;
  tripleCount?: number;
  schema: SchemaDefs;
  rules: object | null;
  webhooks: unknown[];
  emailTemplates: unknown[];
  title?: string;
  appId?: string;
  backupAt?: unknown;
  [key: string]: unknown;
}

/** Parses and checks config.json; what is wrong is named by its key. */
export function parseConfig(text: string): BackupConfig {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new BackupError(`is not JSON (${(e as Error).message}). The backup is damaged: download it again.`, 'config.json');
  }
  // restore.clj get-config-from-zip-input-stream: "expected an object with a schema key".
  if (!isObject(config) || !isObject(config.schema)) {
    throw new BackupError('is malformed: expected an object with a "schema" key (an Instant backup config).', 'config.json');
  }
  const schema = config.schema;
  if (schema.entities !== undefined && !isObject(schema.entities)) throw new BackupError('schema.entities must be an object', 'config.json');
  if (schema.links !== undefined && !isObject(schema.links)) throw new BackupError('schema.links must be an object', 'config.json');
  const counts = config.counts ?? {};
  if (!isObject(counts) || Object.values(counts).some((n) => typeof n !== 'number')) {
    throw new BackupError('counts must map each namespace to a number', 'config.json');
  }
  if (config.rules !== undefined && config.rules !== null && !isObject(config.rules)) throw new BackupError('rules must be an object or null', 'config.json');
  return {
    ...config,
    counts: counts as Record<string, number>,
    schema: { entities: (schema.entities ?? {}) as unknown as SchemaDefs['entities'], links: (schema.links ?? {}) as unknown as SchemaDefs['links'] },
    rules: (config.rules ?? null) as object | null,
    webhooks: Array.isArray(config.webhooks) ? config.webhooks : [],
    emailTemplates: Array.isArray(config.emailTemplates) ? config.emailTemplates : [],
  };
}

/** The defs as `i.schema(...)` evaluates, for buildIR: only `required: true` attrs are required. */
export function defsToRuntimeSchema(defs: SchemaDefs): RuntimeSchema {
  const entities: RuntimeSchema['entities'] = {};
  for (const [name, entity] of Object.entries(defs.entities)) {
    const attrs: RuntimeSchema['entities'][string]['attrs'] = {};
    for (const [label, a] of Object.entries(entity?.attrs ?? {})) {
      attrs[label] = { valueType: a.valueType, required: a.required === true, config: { unique: a.config?.unique === true, indexed: a.config?.indexed === true } };
    }
    entities[name] = { attrs };
  }
  const links: NonNullable<RuntimeSchema['links']> = {};
  for (const [name, link] of Object.entries(defs.links)) links[name] = { forward: side(link.forward), reverse: side(link.reverse) };
  return { entities, links };
}

function side(s: DefLinkSide): LinkSideIR {
  return { on: s.on, label: s.label, has: s.has, ...(s.required ? { required: true } : {}), ...(s.onDelete === 'cascade' ? { onDelete: 'cascade' as const } : {}) };
}
