import type { RuntimeSchema } from '../ir/buildIR.js';
import type { SourceLocation } from '../ir/types.js';
import { SchemaError } from '../ir/SchemaError.js';
import { valueKey, type SchemaSource } from './readDslSource.js';

// The evaluated schema is whatever the file built: before it becomes the IR, everything in it must be what
// `i` builds. A plain object where an attribute or entity belongs would otherwise be read as something else
// (an untyped attribute, an entity without attributes) without a word.

const VALUE_TYPES = ['string', 'number', 'boolean', 'date', 'json', 'any'];
const SIDE_KEYS = ['on', 'has', 'label', 'required', 'onDelete'];
const DSL = 'i.string(), i.number(), i.boolean(), i.date(), i.json() or i.any() (then .optional(), .unique(), .indexed())';

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** What a value is, for messages: `a plain object`, `a function`, `the string "x"`, ... */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'a plain object';
  const text = JSON.stringify(value) ?? String(value);
  return `the ${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/** Every value in `entities` and `links` that `i` did not build, as one SchemaError (in source order), or none. */
export function checkShape(schema: RuntimeSchema, source: SchemaSource, file: string, files: string[] = [file]): void {
  const problems: SchemaError[] = [];
  const fallback: SourceLocation = { file, line: 1, column: 1 };
  const at = (...path: string[]) => source.values.get(valueKey(...path)) ?? source.values.get(valueKey(path[0])) ?? fallback;
  for (const [name, entity] of Object.entries(schema.entities)) {
    if (!isObject(entity) || !isObject(entity.attrs)) {
      problems.push(
        new SchemaError(`\`entities.${name}\` is not an \`i.entity({...})\` (it is ${describeValue(entity)})`, at(name), `Write it as i.entity({ attr: i.string(), ... }).`),
      );
      continue;
    }
    for (const [attr, def] of Object.entries(entity.attrs as Record<string, unknown>)) {
      const valueType = isObject(def) ? def.valueType : undefined;
      if (!isObject(def) || typeof valueType !== 'string' || typeof def.required !== 'boolean') {
        problems.push(new SchemaError(`\`${name}.${attr}\` is not an attribute built with \`i\` (it is ${describeValue(def)})`, at(name, attr), `Use ${DSL}.`));
      } else if (!VALUE_TYPES.includes(valueType)) {
        problems.push(new SchemaError(`\`${name}.${attr}\` has the unknown value type ${JSON.stringify(valueType)}`, at(name, attr), `Use ${DSL}.`));
      }
    }
  }
  if (schema.links !== undefined && !isObject(schema.links)) {
    problems.push(new SchemaError(`\`links\` is ${describeValue(schema.links)}, not an object of links`, fallback, 'Write links: { name: { forward: {...}, reverse: {...} } }.'));
  }
  for (const [name, link] of Object.entries(isObject(schema.links) ? schema.links : {})) {
    const problem = linkProblem(name, link, source.links.get(name) ?? fallback);
    if (problem) problems.push(problem);
  }
  const all = SchemaError.all(problems, files);
  if (all) throw all;
}

function linkProblem(name: string, link: unknown, location: SourceLocation): SchemaError | undefined {
  const missing = !isObject(link) ? 'is not an object' : !isObject(link.forward) ? 'has no `forward` side' : !isObject(link.reverse) ? 'has no `reverse` side' : undefined;
  if (missing) return new SchemaError(`\`links.${name}\` ${missing}`, location, 'A link is { forward: { on, has, label }, reverse: { on, has, label } }.');
  for (const which of ['forward', 'reverse'] as const) {
    // A misspelt key (`hsa`, `lable`): name it, rather than only that `has` or `label` is missing.
    const side = (link as Record<string, Record<string, unknown>>)[which];
    const absent = ['on', 'has', 'label'].filter((k) => side[k] === undefined);
    const stray = Object.keys(side).filter((k) => !SIDE_KEYS.includes(k));
    if (absent.length && stray.length) {
      return new SchemaError(
        `\`links.${name}.${which}\` has no ${absent.map((k) => `\`${k}\``).join(', ')}, and the unknown key${stray.length > 1 ? 's' : ''} ${stray.map((k) => `\`${k}\``).join(', ')}`,
        location,
        `A link side is { ${SIDE_KEYS.map((k) => (k === 'required' || k === 'onDelete' ? `${k}?` : k)).join(', ')} }: check the spelling.`,
      );
    }
  }
  return undefined;
}
