// Deleting connections, and the post step that cleans up what a job created. Main and post
// run as the runner runs them: post sees the same inputs and the state main saved.

import { type FakePlatform, startFakePlatform } from '../testing/fake-platform.mjs'
import { expectFailure } from './support/expect-failure.js'
import { type RunResult, runAction } from './support/in-process.js'
import { DATABASE, calls as callsOf, platformInputs } from '../testing/scenario.mjs'

const PASSWORD = 'Lifecycle-pass;1'
const CLIENT_SECRET = 'lifecycle-client-secret-3c'

let platform: FakePlatform

beforeAll(async () => {
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET, sandboxes: ['prod', 'pr-42'] })
})
afterAll(() => platform.close())
beforeEach(() => platform.reset())

const inputs = (overrides: Record<string, string> = {}) => platformInputs(platform, CLIENT_SECRET, overrides)

const secrets = () => [PASSWORD, CLIENT_SECRET, platform.accessToken]
const run = (overrides: Record<string, string>) => runAction(inputs(overrides), { secrets: secrets() })
const calls = () => callsOf(platform)
const database = { ...DATABASE, password: PASSWORD }

/** Runs the post step the way the runner does after the job: same inputs, main's saved state. */
function runPost(overrides: Record<string, string>, main: RunResult) {
  return runAction(inputs(overrides), { secrets: secrets(), state: main.state })
}

describe('operation: delete', () => {
  test('by id', async () => {
    const existing = platform.addConnection({ name: 'Orders DB' })

    const result = await run({ operation: 'delete', 'connection-id': existing.id })

    expect(result.code).toBe(0)
    expect(result.outputs).toEqual({ outcome: 'deleted', 'connection-id': existing.id })
    expect(calls()).toEqual(['POST /ims/token/v3', `DELETE /connections/${existing.id}`])
    expect(platform.connections.has(existing.id)).toBe(false)
  })

  test('by name, without any database inputs', async () => {
    const existing = platform.addConnection({ name: 'Orders DB' })
    const other = platform.addConnection({ name: 'Orders DB 2' })

    const result = await run({ operation: 'delete', name: 'Orders DB' })

    expect(result.code).toBe(0)
    expect(result.outputs).toEqual({ outcome: 'deleted', 'connection-id': existing.id })
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', `DELETE /connections/${existing.id}`])
    expect([...platform.connections.keys()]).toEqual([other.id])
  })

  test('by the default name from host and database', async () => {
    const existing = platform.addConnection({ name: 'MySQL shop on db.example.com' })

    const result = await run({ operation: 'delete', host: 'db.example.com', database: 'shop' })

    expect(result.outputs).toEqual({ outcome: 'deleted', 'connection-id': existing.id })
  })

  test.each([
    ['an id Flow Service does not know', { 'connection-id': 'c0ffee00-0000-4000-8000-000000000000' }, 'c0ffee00-0000-4000-8000-000000000000'],
    ['a name nothing has', { name: 'Never created' }, '']
  ])('of %s is success with outcome absent', async (_, target, id) => {
    const result = await run({ operation: 'delete', ...target })

    expect(result.code).toBe(0)
    expect(result.outputs).toEqual({ outcome: 'absent', 'connection-id': id })
  })

  test('a 404 that is not about the connection (unknown sandbox) fails', async () => {
    const result = await run({ operation: 'delete', 'connection-id': 'c0ffee00-0000-4000-8000-000000000000', 'sandbox-name': 'no-such-sandbox' })

    expect(expectFailure(result)).toMatch(/^Deleting connection c0ffee00-.* failed: HTTP 404, FLOW-2100-404/)
  })

  test('of a connection a dataflow uses fails and says why', async () => {
    const existing = platform.addConnection({ name: 'Orders DB', usedByFlow: true })

    const result = await run({ operation: 'delete', 'connection-id': existing.id })

    expect(expectFailure(result)).toMatch(/FLOW-1418-400.* The connection is still used by a dataflow: delete the dataflow first, then the connection\.$/)
    expect(platform.connections.has(existing.id)).toBe(true)
  })

  test('refuses an ambiguous name', async () => {
    const a = platform.addConnection({ name: 'Orders DB' })
    const b = platform.addConnection({ name: 'Orders DB' })

    const result = await run({ operation: 'delete', name: 'Orders DB' })

    const message = expectFailure(result)
    expect(message).toContain(a.id)
    expect(message).toContain(b.id)
    expect(calls()).not.toContain(`DELETE /connections/${a.id}`)
    expect(platform.connections.size).toBe(2)
  })
})

describe('cleanup: true', () => {
  test('after a successful job, post deletes what main created, with a fresh token', async () => {
    const step = { ...database, 'sandbox-name': 'pr-42', cleanup: 'true' }
    const main = await run(step)
    expect(main.outputs.outcome).toBe('created')
    const id = main.outputs['connection-id']!
    platform.requests.length = 0

    const post = await runPost(step, main)

    expect(post.code).toBe(0)
    expect(post.warnings).toEqual([])
    // The lookup finds every connection carrying this run's token: a repeated create may have made two.
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', `DELETE /connections/${id}`])
    expect(platform.requests[1]!.headers['x-sandbox-name']).toBe('pr-42')
    expect(platform.requests[2]!.headers['x-sandbox-name']).toBe('pr-42')
    expect(platform.connections.size).toBe(0)
  })

  test('after a failed job, post still deletes what main created', async () => {
    platform.inject({ method: 'GET', path: /\/explore$/, status: 500, times: 10 })
    const step = { ...database, cleanup: 'true', verify: 'true', 'max-attempts': '1' }
    const main = await run(step)
    expect(main.code).toBe(1)
    expect(platform.connections.size).toBe(1)

    const post = await runPost(step, main)

    expect(post.code).toBe(0)
    expect(platform.connections.size).toBe(0)
  })

  test('after a step that only reused a connection, post deletes nothing', async () => {
    const existing = platform.addConnection({ name: 'MySQL shop on db.example.com' })
    const step = { ...database, cleanup: 'true', 'if-exists': 'reuse' }
    const main = await run(step)
    expect(main.outputs.outcome).toBe('reused')
    platform.requests.length = 0

    const post = await runPost(step, main)

    expect(post.code).toBe(0)
    expect(platform.requests).toEqual([])
    expect(platform.connections.has(existing.id)).toBe(true)
  })

  test('after an update, post deletes nothing', async () => {
    platform.addConnection({ name: 'MySQL shop on db.example.com' })
    const step = { ...database, cleanup: 'true' }
    const main = await run(step)
    expect(main.outputs.outcome).toBe('updated')
    platform.requests.length = 0

    await runPost(step, main)

    expect(platform.requests).toEqual([])
    expect(platform.connections.size).toBe(1)
  })

  test('a failed delete in post is a warning, never a failed job', async () => {
    const step = { ...database, cleanup: 'true', 'max-attempts': '2' }
    const main = await run(step)
    const id = main.outputs['connection-id']!
    platform.inject({ method: 'DELETE', status: 503, times: 10 })

    const post = await runPost(step, main)

    expect(post.code).toBe(0)
    expect(post.errors).toEqual([])
    expect(post.warnings).toEqual([expect.stringMatching(new RegExp(`^Cleanup could not delete connection ${id}: .*HTTP 503.* Delete it in Platform by hand\\.$`))])
    expect(platform.connections.has(id)).toBe(true)
  })

  test('without cleanup, the post step does nothing', async () => {
    const main = await run(database)
    platform.requests.length = 0

    const post = await runPost(database, main)

    expect(post.code).toBe(0)
    expect(post.stdout).toBe('')
    expect(platform.requests).toEqual([])
  })
})

test('cleanup: post deletes every connection carrying this run token, also one a repeated create made', async () => {
  const step = { ...database, cleanup: 'true', name: 'Orders DB' }
  const main = await run(step)
  const token = main.state['cleanup-run-token'] ?? ''
  // A second connection of this run, as a create repeated after a lost answer would leave it.
  const twin = platform.addConnection({ name: 'Orders DB', description: `Managed by GitHub Actions ${token}` })
  const stranger = platform.addConnection({ name: 'Orders DB', description: 'made by another job' })

  const post = await runPost(step, main)

  expect(token).toMatch(/^\[run-token [0-9a-f-]{36}\]$/)
  expect(post.code).toBe(0)
  expect([...platform.connections.keys()]).toEqual([stranger.id])
  expect(platform.connections.has(twin.id)).toBe(false)
})

test('the post step hides the password of a connection-string input too, when Platform echoes it', async () => {
  const secret = 'Tr0ub4dor&3-horse'
  const step = { 'connection-string': `Server=db.example.com;Database=shop;Uid=loader;Pwd=${secret};`, cleanup: 'true', name: 'Orders DB' }
  const main = await run(step)
  platform.inject({
    method: 'DELETE',
    status: 400,
    body: {
      type: 'https://ns.adobe.com/aep/errors/FLOW-1302-400',
      title: 'Bad request',
      status: 400,
      report: { 'detailed-message': `login for loader with password ${secret} failed` }
    }
  })

  const post = await runAction(inputs(step), { secrets: [...secrets(), secret], state: main.state })

  expect(post.code).toBe(0)
  expect(post.warnings).toEqual([expect.stringMatching(/^Cleanup could not delete .*password \*\*\* failed/)])
})
