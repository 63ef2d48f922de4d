import type { Engine } from '../engine.js';

/** The `location-id`s of an app's `$files` rows: the blobs its data references. */
export function fileLocationsOf(engine: Engine, appId: string): Set<string> {
  const attr = engine.attrs(appId).fwd('$files', 'location-id');
  const out = new Set<string>();
  if (!attr) return out;
  for (const row of engine.triples.ofAttr(appId, attr.id)) {
    const id = JSON.parse(row.value) as unknown;
    if (typeof id === 'string') out.add(id);
  }
  return out;
}
