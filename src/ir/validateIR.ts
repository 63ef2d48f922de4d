import { SchemaError } from './SchemaError.js';
import { EDITABLE_SYSTEM_NAMESPACES } from './systemNamespaces.js';
import type { LinkIR, LinkSideIR, SchemaIR } from './types.js';

/** Attributes the system defines on its editable namespaces; every other attribute there must be optional. */
const SYSTEM_ATTRS: Record<string, readonly string[]> = {
  $users: ['email', 'imageURL', 'type'],
  $files: ['path', 'url', 'size', 'content-type', 'content-disposition', 'location-id', 'key-version'],
  $streams: ['clientId', 'done', 'size', 'abortReason', 'machineId', 'hashedReconnectToken'],
};

/** The checks Instant's CLI (`validateSchema`) and server apply, reported before anything is generated. */
export function validateIR(ir: SchemaIR): void {
  const declared = new Set(ir.entities.filter((e) => e.declared).map((e) => e.name));
  for (const entity of ir.entities) {
    if (entity.system && !(EDITABLE_SYSTEM_NAMESPACES as readonly string[]).includes(entity.name)) {
      throw new SchemaError(
        `\`${entity.name}\`: the $ prefix is reserved for Instant's system namespaces`,
        entity.location ?? ir.links.find((l) => l.forward.on === entity.name || l.reverse.on === entity.name)?.location,
        `Rename the entity without a leading $ (only ${EDITABLE_SYSTEM_NAMESPACES.join(', ')} can be declared).`,
      );
    }
    for (const attr of entity.attrs) {
      if (attr.name === 'id') {
        throw new SchemaError(`\`${entity.name}.id\` is implicit and cannot be declared`, attr.location ?? entity.location, 'Remove the `id` attribute; every entity has a string id.');
      }
      if (entity.system && attr.required && !SYSTEM_ATTRS[entity.name]?.includes(attr.name)) {
        throw new SchemaError(
          `\`${entity.name}.${attr.name}\`: custom attributes on ${entity.name} must be optional`,
          attr.location ?? entity.location,
          'Add `.optional()` to the attribute.',
        );
      }
    }
  }
  for (const link of ir.links) {
    checkSide(link, 'forward', link.forward, declared);
    checkSide(link, 'reverse', link.reverse, declared);
  }
  checkDuplicateLabels(ir);
}

function checkSide(link: LinkIR, which: 'forward' | 'reverse', side: LinkSideIR, declared: Set<string>): void {
  const where = `links.${link.name}.${which}`;
  if (!side || typeof side.on !== 'string' || typeof side.label !== 'string' || side.label === '') {
    const got = side ? [`on: ${JSON.stringify(side.on) ?? 'missing'}`, `label: ${JSON.stringify(side.label) ?? 'missing'}`].join(', ') : 'no side';
    throw new SchemaError(`\`${where}\` needs \`on\` and \`label\` strings (${got})`, link.location, 'Write it as { on: "entity", has: "one" | "many", label: "name" }.');
  }
  if (side.has !== 'one' && side.has !== 'many') {
    throw new SchemaError(`\`${where}.has\` is ${JSON.stringify(side.has)}`, link.location, 'Use has: "one" or has: "many".');
  }
  if (!declared.has(side.on) && !side.on.startsWith('$')) {
    throw new SchemaError(
      `\`${where}.on\` refers to \`${side.on}\`, which is not declared in entities`,
      link.location,
      `Declare it (\`${side.on}: i.entity({})\`) or fix the name.`,
    );
  }
  if (side.onDelete !== undefined && side.onDelete !== 'cascade') {
    throw new SchemaError(`\`${where}.onDelete\` is ${JSON.stringify(side.onDelete)}`, link.location, 'The only onDelete value is "cascade".');
  }
  if (side.onDelete === 'cascade' && side.has !== 'one') {
    throw new SchemaError(
      `\`${where}\` has onDelete: "cascade" on a has: "many" side`,
      link.location,
      'Cascade is only allowed on a side with has: "one" (deleting the one entity it points to deletes this one).',
    );
  }
  if (which === 'forward' && side.required && side.on.startsWith('$')) {
    throw new SchemaError(`\`${where}\`: links from ${side.on} cannot be required`, link.location, 'Remove `required: true`, or make the link from the other side.');
  }
}

function checkDuplicateLabels(ir: SchemaIR): void {
  const owners = new Map<string, string>();
  for (const link of ir.links) {
    for (const [which, side] of [['forward', link.forward], ['reverse', link.reverse]] as const) {
      const key = `${side.on}\u0000${side.label}`;
      const previous = owners.get(key);
      if (previous) {
        throw new SchemaError(
          `\`${side.on}.${side.label}\` is defined twice (by ${previous} and links.${link.name}.${which})`,
          link.location,
          'Give every link label a unique name within its entity.',
        );
      }
      owners.set(key, `links.${link.name}.${which}`);
    }
    for (const side of [link.forward, link.reverse]) {
      const attrClash = ir.entities.find((e) => e.name === side.on)?.attrs.find((a) => a.name === side.label);
      if (attrClash) {
        throw new SchemaError(`\`${side.on}.${side.label}\` is both an attribute and a link label`, link.location, 'Rename the link label or the attribute.');
      }
    }
  }
}
