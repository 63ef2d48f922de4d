// The schema file's attrs (mapped the way the server maps a pushed schema: server/schema/schemaAttrs.ts,
// after Instant's model/schema.clj) against the live app's, one difference per entity.attr.

import type { SchemaIR } from '../ir/types.js';
import { schemaAttrSpecs } from '../server/schema/schemaAttrs.js';
import { isSystemAttr } from '../server/schema/systemCatalog.js';
import type { AttrSpec } from '../server/storage/attrs.js';
import type { LiveAttr } from './live.js';

export interface Difference {
  /** `entity.attr` */
  where: string;
  what: string;
}

export function compareAttrs(ir: SchemaIR, live: readonly LiveAttr[]): Difference[] {
  // Attrs Instant itself owns ($users.email, $files.path, ...) are not the schema's to change.
  const expected = schemaAttrSpecs(ir).filter((s) => !isSystemAttr(s.etype, s.label));
  const liveByKey = new Map(live.map((a) => [keyOf(a.etype, a.label), a]));
  const expectedKeys = new Set(expected.map((s) => keyOf(s.etype, s.label)));
  const diffs: Difference[] = [];
  for (const spec of expected) {
    const where = `${spec.etype}.${spec.label}`;
    const found = liveByKey.get(keyOf(spec.etype, spec.label));
    if (!found) diffs.push({ where, what: `${spec.valueType === 'ref' ? `link to ${spec.revEtype}.${spec.revLabel}` : 'attribute'} is in the schema but missing in the live app` });
    else diffs.push(...attrDifferences(spec, found).map((what) => ({ where, what })));
  }
  for (const a of live) {
    if (a.catalog === 'system' || expectedKeys.has(keyOf(a.etype, a.label))) continue;
    const what = a.valueType === 'ref' ? `link to ${a.revEtype}.${a.revLabel}` : 'attribute';
    diffs.push({ where: `${a.etype}.${a.label}`, what: `${what} is in the live app but not in the schema` });
  }
  return diffs.sort((x, y) => x.where.localeCompare(y.where) || x.what.localeCompare(y.what));
}

function keyOf(etype: string, label: string): string {
  return JSON.stringify([etype, label]);
}

/** Each property that differs, said as "<schema side> in the schema, <live side> in the live app". */
function attrDifferences(spec: AttrSpec, live: LiveAttr): string[] {
  const out: string[] = [];
  const both = (name: string, schema: string, app: string) => out.push(`${name}: ${schema} in the schema, ${app} in the live app`);
  const flag = (name: string, s: boolean, l: boolean) => s !== l && both(name, s ? name : `not ${name}`, l ? name : `not ${name}`);
  if (spec.valueType !== live.valueType) both('kind', spec.valueType === 'ref' ? 'a link' : 'an attribute', live.valueType === 'ref' ? 'a link' : 'an attribute');
  flag('unique', spec.unique, live.unique);
  flag('indexed', spec.indexed, live.indexed);
  flag('required', spec.required, live.required);
  if ((spec.checkedType ?? null) !== live.checkedType) both('type', spec.checkedType ?? 'unchecked (json/any)', live.checkedType ?? 'unchecked (json/any)');
  if (spec.valueType === 'ref' && live.valueType === 'ref') {
    if (spec.cardinality !== live.cardinality) both('cardinality', `has ${spec.cardinality}`, `has ${live.cardinality}`);
    const target = (e?: string, l?: string) => `${e ?? '?'}.${l ?? '?'}`;
    if (spec.revEtype !== live.revEtype || spec.revLabel !== live.revLabel) both('other end', target(spec.revEtype, spec.revLabel), target(live.revEtype, live.revLabel));
    if ((spec.onDelete ?? 'none') !== (live.onDelete ?? 'none')) both('onDelete (forward)', spec.onDelete ?? 'none', live.onDelete ?? 'none');
    if ((spec.onDeleteReverse ?? 'none') !== (live.onDeleteReverse ?? 'none')) both('onDelete (reverse)', spec.onDeleteReverse ?? 'none', live.onDeleteReverse ?? 'none');
  }
  return out;
}
