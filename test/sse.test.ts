// The runtime's event-stream parser against the WHATWG HTML rules (§9.2.6 "Interpreting an event stream"),
// fed whole and in every possible split, since the network cuts chunks anywhere.
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../templates/runtime/sse.js';

function parse(chunks: string[]): { events: SseEvent[]; retries: number[] } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) });
  for (const chunk of chunks) parser.feed(chunk);
  return { events, retries };
}

/** The same stream fed whole, one character at a time, and split in two at every position. */
function everySplit(text: string): string[][] {
  const splits = [[text], [...text]];
  for (let i = 1; i < text.length; i++) splits.push([text.slice(0, i), text.slice(i)]);
  return splits;
}

describe('SSE parser', () => {
  const cases: [string, string, SseEvent[], number[]][] = [
    ['one data line', 'data: {"op":"sse-init"}\n\n', [{ type: 'message', data: '{"op":"sse-init"}', id: '' }], []],
    ['multi-line data joined with \\n', 'data: a\ndata: b\ndata\n\n', [{ type: 'message', data: 'a\nb\n', id: '' }], []],
    ['CRLF and CR line ends', 'data: a\r\ndata: b\r\r\ndata: c\r\r', [{ type: 'message', data: 'a\nb', id: '' }, { type: 'message', data: 'c', id: '' }], []],
    ['comments ignored (keep-alives)', ': ping\n\n:\ndata: x\n: mid\n\n', [{ type: 'message', data: 'x', id: '' }], []],
    ['only one leading space removed', 'data:  two\ndata:none\n\n', [{ type: 'message', data: ' two\nnone', id: '' }], []],
    ['event type, reset after dispatch', 'event: ping\ndata: 1\n\ndata: 2\n\n', [{ type: 'ping', data: '1', id: '' }, { type: 'message', data: '2', id: '' }], []],
    ['id carries over; ids with NUL ignored', 'id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\n', [{ type: 'message', data: 'a', id: '7' }, { type: 'message', data: 'b', id: '7' }, { type: 'message', data: 'c', id: '7' }], []],
    ['retry: digits only', 'retry: 500\n\nretry: 1.5\nretry: x\nretry:20\n\n', [], [500, 20]],
    ['no data: nothing dispatched', 'event: a\n\nid: 1\n\n', [], []],
    ['empty data line dispatches an empty string', 'data\n\n', [{ type: 'message', data: '', id: '' }], []],
    ['unknown fields ignored', 'foo: bar\ndata: x\n\n', [{ type: 'message', data: 'x', id: '' }], []],
    ['an unfinished event at the end is not dispatched', 'data: a\n\ndata: b\n', [{ type: 'message', data: 'a', id: '' }], []],
    ['leading BOM stripped', '\uFEFFdata: a\n\n', [{ type: 'message', data: 'a', id: '' }], []],
    ['unicode survives', 'data: héllo ✓ 𝄞\n\n', [{ type: 'message', data: 'héllo ✓ 𝄞', id: '' }], []],
  ];
  for (const [name, text, events, retries] of cases) {
    it(name, () => {
      for (const chunks of everySplit(text)) expect(parse(chunks), JSON.stringify(chunks)).toEqual({ events, retries });
    });
  }

  it('a long line in many chunks is reassembled', () => {
    const data = 'x'.repeat(100_000);
    const chunks = ['data: ', ...data.match(/.{1,1000}/g)!, '\n\n'];
    expect(parse(chunks).events).toEqual([{ type: 'message', data, id: '' }]);
  });
});
