// `$files` as Instant keeps them (storage/coordinator.clj, model/app_file.clj): an upload streams the
// bytes into a new blob (a fresh `location-id`), then upserts the `$files` row by `path` in one
// transaction, so replacing a path keeps the file's id and points it at the new blob; the old blob is
// deleted once that commit is durable (sweeper.ts). Impersonated uploads and deletes are checked against
// the app's `$files` rules with `data.path` (coordinator.clj `assert-storage-permission!`).

import { randomUUID } from 'node:crypto';
import { InstantError, paramMalformed, validationError } from '../errors.js';
import { encode, type Json, type JsonObject } from '../json.js';
import type { Engine } from '../engine.js';
import type { Requester } from '../permissions.js';
import { RulesPolicy } from '../permissions/policy.js';
import { evaluateProgram } from '../permissions/evaluate.js';
import { passes } from '../permissions/cel.js';
import { QueryReader } from '../query/reader.js';
import type { AttrIndex } from '../storage/attrs.js';
import type { TxStep } from '../transact/txSteps.js';
import type { DirBlobStore } from './blobStore.js';
import type { BlobSweeper } from './sweeper.js';
import type { UrlCheck, UrlSigner } from './signedUrls.js';

/** Default largest file: 1 GiB (Instant sets no limit of its own; S3 takes up to 5 TB). */
export const DEFAULT_MAX_FILE_BYTES = 1024 ** 3;
/** s3.clj `default-content-type` / `default-content-disposition`, what S3 then reports for the object. */
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const DEFAULT_CONTENT_DISPOSITION = 'inline';
/** app_upload_urls expire 5 minutes after they are made (migration 50_add_app_upload_urls.up.sql). */
const UPLOAD_URL_LIFETIME_MS = 5 * 60 * 1000;

export interface UploadMeta {
  path: string;
  contentType?: string | undefined;
  contentDisposition?: string | undefined;
}

export interface StoredFile {
  id: string;
  'location-id': string;
  size: number;
}

export interface BlobResponse {
  stream: NodeJS.ReadableStream;
  contentType: string;
  contentDisposition: string | undefined;
  size: number | undefined;
}

/** The body went over `maxFileBytes` while streaming. */
export class FileTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`file over ${limit} bytes`);
  }
}

export function fileTooLargeError(limit: number): InstantError {
  return new InstantError('payload-too-large', `The file is larger than the server's limit of ${limit} bytes.`, { 'limit-bytes': limit }, 413);
}

export class Files {
  /** The server's origin, set once it listens; `url`s are absolute, like Instant's. */
  origin = '';
  private readonly uploadUrls = new Map<string, { appId: string; path: string; expiresAt: number }>();

  constructor(
    private readonly engine: Engine,
    readonly blobs: DirBlobStore,
    private readonly signer: UrlSigner,
    private readonly sweeper: BlobSweeper,
    readonly maxFileBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The signed url of a blob (instaql.clj `add-url-to-join-rows`). */
  url(appId: string, locationId: string): string {
    return `${this.origin}${this.signer.sign(appId, locationId)}`;
  }

  /** Deletes blobs whose rows a committed transaction removed (called after every commit). */
  sweep(): void {
    this.sweeper.sweep();
  }

  /** `assert-storage-permission!`: admins pass; otherwise the `$files` rule for `action`, with `data.path`. */
  checkPermission(requester: Requester, action: 'view' | 'create' | 'delete', path: string): void {
    if (requester.admin) return;
    const policy = this.engine.policyFor(requester.appId);
    // A custom PermissionPolicy has no storage rules to ask: it is consulted on queries and transactions only.
    if (!(policy instanceof RulesPolicy)) return;
    const program = policy.rules.program('$files', action);
    const reader = new QueryReader(this.engine.triples, requester.appId, this.engine.attrs(requester.appId));
    const ctx = { user: (requester.user as JsonObject | null) ?? null, time: this.now(), ip: requester.ip, origin: requester.origin, showCelErrors: false };
    const pass = program !== null && passes(evaluateProgram(program, '$files', { data: { path } }, ctx, reader));
    if (!pass) {
      throw new InstantError('permission-denied', 'Permission denied: not has-storage-permission?', {
        input: ['$files', action],
        expected: 'has-storage-permission?',
      });
    }
  }

  /** Streams the body into a new blob, then upserts the `$files` row; a failure leaves neither. */
  async upload(requester: Requester, meta: UploadMeta, body: AsyncIterable<Uint8Array>): Promise<StoredFile> {
    const { appId } = requester;
    this.checkPermission(requester, 'create', meta.path);
    const locationId = randomUUID();
    const { size } = await this.blobs.put(appId, locationId, body);
    let id = '';
    try {
      this.engine.transactSteps(appId, (attrs) => {
        id = this.idByPath(appId, attrs, meta.path) ?? randomUUID();
        return this.fileSteps(attrs, id, { ...meta, locationId, size });
      });
    } catch (e) {
      this.blobs.delete(appId, locationId);
      throw e;
    }
    return { id, 'location-id': locationId, size };
  }

  private fileSteps(attrs: AttrIndex, id: string, f: UploadMeta & { locationId: string; size: number }): TxStep[] {
    const set = (label: string, value: Json): TxStep => ({ op: 'add-triple', eid: id, attrId: fileAttr(attrs, label), value });
    return [
      set('id', id),
      set('path', f.path),
      set('size', f.size),
      set('content-type', f.contentType ?? DEFAULT_CONTENT_TYPE),
      set('content-disposition', f.contentDisposition ?? DEFAULT_CONTENT_DISPOSITION),
      set('location-id', f.locationId),
      set('key-version', 1),
    ];
  }

  private idByPath(appId: string, attrs: AttrIndex, path: string): string | undefined {
    return this.engine.triples.withValue(appId, fileAttr(attrs, 'path'), encode(path))[0]?.entity_id;
  }

  /** Deletes the files at these paths in one transaction; the id of each (null where there was none). */
  deleteByPaths(requester: Requester, paths: string[]): (string | null)[] {
    for (const path of paths) this.checkPermission(requester, 'delete', path);
    let ids: (string | null)[] = [];
    this.engine.transactSteps(requester.appId, (attrs) => {
      ids = paths.map((p) => this.idByPath(requester.appId, attrs, p) ?? null);
      const unique = [...new Set(ids.filter((id): id is string => id !== null))];
      return unique.map((eid): TxStep => ({ op: 'delete-entity', eid, etype: '$files' }));
    });
    return ids;
  }

  /** GET /admin/storage/files: the legacy `StorageFile` list (admin/routes.clj `legacy-storage-file-format`). */
  list(appId: string): JsonObject[] {
    const attrs = this.engine.attrs(appId);
    const reader = new QueryReader(this.engine.triples, appId, attrs);
    return reader.entities('$files').map(({ id }) => {
      const file = reader.entity('$files', id) ?? {};
      const locationId = String(file['location-id'] ?? '');
      return {
        key: `${appId}/${locationBin(locationId)}/${locationId}`,
        name: file.path ?? null,
        size: file.size ?? null,
        etag: null,
        last_modified: null,
      };
    });
  }

  /** `create-download-url`: the signed url of the file at `path`, or null. */
  downloadUrl(appId: string, path: string): string | null {
    const file = this.fileByPath(appId, path);
    const locationId = file?.['location-id'];
    return typeof locationId === 'string' ? this.url(appId, locationId) : null;
  }

  private fileByPath(appId: string, path: string): JsonObject | undefined {
    const attrs = this.engine.attrs(appId);
    const id = this.idByPath(appId, attrs, path);
    return id ? new QueryReader(this.engine.triples, appId, attrs).entity('$files', id) : undefined;
  }

  /** The blob behind a signed url, with the content type and disposition its `$files` row records. */
  blob(appId: string, locationId: string, expires: string | undefined, signature: string | undefined): BlobResponse | Exclude<UrlCheck, 'ok'> | 'missing' {
    const check = this.signer.check(appId, locationId, expires, signature);
    if (check !== 'ok') return check;
    if (!this.engine.apps.exists(appId)) return 'missing';
    const attrs = this.engine.attrs(appId);
    const row = this.engine.triples.withValue(appId, fileAttr(attrs, 'location-id'), encode(locationId))[0];
    const file = row && new QueryReader(this.engine.triples, appId, attrs).entity('$files', row.entity_id);
    const stream = file ? this.blobs.open(appId, locationId) : null;
    if (!file || !stream) return 'missing';
    return {
      stream,
      contentType: typeof file['content-type'] === 'string' ? file['content-type'] : DEFAULT_CONTENT_TYPE,
      contentDisposition: typeof file['content-disposition'] === 'string' ? file['content-disposition'] : undefined,
      size: typeof file.size === 'number' ? file.size : undefined,
    };
  }

  /** Deprecated `signed-upload-url`: a one-time URL that uploads to `path` (no permission check: admin only). */
  createUploadUrl(appId: string, path: string): string {
    const id = randomUUID();
    this.uploadUrls.set(id, { appId, path, expiresAt: this.now() + UPLOAD_URL_LIFETIME_MS });
    return `${this.origin}/storage/${id}/consume-upload-url`;
  }

  /** `consume-upload-url!`: the URL works once, within its lifetime. */
  async consumeUploadUrl(uploadId: string, contentType: string | undefined, body: AsyncIterable<Uint8Array>): Promise<StoredFile> {
    const entry = this.uploadUrls.get(uploadId);
    this.uploadUrls.delete(uploadId);
    if (!entry || entry.expiresAt < this.now()) {
      throw validationError('app-upload-url', uploadId, [{ message: 'The upload URL is expired or invalid.' }]);
    }
    return this.upload({ appId: entry.appId, admin: true, user: null }, { path: entry.path, contentType: contentType ?? DEFAULT_CONTENT_TYPE }, body);
  }
}

function fileAttr(attrs: AttrIndex, label: string): string {
  const attr = attrs.fwd('$files', label);
  if (!attr) throw new Error(`the system attribute $files.${label} is missing`);
  return attr.id;
}

/** s3.clj `location-id->bin`: Java's String.hashCode, absolute value, mod 10. */
export function locationBin(locationId: string): number {
  let h = 0;
  for (let i = 0; i < locationId.length; i++) h = (Math.imul(h, 31) + locationId.charCodeAt(i)) | 0;
  // Java's Math/abs of Integer.MIN_VALUE stays negative, and Clojure's `mod` is floored: that gives 2.
  return h === -2147483648 ? 2 : Math.abs(h) % 10;
}

/** `coerce-non-blank-str` on a header: absent is undefined, blank is `param-malformed`. */
export function nonBlankHeader(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw paramMalformed([name], value);
  return value;
}

/** storage/coordinator.clj `coerce-content-type`: blank, "null" and "undefined" mean none. */
export function coerceContentType(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '' || value === 'null' || value === 'undefined') return undefined;
  return value;
}

