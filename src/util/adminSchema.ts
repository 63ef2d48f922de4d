// The answer of `GET /admin/schema` (instant/admin/routes.clj schema-get, shaped by model/schema.clj
// attrs->schema), read by everything that looks at a live app's attrs: doctor, exports through the admin API.

/** One attr as `GET /admin/schema` describes it. */
export interface AdminSchemaAttr {
  etype: string;
  label: string;
  valueType: string;
  cardinality: string;
  unique: boolean;
  indexed: boolean;
  required: boolean;
  checkedType: string | null;
  catalog: string;
  revEtype?: string;
  revLabel?: string;
  onDelete?: string;
  onDeleteReverse?: string;
}

type JsonAttr = Record<string, unknown>;

/** `{schema: {refs: {"a-b-c-d": attr}, blobs: {etype: {label: attr}}}}` → flat attrs. */
export function parseSchemaResponse(body: unknown): AdminSchemaAttr[] {
  const schema = (body as { schema?: { refs?: Record<string, JsonAttr>; blobs?: Record<string, Record<string, JsonAttr>> } })?.schema;
  if (!schema || typeof schema !== 'object') throw new Error('no "schema" key');
  const attrs = [...Object.values(schema.refs ?? {}), ...Object.values(schema.blobs ?? {}).flatMap((byLabel) => Object.values(byLabel ?? {}))];
  return attrs.map(toAttr);
}

function toAttr(a: JsonAttr): AdminSchemaAttr {
  const fwd = a['forward-identity'] as unknown[] | undefined;
  const rev = a['reverse-identity'] as unknown[] | undefined;
  if (!Array.isArray(fwd) || fwd.length < 3) throw new Error(`an attr without forward-identity: ${JSON.stringify(a).slice(0, 200)}`);
  const out: AdminSchemaAttr = {
    etype: String(fwd[1]),
    label: String(fwd[2]),
    valueType: String(a['value-type']),
    cardinality: String(a.cardinality),
    unique: a['unique?'] === true,
    indexed: a['index?'] === true,
    required: a['required?'] === true,
    checkedType: typeof a['checked-data-type'] === 'string' ? a['checked-data-type'] : null,
    catalog: typeof a.catalog === 'string' ? a.catalog : 'user',
  };
  if (Array.isArray(rev) && rev.length >= 3) {
    out.revEtype = String(rev[1]);
    out.revLabel = String(rev[2]);
  }
  if (typeof a['on-delete'] === 'string') out.onDelete = a['on-delete'];
  if (typeof a['on-delete-reverse'] === 'string') out.onDeleteReverse = a['on-delete-reverse'];
  return out;
}
