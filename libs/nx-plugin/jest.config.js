module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'nx-plugin',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/e2e/**/*.spec.ts'],
};
