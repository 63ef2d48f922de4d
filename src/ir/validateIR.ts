import { SchemaError } from './SchemaError.js';
import { EDITABLE_SYSTEM_NAMESPACES } from './systemNamespaces.js';
import type { LinkIR, LinkSideIR, SchemaIR } from './types.js';

/** Attributes the system defines on its editable namespaces; every other attribute there must be optional. */
const SYSTEM_ATTRS: Record<string, readonly string[]> = {
  $users: ['email', 'imageURL', 'type'],
  $files: ['path', 'url', 'size', 'content-type', 'content-disposition', 'location-id', 'key-version'],
  $streams: ['clientId', 'done', 'size', 'abortReason', 'machineId', 'hashedReconnectToken'],
};

/**
 * The checks Instant's CLI (`validateSchema`) and server apply, reported before anything is generated: every
 * problem, as one SchemaError (see SchemaError.all), or none. `files` orders them (the schema, then its imports).
 */
export function validateIR(ir: SchemaIR, files: string[] = [ir.schemaFile]): void {
  const problems: SchemaError[] = [];
  const declared = new Set(ir.entities.filter((e) => e.declared).map((e) => e.name));
  for (const entity of ir.entities) {
    if (entity.system && !(EDITABLE_SYSTEM_NAMESPACES as readonly string[]).includes(entity.name)) {
      problems.push(
        new SchemaError(
          `\`${entity.name}\`: the $ prefix is reserved for Instant's system namespaces`,
          entity.location ?? ir.links.find((l) => l.forward.on === entity.name || l.reverse.on === entity.name)?.location,
          `Rename the entity without a leading $ (only ${EDITABLE_SYSTEM_NAMESPACES.join(', ')} can be declared).`,
        ),
      );
    }
    for (const attr of entity.attrs) {
      if (entity.system && attr.required && !SYSTEM_ATTRS[entity.name]?.includes(attr.name)) {
        problems.push(
          new SchemaError(
            `\`${entity.name}.${attr.name}\`: custom attributes on ${entity.name} must be optional`,
            attr.location ?? entity.location,
            'Add `.optional()` to the attribute.',
          ),
        );
      }
    }
  }
  for (const link of ir.links) {
    for (const which of ['forward', 'reverse'] as const) {
      const problem = sideProblem(link, which, link[which], declared);
      if (problem) problems.push(problem);
    }
  }
  // Labels are only compared between links whose sides are well formed.
  problems.push(...duplicateLabels(ir, ir.links.filter((l) => wellFormed(l.forward) && wellFormed(l.reverse))));
  const all = SchemaError.all(problems, files);
  if (all) throw all;
}

const wellFormed = (side: LinkSideIR) => !!side && typeof side.on === 'string' && typeof side.label === 'string';

/** The first problem of a link side (later checks assume the earlier ones passed), or none. */
function sideProblem(link: LinkIR, which: 'forward' | 'reverse', side: LinkSideIR, declared: Set<string>): SchemaError | undefined {
  const where = `links.${link.name}.${which}`;
  if (!side || typeof side.on !== 'string' || typeof side.label !== 'string' || side.label === '') {
    const got = side ? [`on: ${JSON.stringify(side.on) ?? 'missing'}`, `label: ${JSON.stringify(side.label) ?? 'missing'}`].join(', ') : 'no side';
    return new SchemaError(
      `\`${where}\` needs \`on\` and \`label\` strings (${got})`,
      link.location,
      'Write it as { on: "entity", has: "one" | "many", label: "name" }.',
    );
  }
  if (side.has !== 'one' && side.has !== 'many') {
    return new SchemaError(`\`${where}.has\` is ${JSON.stringify(side.has)}`, link.location, 'Use has: "one" or has: "many".');
  }
  if (!declared.has(side.on) && !side.on.startsWith('$')) {
    return new SchemaError(
      `\`${where}.on\` refers to \`${side.on}\`, which is not declared in entities`,
      link.location,
      `Declare it (\`${side.on}: i.entity({})\`) or fix the name.`,
    );
  }
  if (side.onDelete !== undefined && side.onDelete !== 'cascade') {
    return new SchemaError(`\`${where}.onDelete\` is ${JSON.stringify(side.onDelete)}`, link.location, 'The only onDelete value is "cascade".');
  }
  if (side.onDelete === 'cascade' && side.has !== 'one') {
    return new SchemaError(
      `\`${where}\` has onDelete: "cascade" on a has: "many" side`,
      link.location,
      'Cascade is only allowed on a side with has: "one" (deleting the one entity it points to deletes this one).',
    );
  }
  if (which === 'forward' && side.required && side.on.startsWith('$')) {
    return new SchemaError(
      `\`${where}\`: links from ${side.on} cannot be required`,
      link.location,
      'Remove `required: true`, or make the link from the other side.',
    );
  }
  return undefined;
}

function duplicateLabels(ir: SchemaIR, links: LinkIR[]): SchemaError[] {
  const problems: SchemaError[] = [];
  const owners = new Map<string, string>();
  for (const link of links) {
    for (const [which, side] of [
      ['forward', link.forward],
      ['reverse', link.reverse],
    ] as const) {
      const key = `${side.on}\u0000${side.label}`;
      const previous = owners.get(key);
      if (previous) {
        problems.push(
          new SchemaError(
            `\`${side.on}.${side.label}\` is defined twice (by ${previous} and links.${link.name}.${which})`,
            link.location,
            'Give every link label a unique name within its entity.',
          ),
        );
      } else {
        owners.set(key, `links.${link.name}.${which}`);
      }
    }
    for (const side of [link.forward, link.reverse]) {
      const attrClash = ir.entities.find((e) => e.name === side.on)?.attrs.find((a) => a.name === side.label);
      if (attrClash) {
        problems.push(
          new SchemaError(`\`${side.on}.${side.label}\` is both an attribute and a link label`, link.location, 'Rename the link label or the attribute.'),
        );
      }
    }
  }
  return problems;
}
