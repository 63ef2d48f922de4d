export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
const ORDER: LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

export interface Logger {
  error(text: string): void;
  warn(text: string): void;
  info(text: string): void;
  debug(text: string): void;
  /** Red/green/dim on a terminal (and unless NO_COLOR is set); plain text otherwise. */
  color: { red(t: string): string; green(t: string): string; dim(t: string): string };
}

export function createLogger(level: LogLevel = 'info', stream: { out: NodeJS.WriteStream; err: NodeJS.WriteStream } = { out: process.stdout, err: process.stderr }): Logger {
  const enabled = (l: LogLevel) => ORDER.indexOf(l) <= ORDER.indexOf(level);
  const useColor = !!stream.out.isTTY && !process.env.NO_COLOR;
  const paint = (code: number) => (t: string) => (useColor ? `\u001b[${code}m${t}\u001b[0m` : t);
  return {
    error: (t) => enabled('error') && stream.err.write(`${t}\n`),
    warn: (t) => enabled('warn') && stream.err.write(`${t}\n`),
    info: (t) => enabled('info') && stream.out.write(`${t}\n`),
    debug: (t) => enabled('debug') && stream.err.write(`${t}\n`),
    color: { red: paint(31), green: paint(32), dim: paint(2) },
  } as Logger;
}
