import {
  hasAttr,
  linkTargetOf,
  parseAttrSpec,
  type EntityDef,
  type EntitySpec,
  type ValueType,
} from './entity.js';
import { InstantValidationError } from './errors.js';
import { DATE_EXPECTED, isDateValue } from './values.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUUID(value: unknown): boolean {
  return typeof value === 'string' && UUID.test(value);
}

function fail(issues: string[]): never {
  throw new InstantValidationError(
    issues.length === 1 ? String(issues[0]) : `${issues.length} problems:\n- ${issues.join('\n- ')}`,
    issues,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  return typeof value === 'string'
    ? `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
    : typeof value;
}

const EXPECTED: Record<ValueType, [string, (value: unknown) => boolean]> = {
  string: ['string', (v) => typeof v === 'string'],
  number: ['number', (v) => typeof v === 'number' && Number.isFinite(v)],
  boolean: ['boolean', (v) => typeof v === 'boolean'],
  date: [DATE_EXPECTED, isDateValue],
  json: ['a JSON value', (v) => v !== undefined],
};

/**
 * Checks `create` (`partial: false`) or `update`/`merge` attributes against the entity's spec and reports
 * each problem as `entity.attr: problem`: attrs in schema order, then unknown attributes.
 */
export function checkAttrs(def: EntitySpec, action: string, value: unknown, partial: boolean): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail([`${def.name}: expected an object of attributes, got ${describe(value)} in ${action}.`]);
  const input = value as Record<string, unknown>;
  // Own keys only: an attribute named like an inherited member (`toString`, `constructor`) must not see it.
  const own = (key: string) => (Object.prototype.hasOwnProperty.call(input, key) ? input[key] : undefined);
  const issues: string[] = [];
  for (const [name, spec] of Object.entries(def.attrs)) {
    const received = own(name);
    const { type, nullable, optional } = parseAttrSpec(spec);
    if (received === undefined) {
      if (!partial && !optional) issues.push(`${def.name}.${name}: required attribute missing in ${action}.`);
      continue;
    }
    const [expected, ok] = EXPECTED[type];
    // JSON null is a JSON value, so even a required JSON attribute takes it.
    if (received === null ? !nullable && type !== 'json' : !ok(received))
      issues.push(`${def.name}.${name}: expected ${expected}, got ${describe(received)} in ${action}.`);
  }
  const isOwn = (o: object | undefined, key: string) => !!o && Object.prototype.hasOwnProperty.call(o, key);
  for (const key of Object.keys(input).filter((k) => isOwn(def.readonlyAttrs, k)))
    issues.push(
      `${def.name}.${key}: set by Instant's storage, so ${action} can't write it (only \`path\` can change).`,
    );
  const unknown = Object.keys(input).filter(
    (key) => !isOwn(def.attrs, key) && !isOwn(def.readonlyAttrs, key),
  );
  if (unknown.length)
    issues.push(
      `${unknown.map((k) => `${def.name}.${k}`).join(', ')}: unknown attribute in ${action}; the schema has no such attribute (regenerate the client if you just added it).`,
    );
  if (issues.length) fail(issues);
}

/** Link labels must exist; has-one takes one target; targets are ids or single-key lookups. */
export function checkLinks(def: EntityDef, action: string, links: Readonly<Record<string, unknown>>): void {
  const issues: string[] = [];
  for (const [label, targets] of Object.entries(links)) {
    const link = linkTargetOf(def, label);
    if (!link) {
      issues.push(
        `${def.name}.${label}: unknown link in ${action}; links of ${def.name}: ${Object.keys(def.links).join(', ') || '(none)'}.`,
      );
      continue;
    }
    if (Array.isArray(targets) && !link.many)
      issues.push(
        `${def.name}.${label}: has one ${link.target}, so ${action} takes a single id, not an array.`,
      );
    for (const target of Array.isArray(targets) ? targets : [targets]) {
      const ok =
        isUUID(target) ||
        (target !== null &&
          typeof target === 'object' &&
          !Array.isArray(target) &&
          Object.keys(target).length === 1);
      if (!ok)
        issues.push(
          `${def.name}.${label}: ${describe(target)} is neither a UUID nor a lookup like { attr: value }.`,
        );
    }
  }
  if (issues.length) fail(issues);
}

const TOP_LEVEL_OPTIONS = new Set([
  'where',
  'order',
  'limit',
  'first',
  'last',
  'offset',
  'before',
  'after',
  'beforeInclusive',
  'afterInclusive',
  'fields',
]);
const NESTED_OPTIONS = new Set(['where', 'order', 'fields']);

/** Checks a query's shape against the schema: what the types promise, enforced for untyped callers too. */
export function checkQuery(
  defs: Readonly<Record<string, EntityDef>>,
  query: Readonly<Record<string, unknown>>,
): void {
  const issues: string[] = [];
  for (const [name, sub] of Object.entries(query)) {
    const def = Object.prototype.hasOwnProperty.call(defs, name) ? defs[name] : undefined;
    if (!def) issues.push(`${name}: unknown entity; entities: ${Object.keys(defs).join(', ')}.`);
    else checkSubquery(defs, def, sub, name, true, issues);
  }
  if (issues.length) fail(issues);
}

function checkSubquery(
  defs: Readonly<Record<string, EntityDef>>,
  def: EntityDef,
  sub: unknown,
  path: string,
  top: boolean,
  issues: string[],
): void {
  if (sub === null || typeof sub !== 'object' || Array.isArray(sub)) {
    issues.push(`${path}: expected an object, got ${describe(sub)}.`);
    return;
  }
  for (const [key, value] of Object.entries(sub)) {
    if (key === '$') {
      checkOptions(defs, def, value, `${path}.$`, top, issues);
      continue;
    }
    const link = linkTargetOf(def, key);
    const target = link && defs[link.target];
    if (!target)
      issues.push(
        `${path}.${key}: ${def.name} has no link \`${key}\`; links: ${Object.keys(def.links).join(', ') || '(none)'}.`,
      );
    else checkSubquery(defs, target, value, `${path}.${key}`, false, issues);
  }
}

function checkOptions(
  defs: Readonly<Record<string, EntityDef>>,
  def: EntityDef,
  options: unknown,
  path: string,
  top: boolean,
  issues: string[],
): void {
  if (options === null || typeof options !== 'object')
    return void issues.push(`${path}: expected an object.`);
  const allowed = top ? TOP_LEVEL_OPTIONS : NESTED_OPTIONS;
  for (const [key, value] of Object.entries(options)) {
    if (key === 'aggregate')
      issues.push(
        `${path}.aggregate: not allowed in a query; count with \`db.${def.name}.count({ where })\` (admin only).`,
      );
    else if (!allowed.has(key))
      issues.push(
        `${path}.${key}: not allowed ${top ? 'in a query' : 'in a nested query (pagination is top-level only)'}.`,
      );
    else if (key === 'where') checkWhere(defs, def, value, `${path}.where`, issues);
    else if (key === 'fields' && Array.isArray(value)) {
      for (const field of value)
        if (!hasAttr(def, String(field)))
          issues.push(`${path}.fields: ${def.name} has no attribute \`${field}\`.`);
    }
  }
}

function checkWhere(
  defs: Readonly<Record<string, EntityDef>>,
  def: EntityDef,
  where: unknown,
  path: string,
  issues: string[],
): void {
  if (where === null || typeof where !== 'object' || Array.isArray(where))
    return void issues.push(`${path}: expected an object.`);
  for (const [key, value] of Object.entries(where)) {
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value) || value.length === 0)
        issues.push(`${path}.${key}: expected a non-empty array of where clauses.`);
      else value.forEach((clause, i) => checkWhere(defs, def, clause, `${path}.${key}[${i}]`, issues));
      continue;
    }
    const resolved = resolvePath(defs, def, key);
    if (typeof resolved === 'string') issues.push(`${path}.${key}: ${resolved}`);
    else if (resolved.isId) checkIdCondition(value, `${path}.${key}`, issues);
    if (value === null) issues.push(`${path}.${key}: null is not a valid value; use { $isNull: true }.`);
  }
}

/** Walks a dotted path (`todos.goal.title`); returns an error text or what the last segment is. */
function resolvePath(
  defs: Readonly<Record<string, EntityDef>>,
  def: EntityDef,
  key: string,
): string | { isId: boolean } {
  let current = def;
  const segments = key.split('.');
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const link = linkTargetOf(current, segment);
    if (link) {
      const target = defs[link.target];
      if (!target) return `${current.name}.${segment} links to ${link.target}, which is not in the schema.`;
      if (last) return { isId: true };
      current = target;
      continue;
    }
    if (last && hasAttr(current, segment)) return { isId: segment === 'id' };
    return `${current.name} has no attribute or link \`${segment}\`.`;
  }
  return { isId: false };
}

function checkIdCondition(value: unknown, path: string, issues: string[]): void {
  const values =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.values(value).flat()
      : [value];
  for (const v of values)
    if (typeof v === 'string' && !isUUID(v)) issues.push(`${path}: expected a UUID, got ${describe(v)}.`);
}
