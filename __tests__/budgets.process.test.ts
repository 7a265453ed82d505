// Cheap guards for the performance budgets (the timings themselves are measured by npm run bench):
// what the default path of the bundle loads (budgets.scenario.test.ts counts the requests).

import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakePlatform, startFakePlatform } from '../testing/fake-platform.mjs'
import { freshBundle, runAction } from '../testing/run-action.mjs'
import { DATABASE, platformInputs } from '../testing/scenario.mjs'

const BUNDLE_BUDGET_BYTES = 650 * 1000
const CLIENT_SECRET = 'budget-client-secret-19'

let platform: FakePlatform
let entryOnly: string
/** The build under test: the fresh one of src/ (dist.process.test.ts checks that dist/ is the same). */
const bundle = freshBundle()

beforeAll(async () => {
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET })
  // A copy of the bundle without its lazily loaded chunks: what runs here cannot have loaded them.
  entryOnly = mkdtempSync(join(tmpdir(), 'entry-only-'))
  for (const file of ['index.js', 'package.json']) copyFileSync(join(bundle, file), join(entryOnly, file))
})
afterAll(async () => {
  await platform.close()
  rmSync(entryOnly, { recursive: true, force: true })
})
beforeEach(() => platform.reset())

const inputs = (overrides: Record<string, string> = {}) => platformInputs(platform, CLIENT_SECRET, { ...DATABASE, password: 'budget-password-1', ...overrides })
const run = (overrides: Record<string, string> = {}, entry?: string) => runAction(inputs(overrides), { secrets: [platform.accessToken], ...(entry ? { entry } : {}) })

describe('bundle', () => {
  test('a default upsert runs on index.js alone: no chunk (mysql2, @actions/http-client) is loaded', async () => {
    const result = await run({}, join(entryOnly, 'index.js'))

    expect(result.errors).toEqual([])
    expect(result.outputs.outcome).toBe('created')
  })

  test('a plan without pr-comment runs on index.js alone too: the comment module and @actions/github are not loaded', async () => {
    const result = await run({ plan: 'true' }, join(entryOnly, 'index.js'))

    expect(result.errors).toEqual([])
    expect(result.outputs.plan).toBe('create')
  })

  test('preflight is what loads the lazy chunks, and the mysql2 chunk is among them', async () => {
    const chunks = readdirSync(bundle).filter((file) => /^\d+\.index\.js$/.test(file))
    expect(chunks.some((file) => readFileSync(join(bundle, file), 'utf8').includes('HANDSHAKE_NO_SSL_SUPPORT'))).toBe(true)

    const result = await run({ preflight: 'warn', host: '127.0.0.1', port: '9' }, join(entryOnly, 'index.js'))

    expect(result.warnings).toEqual([expect.stringMatching(/Cannot find module .*\d+\.index\.js/)])
  })

  test(`what a default upsert loads stays within ${BUNDLE_BUDGET_BYTES / 1000} kB`, () => {
    expect(statSync(join(bundle, 'index.js')).size).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES)
  })
})
