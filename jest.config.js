/**
 * Two projects so that the fast unit specs (next to each source file) can run alone,
 * while `npx jest` runs everything. The e2e project runs serially-ish (maxWorkers is
 * global) because its suites start redis-server processes and HTTP servers.
 */
const shared = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@app/ai-cache(|/.*)$': '<rootDir>/libs/ai-cache/src$1',
  },
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', rootDir: __dirname, testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
