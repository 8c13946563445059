// Two tiers: `unit` runs pure domain logic with no I/O; `integration` runs against the
// real local stack (Kafka, FerretDB, PostgreSQL, the OpenID provider and the SMTP sink)
// that scripts/stack.sh starts.
const moduleNameMapper = {
  '^@team-access/([a-z-]+)$': '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

module.exports = {
  // Integration tests start servers and wait for Kafka consumer groups to settle.
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
    },
  ],
};
