module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'fetch-service',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
