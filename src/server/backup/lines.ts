import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** The lines of a UTF-8 stream with their 1-based numbers; blank lines are skipped (JSON Lines allows a final newline). */
export async function* numberedLines(stream: Readable): AsyncGenerator<{ text: string; line: number }> {
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  // readline does not forward the input's errors to the iterator: surface them (a CRC failure, a cut entry).
  let failure: Error | undefined;
  stream.on('error', (e) => {
    failure = e;
    reader.close();
  });
  for await (const text of reader) {
    line++;
    if (text.trim() !== '') yield { text, line };
  }
  if (failure) throw failure;
}
