// ESM mode: the @actions/* packages ship only ES modules.
//
// Two projects, told apart by name: `*.e2e.test.ts` suites run the built action or a real server
// (MariaDB), everything else is a unit suite. The e2e project builds src/ once per run, in its
// globalSetup, and only when one of its suites is selected: `npm run test:unit` never builds.
const common = {
  rootDir: import.meta.dirname,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // @actions/workflow-parser's schemas, through a shim: it imports them as JSON without an import attribute.
    '^\\.\\./(action|workflow)-v1\\.0\\.min\\.json$': '<rootDir>/__tests__/support/workflow-parser/$1-schema.cjs',
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] }
}

export default {
  // A global option: jest ignores it inside a project.
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.e2e\\.test\\.ts$']
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/__tests__/support/fresh-build.mjs',
      globalTeardown: '<rootDir>/__tests__/support/fresh-build-teardown.mjs'
    }
  ]
}
