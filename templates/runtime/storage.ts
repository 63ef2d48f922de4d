// `db.storage`: the file API of `@instantdb/admin` 1.0.67 (its `Storage` class), with the same requests:
// `PUT /admin/storage/upload` (headers `path`, `content-type`, `content-disposition`; the file as the body),
// `DELETE /admin/storage/files?filename=`, `POST /admin/storage/files/delete`, and the deprecated
// `GET /admin/storage/files` and `GET /admin/storage/signed-download-url`. Uploads honour `asUser`.
//
// Streams are sent as streams (`duplex: 'half'`), never read into memory first. Unlike the SDK, a web
// `ReadableStream` works on Node too (the SDK omits `duplex` for it, which Node's fetch refuses).

import { InstantAPIError, redact } from './errors.js';
import { parseErrorBody, type RequestOptions, type Transport } from './transport.js';

/** A Node `Readable` (e.g. `fs.createReadStream`), typed structurally: the runtime does not depend on Node's types. */
export interface NodeReadableLike extends AsyncIterable<unknown> {
  pipe(...args: never[]): unknown;
  read(...args: never[]): unknown;
}

/** What `uploadFile` takes: bytes (a `Buffer` is a `Uint8Array`), a `Blob`, or a stream. */
export type FileData = Uint8Array | Blob | ReadableStream<Uint8Array> | NodeReadableLike;

export interface FileOpts extends RequestOptions {
  /** Stored as the file's `content-type` (else a Blob's own type, else `application/octet-stream`). */
  contentType?: string | undefined;
  /** Stored as the file's `content-disposition` (e.g. `attachment; filename="a.pdf"`). */
  contentDisposition?: string | undefined;
  /** The size in bytes: required for streams, as with the SDK (sent as `content-length`). */
  fileSize?: number | undefined;
}

export interface UploadFileResponse {
  /** The `$files` id (the same one when a path is uploaded again). */
  data: { id: string };
}
export interface DeleteFileResponse {
  data: { id: string | null };
}
export interface DeleteManyFileResponse {
  data: { ids: string[] | null };
}
/** The legacy listing of `list()`. */
export interface StorageFile {
  key: string;
  name: string;
  size: number;
  etag: string;
  last_modified: number;
}

const isNodeReadable = (v: unknown): v is NodeReadableLike =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as NodeReadableLike).pipe === 'function' &&
  typeof (v as NodeReadableLike).read === 'function';
const isWebReadable = (v: unknown): v is ReadableStream<Uint8Array> =>
  !!v && typeof (v as ReadableStream).getReader === 'function';

/** A web stream that reads the next chunk only when fetch asks for it (backpressure). */
function pullStream(source: AsyncIterable<unknown>): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]();
  const bytes = (v: unknown) => (typeof v === 'string' ? new TextEncoder().encode(v) : (v as Uint8Array));
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(bytes(value));
      },
      async cancel(reason) {
        await chunks.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export class StorageApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Uploads a file to `path`, replacing the file already there (same id, new contents). */
  uploadFile = async (path: string, data: FileData, opts: FileOpts = {}): Promise<UploadFileResponse> => {
    const headers: Record<string, string> = { ...this.#transport.authHeaders(), path };
    if (opts.contentDisposition) headers['content-disposition'] = opts.contentDisposition;
    // The JSON content type of other requests must not label the file (nor "undefined", as the SDK notes).
    delete headers['content-type'];
    if (opts.contentType) headers['content-type'] = opts.contentType;
    const streamed = isNodeReadable(data) || isWebReadable(data);
    if (streamed) {
      if (!opts.fileSize) throw new Error('fileSize is required in metadata when uploading streams');
      headers['content-length'] = String(opts.fileSize);
    }
    // A Node Readable goes through a pull-based web stream: handed to fetch as is (the SDK's way), it is read
    // ahead of the socket; a 256 MiB upload then grows the process by ~270 MB, against ~9 MB this way.
    const body = isNodeReadable(data) ? pullStream(data) : data;
    const init: RequestInit & { duplex?: 'half' } = {
      method: 'PUT',
      headers,
      body: body as BodyInit,
      cache: 'no-store',
    };
    if (streamed) init.duplex = 'half';
    if (opts.signal) init.signal = opts.signal;
    return this.#send<UploadFileResponse>('/admin/storage/upload', init);
  };

  /** Deletes the file at `path`. Prefer `db.transact(db.$files.tx({ path }).delete())`. */
  delete = (path: string, opts: RequestOptions = {}): Promise<DeleteFileResponse> =>
    this.#transport.request<DeleteFileResponse>({
      method: 'DELETE',
      path: '/admin/storage/files',
      encodedParams: `filename=${encodeURIComponent(path)}`,
      auth: 'admin',
      signal: opts.signal,
    });

  /** Deletes the files at these paths, in one transaction. */
  deleteMany = (paths: readonly string[], opts: RequestOptions = {}): Promise<DeleteManyFileResponse> =>
    this.#transport.request<DeleteManyFileResponse>({
      method: 'POST',
      path: '/admin/storage/files/delete',
      body: { filenames: paths },
      auth: 'admin',
      signal: opts.signal,
    });

  /**
   * @deprecated As in the SDK: use `uploadFile`. Asks for a signed upload url (as admin), then PUTs the file
   * to it; resolves to whether that PUT succeeded.
   */
  upload = async (
    path: string,
    file: Blob | Uint8Array | string,
    metadata: { contentType?: string } = {},
  ): Promise<boolean> => {
    const { data: url } = await this.#asAdmin().request<{ data: string }>({
      method: 'POST',
      path: '/admin/storage/signed-upload-url',
      body: { app_id: this.#transport.config.appId, filename: path },
      auth: 'admin',
    });
    const headers: Record<string, string> = metadata.contentType
      ? { 'content-type': metadata.contentType }
      : {};
    const response = await this.#transport.config.fetch(url, {
      method: 'PUT',
      body: file as BodyInit,
      headers,
    });
    return response.ok;
  };

  /** @deprecated As in the SDK: query `$files` instead (`db.$files.query()`). Always as admin. */
  list = async (opts: RequestOptions = {}): Promise<StorageFile[]> =>
    (
      await this.#asAdmin().request<{ data: StorageFile[] }>({
        method: 'GET',
        path: '/admin/storage/files',
        auth: 'admin',
        signal: opts.signal,
      })
    ).data;

  /** @deprecated As in the SDK: query `$files` for their `url` instead. Always as admin. */
  getDownloadUrl = async (path: string, opts: RequestOptions = {}): Promise<string> =>
    (
      await this.#asAdmin().request<{ data: string }>({
        method: 'GET',
        path: '/admin/storage/signed-download-url',
        encodedParams: `filename=${encodeURIComponent(path)}`,
        auth: 'admin',
        signal: opts.signal,
      })
    ).data;

  /** The SDK sends `list` and `getDownloadUrl` without impersonation headers, even on an `asUser` client. */
  #asAdmin(): Transport {
    return this.#transport.admin();
  }

  /** A request with a raw body: no timeout (an upload may take long) and no retries (its body is consumed). */
  async #send<T>(path: string, init: RequestInit): Promise<T> {
    const { config } = this.#transport;
    let response: Response;
    let text: string;
    try {
      response = await config.fetch(`${config.apiURI}${path}?app_id=${config.appId}`, init);
      text = await response.text();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const aborted = init.signal?.aborted === true;
      throw new InstantAPIError(0, {
        type: aborted ? 'aborted' : 'network-error',
        message: redact(
          aborted ? `PUT ${path} was aborted` : `PUT ${config.apiURI}${path} failed: ${reason}`,
          config.adminToken,
        ),
      });
    }
    if (response.status !== 200)
      throw new InstantAPIError(response.status, redact(parseErrorBody(text), config.adminToken));
    return JSON.parse(text) as T;
  }
}
