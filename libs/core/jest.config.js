module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
