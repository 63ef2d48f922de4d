// The schema as Instant's dashboard routes give it (model/schema.clj `attrs->schema`, dash/routes.clj
// `schema-pull-get`): every attr of the app in `attrs`, and in `schema` the visible ones keyed the way
// instant-cli and @instantdb/platform read them: `blobs.<etype>.<label>` and `refs["[fe fl re rl]"]`.

import { clojureVector } from '../errors.js';
import { setKey, type JsonObject } from '../json.js';
import type { Attr } from '../storage/attrs.js';
import { attrJson } from '../http/adminRoutes.js';

/** System namespaces whose attrs users see (attr.clj `remove-hidden`). */
const VISIBLE_SYSTEM_ETYPES = new Set(['$users', '$files', '$streams']);
const HIDDEN_LABELS: Record<string, ReadonlySet<string>> = {
  $files: new Set(['content-type', 'content-disposition', 'size', 'location-id', 'key-version']),
  $streams: new Set(['machineId', 'hashedReconnectToken']),
};

function hidden(a: Attr): boolean {
  if (a.catalog === 'system' && !VISIBLE_SYSTEM_ETYPES.has(a.etype)) return true;
  return HIDDEN_LABELS[a.etype]?.has(a.label) === true;
}

/** `transform-$files-url-attr`: `$files.url` is computed, never stored, yet always there for users. */
function visibleJson(a: Attr): JsonObject {
  const json = attrJson(a);
  if (a.etype === '$files' && a.label === 'url') json['required?'] = true;
  return json;
}

export function attrsToSchema(attrs: readonly Attr[]): { refs: JsonObject; blobs: JsonObject } {
  const refs: JsonObject = {};
  const blobs: JsonObject = {};
  for (const a of attrs) {
    if (hidden(a)) continue;
    if (a.valueType === 'ref') {
      setKey(refs, clojureVector([a.etype, a.label, a.revEtype ?? '', a.revLabel ?? '']), visibleJson(a));
      continue;
    }
    // Names are user data: an entity named `__proto__` must stay an ordinary key.
    let byLabel = Object.hasOwn(blobs, a.etype) ? (blobs[a.etype] as JsonObject) : undefined;
    if (!byLabel) setKey(blobs, a.etype, (byLabel = {}));
    setKey(byLabel, a.label, visibleJson(a));
  }
  return { refs, blobs };
}

/** `GET /dash/apps/:app_id/schema/pull`. */
export function schemaPull(attrs: readonly Attr[], title: string): JsonObject {
  return { schema: attrsToSchema(attrs), attrs: attrs.map(attrJson), 'app-title': title };
}
