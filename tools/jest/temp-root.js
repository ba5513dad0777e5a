/**
 * One temporary folder per Jest run, removed when the run ends. Specs (and the processes they
 * start: Nx, npm, the Fetch Service) make their temporaries with `os.tmpdir()`, and many keep them
 * for a failure's post-mortem instead of removing them; without this, every `npm test` left
 * ~5,000 folders (~35 MB) in /tmp. Setup points TMPDIR at the run's folder before the workers
 * start (they inherit it); teardown removes it, unless the run failed (the summary reporter says
 * so) or HERMETIC_KEEP_TEST_TMP=1: then it is kept for a post-mortem, and the run says where.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const KEY = 'HERMETIC_TEST_TMP_ROOT';
/**
 * How many set-ups share the folder: the global set-up is each Jest project's (jest.preset.js), so
 * a run of several projects calls it once per project before any test, and the teardown as often.
 */
const USERS = 'HERMETIC_TEST_TMP_USERS';

function setup() {
  process.env[USERS] = String(Number(process.env[USERS] ?? 0) + 1);
  if (process.env[KEY]) return;
  const root = mkdtempSync(join(tmpdir(), 'hermetic-tests-'));
  process.env[KEY] = root;
  process.env.TMPDIR = root;
}

function teardown() {
  const root = process.env[KEY];
  const users = Number(process.env[USERS] ?? 0) - 1;
  process.env[USERS] = String(users);
  if (!root || users > 0) return;
  if (process.env.HERMETIC_KEEP_TEST_TMP === '1' || process.env.HERMETIC_TESTS_FAILED === '1') {
    process.stdout.write(`\ntest temporaries kept in ${root}\n`);
    return;
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}

module.exports = { setup, teardown };
