// Node's own dynamic import, out of reach of vitest's module runner (which evaluates test files in a
// context without an import callback): generated clients are loaded as Node loads them.
module.exports = (url) => import(url);
