// Issue 19, item 1: verify outputs the table paths explore lists, as a JSON array a later job's
// matrix can fan out over; table-count stays.

import type { Clock } from '../src/runner/clock.js'
import { run } from '../src/run/main.js'
import { runnerTransport } from '../src/platform/transport.js'
import { type FakePlatform, startFakePlatform } from '../testing/fake-platform.mjs'
import { platformInputs } from '../testing/scenario.mjs'
import { recordingIo } from './support/scripted.js'

const CLIENT_SECRET = 'tables-output-client-secret-19'
let platform: FakePlatform

beforeAll(async () => {
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET })
})
afterAll(() => platform.close())
beforeEach(() => platform.reset())

const clock: Clock = {
  now: () => 1_000_000,
  sleep: async () => undefined,
  timeout: () => ({ expired: new Promise<void>(() => undefined), cancel: () => undefined }),
  random: () => 0
}

test('verify outputs the table paths as explore lists them, and their count', async () => {
  const tables = ['sales.orders', 'sales.order items', 'crm."customers"']
  const existing = platform.addConnection({ name: 'Orders DB', tables })
  const recorded = recordingIo(
    platformInputs(platform, CLIENT_SECRET, {
      host: 'db.example.com',
      database: 'shop',
      username: 'etl',
      password: 'pw-19',
      name: 'Orders DB',
      'if-exists': 'reuse',
      verify: 'true'
    })
  )

  await run(recorded.io, { clock, openTransport: runnerTransport })

  expect(recorded.outputs['connection-id']).toBe(existing.id)
  expect(JSON.parse(recorded.outputs.tables ?? 'null')).toEqual(tables)
  expect(recorded.outputs['table-count']).toBe('3')
})

test('without verify there is no tables output', async () => {
  platform.addConnection({ name: 'Orders DB' })
  const recorded = recordingIo(
    platformInputs(platform, CLIENT_SECRET, { host: 'db.example.com', database: 'shop', username: 'etl', password: 'pw-19', name: 'Orders DB', 'if-exists': 'reuse' })
  )

  await run(recorded.io, { clock, openTransport: runnerTransport })

  expect(recorded.outputs.outcome).toBe('reused')
  expect(recorded.outputs).not.toHaveProperty('tables')
})
