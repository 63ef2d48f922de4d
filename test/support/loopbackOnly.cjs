// Preloaded into a child process (NODE_OPTIONS=--require) to prove it talks to nothing but loopback:
// every TCP connection and DNS lookup to another host is written to $LOOPBACK_ONLY_LOG and refused.

const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const log = process.env.LOOPBACK_ONLY_LOG;

function refuse(what) {
  if (log) fs.appendFileSync(log, `${what}\n`);
  throw new Error(`loopbackOnly: refused ${what}`);
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect() passes its arguments already normalized, as `[options, callback]`.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const opts = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  const host = opts.host ?? 'localhost';
  if (!opts.path && !LOOPBACK.has(host)) refuse(`connect ${host}:${opts.port}`);
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  if (!LOOPBACK.has(host)) refuse(`lookup ${host}`);
  return lookup.call(this, host, ...rest);
};
