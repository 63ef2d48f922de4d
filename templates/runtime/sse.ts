// A text/event-stream parser (WHATWG HTML, "Server-sent events", §9.2.6 interpreting an event stream).
// Small enough to ship in every generated client instead of an EventSource dependency: Instant's
// subscription is a POST, which the EventSource API cannot send anyway.

/** One dispatched event. `id` is the last event id seen on this stream (it carries over, as the spec says). */
export interface SseEvent {
  type: string;
  data: string;
  id: string;
}

export interface SseHandlers {
  onEvent(event: SseEvent): void;
  /** A `retry:` field: the server's reconnection delay, in ms. */
  onRetry(ms: number): void;
}

/** Feed it decoded text in chunks of any size; it calls back per event, at each blank line. */
export class SseParser {
  /** Text of the current line that has not been ended yet, kept in pieces so long lines stay linear. */
  private partial: string[] = [];
  /** A chunk ended in `\r`: a `\n` opening the next chunk belongs to that line break. */
  private afterCR = false;
  private started = false;
  private data: string[] = [];
  private type = '';
  private lastId = '';

  private readonly handlers: SseHandlers;

  constructor(handlers: SseHandlers) {
    this.handlers = handlers;
  }

  feed(chunk: string): void {
    let text = chunk;
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    if (this.afterCR && text.startsWith('\n')) start = 1;
    if (text.length) this.afterCR = false;
    const lineEnd = /\r\n|\r|\n/g;
    lineEnd.lastIndex = start;
    for (let m = lineEnd.exec(text); m; m = lineEnd.exec(text)) {
      this.partial.push(text.slice(start, m.index));
      this.line(this.partial.join(''));
      this.partial = [];
      start = m.index + m[0].length;
      if (m[0] === '\r' && start === text.length) this.afterCR = true;
    }
    if (start < text.length) this.partial.push(text.slice(start));
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return; // a comment: servers send them to keep the connection alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.type = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.handlers.onRetry(Number(value));
        break;
      // other fields are ignored, as the spec says
    }
  }

  private dispatch(): void {
    const { data, type } = this;
    this.data = [];
    this.type = '';
    // No data lines: nothing to dispatch (an `event:` or `id:` alone only sets state).
    if (data.length === 0) return;
    this.handlers.onEvent({ type: type || 'message', data: data.join('\n'), id: this.lastId });
  }
}
