// Faults a real gateway produces, and bad input: exactly one connection, no leaked secret,
// one clear error line every time.

import { type FakePlatform, flowErrorBody, startFakePlatform } from '../testing/fake-platform.mjs'
import { expectFailure, expectFailures } from './support/expect-failure.js'
import { runAction } from './support/in-process.js'
import { virtualClock } from './support/virtual-clock.js'
import { DATABASE, FLOW_BASE, calls as callsOf, platformInputs } from '../testing/scenario.mjs'

const PASSWORD = 'Fault-pass;word 9'
const CLIENT_SECRET = 'fault-client-secret-77a1'
const CONNECTIONS = `${FLOW_BASE}/connections`

let platform: FakePlatform

beforeAll(async () => {
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET })
})
afterAll(() => platform.close())
beforeEach(() => platform.reset())

const inputs = (overrides: Record<string, string> = {}) => platformInputs(platform, CLIENT_SECRET, { ...DATABASE, password: PASSWORD, name: 'Orders DB', ...overrides })

const secrets = () => [PASSWORD, CLIENT_SECRET, platform.accessToken, 'Pwd="Fault-pass;word 9";']
const run = (overrides: Record<string, string> = {}) => runAction(inputs(overrides), { secrets: secrets() })
const calls = () => callsOf(platform)
const retryLines = (stdout: string) => stdout.split('\n').filter((line) => /attempt \d+\/\d+; [a-z ]+ in \d/.test(line))

describe('retries', () => {
  test('503 then success: retried once, logged once', async () => {
    platform.inject({ method: 'GET', path: CONNECTIONS, status: 503 })

    const result = await run()

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', 'GET /connections', 'POST /connections'])
    expect(retryLines(result.stdout)).toEqual([expect.stringMatching(/^Looking up connections named "Orders DB": HTTP 503, attempt 1\/5; retrying in \d\.\d s$/)])
  })

  test('429 with Retry-After: the wait the server asked for', async () => {
    platform.inject({ method: 'POST', path: CONNECTIONS, status: 429, headers: { 'retry-after': '1' } })

    const result = await run()

    expect(result.code).toBe(0)
    expect(retryLines(result.stdout)).toEqual(['Creating the connection: HTTP 429, attempt 1/5; retrying in 1.0 s'])
    const posts = platform.requests.filter((r) => r.method === 'POST' && r.path === CONNECTIONS)
    expect(posts).toHaveLength(2)
    expect(result.clock.waits).toEqual([1000])
    expect(platform.connections.size).toBe(1)
  })

  test('IMS is retried by the same policy', async () => {
    platform.inject({ path: '/ims/token/v3', status: 502 })

    const result = await run()

    expect(result.code).toBe(0)
    expect(calls().slice(0, 2)).toEqual(['POST /ims/token/v3', 'POST /ims/token/v3'])
  })

  test('persistent 500 with an HTML page: gives up at max-attempts with a clear line', async () => {
    platform.inject({ method: 'GET', path: CONNECTIONS, status: 500, times: 10, body: '<html><body>Internal error</body></html>', headers: { 'content-type': 'text/html' } })

    const result = await run({ 'max-attempts': '3' })

    expect(expectFailure(result)).toMatch(/^Looking up connections named "Orders DB" failed after 3 attempts: HTTP 500, with an HTML page .*try again later\.$/)
    expect(calls().filter((c) => c === 'GET /connections')).toHaveLength(3)
  })

  test.each([
    [401, { error_code: '401013', message: 'Oauth token is not valid' }, /HTTP 401, 401013: Oauth token is not valid.*client-secret/],
    [403, { error_code: '403003', message: 'Api Key is invalid' }, /HTTP 403, 403003: Api Key is invalid.*ims-org-id/]
  ])('%i is not retried and says what to check', async (status, body, message) => {
    platform.inject({ method: 'GET', path: CONNECTIONS, status, body })

    const result = await run()

    expect(expectFailure(result)).toMatch(message)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections'])
  })

  test('IMS invalid_client is not retried', async () => {
    const result = await run({ 'client-secret': 'not-the-right-secret-1' })

    expect(expectFailure(result)).toMatch(/^Getting an access token from IMS failed: HTTP 401, invalid_client.*Check client-id, client-secret and scopes/)
    expect(calls()).toEqual(['POST /ims/token/v3'])
  })

  test('a hung server: the step fails by its deadline', async () => {
    platform.inject({ method: 'GET', path: CONNECTIONS, action: 'hang' })
    const clock = virtualClock()
    const started = clock.now()

    const result = await runAction(inputs({ 'timeout-seconds': '2' }), { secrets: secrets(), clock, hangsOn: platform })

    expect(clock.now() - started).toBe(2000)
    expect(expectFailure(result)).toMatch(/timed out: the step's 2 s deadline \(timeout-seconds\) passed/)
  })

  test('a stale etag on update: re-read once and applied again', async () => {
    const existing = platform.addConnection({ name: 'Orders DB' })
    platform.inject({ method: 'PATCH', status: 412 })

    const result = await run()

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', `PATCH /connections/${existing.id}`, `GET /connections/${existing.id}`, `PATCH /connections/${existing.id}`])
    expect(result.outputs).toMatchObject({ 'connection-id': existing.id, outcome: 'updated' })
  })
})

describe('exactly-once create', () => {
  test('a reset after the server committed the create: adopted, never duplicated', async () => {
    platform.inject({ method: 'POST', path: CONNECTIONS, action: 'reset-after-commit' })

    const result = await run()

    expect(result.code).toBe(0)
    expect(platform.connections.size).toBe(1)
    const [only] = [...platform.connections.values()]
    expect(result.outputs).toMatchObject({ 'connection-id': only!.id, outcome: 'created' })
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', 'POST /connections', 'GET /connections'])
  })

  test('a 503 after the commit: adopted, never duplicated', async () => {
    platform.inject({ method: 'POST', path: CONNECTIONS, action: 'status-after-commit', status: 503 })

    const result = await run()

    expect(result.code).toBe(0)
    expect(platform.connections.size).toBe(1)
    expect(result.outputs['connection-id']).toBe([...platform.connections.keys()][0])
  })

  test('a reset before anything was stored: looked up, then created once', async () => {
    platform.inject({ method: 'POST', path: CONNECTIONS, action: 'reset' })

    const result = await run()

    expect(result.code).toBe(0)
    expect(platform.connections.size).toBe(1)
    expect(calls().filter((c) => c === 'POST /connections')).toHaveLength(2)
  })

  test('with if-exists create, its own connection is told apart from a namesake by its token', async () => {
    const namesake = platform.addConnection({ name: 'Orders DB' })
    platform.inject({ method: 'POST', path: CONNECTIONS, action: 'reset-after-commit' })

    const result = await run({ 'if-exists': 'create' })

    expect(result.code).toBe(0)
    expect(platform.connections.size).toBe(2)
    expect(result.outputs['connection-id']).not.toBe(namesake.id)
    expect(platform.connections.has(result.outputs['connection-id']!)).toBe(true)
  })
})

describe('exactly-once create, with a namesake and a budget', () => {
  test('a namesake that appears meanwhile is not adopted as ours, nor cleaned up', async () => {
    const namesake = platform.addConnection({ name: 'Orders DB', description: 'made by another job' })
    // The first lookup misses it (it is being created by another job), then our create is lost.
    platform.inject({ method: 'GET', path: CONNECTIONS, status: 200, body: { items: [] } })
    platform.inject({ method: 'POST', path: CONNECTIONS, status: 503 })

    const result = await run({ cleanup: 'true' })

    expect(result.code).toBe(0)
    expect(platform.connections.size).toBe(2)
    const ours = result.outputs['connection-id']!
    expect(ours).not.toBe(namesake.id)
    expect(result.state['cleanup-connection-id']).toBe(ours)
    // Looked for with growing waits while a late commit could still show up, and only then sent again.
    expect(calls().join(' ')).toMatch(/^POST \/ims\/token\/v3 GET \/connections POST \/connections (GET \/connections ){2,}POST \/connections$/)
    expect(retryLines(result.stdout)[0]).toMatch(/^Creating the connection: HTTP 503, attempt 1\/5; checking whether it took effect in 1\.0 s$/)
    expect(retryLines(result.stdout).slice(1)).toEqual(
      retryLines(result.stdout)
        .slice(1)
        .map(() => expect.stringMatching(/^Creating the connection: HTTP 503, attempt 1\/5; checking again in \d+\.\d s$/))
    )
  })

  test('max-attempts bounds the creates and the retries inside them together', async () => {
    platform.inject({ method: 'POST', path: CONNECTIONS, status: 503 })
    platform.inject({ method: 'POST', path: CONNECTIONS, status: 429, times: 5 })

    const result = await run({ 'max-attempts': '2' })

    expect(expectFailure(result)).toMatch(/^Creating the connection failed: HTTP 429/)
    expect(calls().filter((call) => call === 'POST /connections')).toHaveLength(2)
  })
})

describe('secrets echoed back in errors', () => {
  test.each([
    ['runs of whitespace', 'two  spaces\ttab!'],
    ['a final full stop', 'Sup3rS3cret.']
  ])('a password with %s is hidden even when an error reshapes it', async (_, password) => {
    platform.inject({
      method: 'POST',
      path: CONNECTIONS,
      status: 400,
      body: flowErrorBody('1302-400', 'Bad request', `Login failed with password ${password}`, 'req-9')
    })

    const result = await run({ 'auth-type': 'basic', password })

    expect(expectFailure(result)).toContain('Login failed with password *** (request id req-9)')
  })
})

describe('answers that are not what they should be', () => {
  test.each([
    ['an HTML page with 200', { status: 200, body: '<html>Sign in</html>', headers: { 'content-type': 'text/html' } }, /HTTP 200 came with an HTML page .* instead of JSON/],
    ['cut-off JSON', { status: 200, body: '{"items": [', headers: { 'content-type': 'application/json' } }, /malformed or cut-off JSON/],
    ['a list without items', { status: 200, body: { data: [] } }, /the answer has no "items" list/],
    [
      'a redirect to another origin',
      { status: 302, body: '', headers: { location: 'https://elsewhere.invalid/steal' } },
      /HTTP 302, a redirect to https:\/\/elsewhere\.invalid\/steal\. Redirects are not followed/
    ]
  ])('lookup answered with %s', async (_, fault, message) => {
    platform.inject({ method: 'GET', path: CONNECTIONS, ...fault })

    const result = await run()

    expect(expectFailure(result)).toMatch(message)
    expect(result.stdout).not.toMatch(/undefined|\n\s+at /)
    expect(platform.requests.every((r) => !r.path.includes('steal'))).toBe(true)
  })

  test('a create answered 201 without an id: the connection exists, so it is found by its run token and adopted', async () => {
    platform.inject({ method: 'POST', path: CONNECTIONS, action: 'status-after-commit', status: 201, body: {} })

    const result = await run()

    expect(result.code).toBe(0)
    expect(calls().filter((call) => call === 'POST /connections')).toHaveLength(1)
    expect(result.outputs).toMatchObject({ 'connection-id': [...platform.connections.keys()][0], outcome: 'created' })
    expect(result.stdout).toContain('Creating the connection: an unreadable answer, attempt 1/5; checking whether it took effect in 1.0 s')
  })
})

describe('secrets', () => {
  test('a short or common secret is warned about, without being named', async () => {
    const result = await runAction(inputs({ password: 'root' }), { secrets: [CLIENT_SECRET, platform.accessToken] })

    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([expect.stringMatching(/^The password is only 4 characters long/)])
  })

  test('a connection id that contains a masked value is warned about', async () => {
    const password = 'Id-collision-77'
    platform.addConnection({ name: 'Orders DB', id: `conn-${password}` })

    const result = await runAction(inputs({ password, 'if-exists': 'reuse' }), { secrets: [CLIENT_SECRET, platform.accessToken] })

    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([expect.stringContaining('there is no connection-id output for later jobs (the runner would drop it)')])
    expect(result.outputs).toEqual({ etag: expect.any(String), outcome: 'reused' })
    expect(result.stdout).toContain('Reusing connection conn-*** unchanged')
  })
})

describe('bad input', () => {
  // One representative: inputs.test.ts checks every input's rules; here, that a bad one ends the step before any request.
  test('port: {"port":"65536"}', async () => {
    const result = await run({ port: '65536' })

    expect(expectFailures(result).some((line) => line.startsWith('Input "port"'))).toBe(true)
    expect(platform.requests).toEqual([])
  })
})
