// ESM mode: the @actions/* packages ship only ES modules.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // @actions/workflow-parser's schemas, through a shim: it imports them as JSON without an import attribute.
    '^\\.\\./(action|workflow)-v1\\.0\\.min\\.json$': '<rootDir>/__tests__/support/workflow-parser/$1-schema.cjs',
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 30000
}
