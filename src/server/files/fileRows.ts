// `$files` rows in query results (db/instaql.clj `transform-$files-result`): a signed `url` is added
// whenever the query does not restrict `fields`, or names `url` in them; `location-id` stays only when
// `fields` are not restricted or name it (the query's `fields` handling already leaves it out otherwise).

import { setKey, type JsonObject } from '../json.js';

export function addFileUrl(
  obj: JsonObject,
  entity: JsonObject | undefined,
  fields: readonly string[] | undefined,
  fileUrl: (locationId: string) => string,
): void {
  if (fields && !fields.includes('url')) return;
  const locationId = entity?.['location-id'];
  if (typeof locationId === 'string') setKey(obj, 'url', fileUrl(locationId));
}
