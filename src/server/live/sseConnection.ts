// One Server-Sent Events response (lib/ring/sse.clj): `retry:` once, then one `data:` line of JSON per
// message (JSON.stringify never emits a raw newline, so a message is always one line), and a comment now
// and then so that idle proxies keep the connection. A client that does not read what it is sent is cut off
// once `maxBufferedBytes` wait in the socket's buffer: its EventSource reconnects after the retry interval
// and gets a fresh result, instead of the server buffering every update for it without bound.

import type { ServerResponse } from 'node:http';

export class SseConnection {
  private isClosed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly maxBufferedBytes: number,
    onClose: () => void,
  ) {
    res.on('close', () => {
      this.isClosed = true;
      onClose();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Status, headers and the retry interval (Instant asks for 500 ms). */
  open(retryMs: number): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.write(`retry: ${retryMs}\n\n`);
  }

  /** A message already serialized (several subscriptions can share one text). */
  sendText(json: string): void {
    this.write(`data: ${json}\n\n`);
  }

  send(message: object): void {
    this.sendText(JSON.stringify(message));
  }

  keepAlive(): void {
    this.write(': keep-alive\n\n');
  }

  /** Ends the connection now; `onClose` follows. */
  drop(): void {
    if (!this.isClosed) this.res.destroy();
  }

  private write(text: string): void {
    if (this.isClosed) return;
    if (this.res.writableLength > this.maxBufferedBytes) {
      this.drop();
      return;
    }
    this.res.write(text);
  }
}
