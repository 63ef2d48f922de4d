// A jest transform that strips TypeScript with esbuild (already a dev dependency of most projects through
// vite/vitest or tsx), keeping ES modules as they are.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'external', sourcefile: filename });
    return { code, map };
  },
};
