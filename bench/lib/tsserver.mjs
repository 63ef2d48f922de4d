// A minimal tsserver client (typescript 5.9's lib/tsserver.js over stdio), as an editor drives it.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './common.mjs';

/** Clock ticks per second (/proc/<pid>/stat counts CPU time in them); 100 on almost every Linux. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export class TsServer {
  constructor() {
    this.seq = 0;
    this.pending = new Map();
    this.buffer = Buffer.alloc(0);
    this.proc = spawn(process.execPath, [path.join(ROOT, 'node_modules/typescript/lib/tsserver.js'), '--disableAutomaticTypingAcquisition', '--suppressDiagnosticEvents'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: ROOT,
    });
    this.proc.stdout.on('data', (chunk) => this.onData(chunk));
    this.proc.on('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`tsserver exited (${code})`));
      this.pending.clear();
    });
  }

  /** Frames are `Content-Length: N\r\n\r\n` followed by N bytes of JSON. */
  onData(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.type === 'response' && this.pending.has(message.request_seq)) {
        const { resolve, reject } = this.pending.get(message.request_seq);
        this.pending.delete(message.request_seq);
        if (message.success === false && !message.body) reject(new Error(`${message.command}: ${message.message}`));
        else resolve(message.body);
      }
    }
  }

  /** Sends a command; resolves with its response body (commands without a response resolve at once). */
  send(command, args, { response = true, timeoutMs = 300_000 } = {}) {
    const seq = ++this.seq;
    this.proc.stdin.write(JSON.stringify({ seq, type: 'request', command, arguments: args }) + '\n');
    if (!response) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`${command} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(seq, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
  }

  /**
   * CPU time (user + system, ms) the tsserver process has used so far, from /proc (Linux; undefined elsewhere).
   * Unlike wall time it does not grow when other processes share the cores.
   */
  cpuMs() {
    try {
      const stat = fs.readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      return undefined;
    }
  }

  /** Sends and times one request (ms). */
  async timed(command, args) {
    const t = performance.now();
    const body = await this.send(command, args);
    return { ms: performance.now() - t, body };
  }

  close() {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

/** 1-based line and offset of a character index in `text`. */
export function lineOffset(text, index) {
  const before = text.slice(0, index).split('\n');
  return { line: before.length, offset: before.at(-1).length + 1 };
}
