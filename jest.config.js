// ESM mode: the @actions/* packages ship only ES modules.
//
// Three tiers, told apart by file name:
// - unit (`*.test.ts`): pure functions and modules, in seconds (`npm run test:unit`);
// - scenario (`*.scenario.test.ts`): run() from src/run/main.ts in the test process, with the real
//   transport against the local test server and a virtual clock (__tests__/support/in-process.ts);
// - process (`*.process.test.ts`): what needs a process of its own: the built bundle spawned as the
//   runner spawns it (proxies, heap limits, hung databases, the exit guard, command files, lazy
//   chunks), the release script, and a real MariaDB server. Its globalSetup builds src/ (or reuses
//   the build of the same sources) only when one of its suites is selected.
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
  // Global options: jest ignores them inside a project.
  testTimeout: 30000,
  // A worker per core, not jest's default of one fewer: the process tier mostly waits on real
  // deadlines (a hung database, a proxy), and on 2 cores that leaves the unit and scenario tiers
  // to run beside it rather than after it.
  maxWorkers: '100%',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.(scenario|process)\\.test\\.ts$']
    },
    {
      ...common,
      displayName: 'scenario',
      testMatch: ['<rootDir>/__tests__/**/*.scenario.test.ts']
    },
    {
      ...common,
      displayName: 'process',
      testMatch: ['<rootDir>/__tests__/**/*.process.test.ts'],
      globalSetup: '<rootDir>/__tests__/support/fresh-build.mjs',
      globalTeardown: '<rootDir>/__tests__/support/fresh-build-teardown.mjs'
    }
  ]
}
