// A cheap guard for the performance budgets (the timings themselves are measured by npm run bench):
// how many requests each mode sends (budgets.process.test.ts checks what the bundle loads).

import { type FakePlatform, startFakePlatform } from '../testing/fake-platform.mjs'
import { runAction } from './support/in-process.js'
import { DATABASE, calls as callsOf, platformInputs } from '../testing/scenario.mjs'

const CLIENT_SECRET = 'budget-client-secret-19'

let platform: FakePlatform

beforeAll(async () => {
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET })
})
afterAll(() => platform.close())
beforeEach(() => platform.reset())

const inputs = (overrides: Record<string, string> = {}) => platformInputs(platform, CLIENT_SECRET, { ...DATABASE, password: 'budget-password-1', ...overrides })
const calls = () => callsOf(platform)
const run = (overrides: Record<string, string> = {}) => runAction(inputs(overrides), { secrets: [platform.accessToken] })

describe('requests per mode, IMS included, equal the minimum', () => {
  test('create: IMS, POST', async () => {
    await run({ 'if-exists': 'create' })
    expect(calls()).toEqual(['POST /ims/token/v3', 'POST /connections'])
  })

  test('upsert of a new connection: IMS, lookup, POST', async () => {
    await run()
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', 'POST /connections'])
  })

  test('update: IMS, lookup, PATCH', async () => {
    const existing = platform.addConnection({ name: 'MySQL shop on db.example.com' })
    await run()
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', `PATCH /connections/${existing.id}`])
  })

  test('reuse with verify: IMS, lookup, explore', async () => {
    const existing = platform.addConnection({ name: 'MySQL shop on db.example.com' })
    await run({ 'if-exists': 'reuse', verify: 'true' })
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', `GET /connections/${existing.id}/explore`])
  })

  test('lookup among 10,000 connections, 100 of them same-spec near names: one list request', async () => {
    platform.seed(9_900, (i) => ({ name: `MySQL shop on db.example.com ${i}`, specId: 'another-spec' }))
    platform.seed(100, (i) => ({ name: i % 2 ? `mysql shop on db.example.com` : `MySQL shop on db.example.com (${i})` }))
    await run({ 'if-exists': 'reuse' })
    expect(calls().filter((call) => call === 'GET /connections')).toHaveLength(1)
  })
})
