/** One jest run for the whole workspace; TypeScript through SWC (no type-checking here: tsc does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/services', '<rootDir>/packages', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/(?!.*(@electric-sql)/)'],
  testTimeout: 30000,
  maxWorkers: 2,
};
