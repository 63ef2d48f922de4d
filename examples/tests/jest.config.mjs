// `node --experimental-vm-modules node_modules/.bin/jest --config examples/tests/jest.config.mjs`
// Jest runs the ESM as ESM (the generated client and the kit are ES modules, and instant.gen/testing finds
// the schema through import.meta.url); TypeScript goes through esbuild (jest-esbuild.cjs), no Babel.
export default {
  rootDir: '../..',
  // Only examples/ is crawled: the rest of the repo holds scratch projects with their own package.json files.
  roots: ['<rootDir>/examples'],
  testMatch: ['<rootDir>/examples/tests/*.jest.test.ts'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '\\.ts$': '<rootDir>/examples/tests/jest-esbuild.cjs' },
  // TypeScript's NodeNext imports name the .js a .ts file compiles to: let jest find either.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
