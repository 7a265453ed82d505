// plan: true, run as the runner runs it: the action reads Platform and says what applying would
// change. Every test checks that the server received no write: only GETs and the IMS token POST.

import { secretForms } from '../src/runner/secrets.js'
import { MYSQL_SPEC_ID, startFakePlatform } from '../testing/fake-platform.mjs'
import { findLeaks } from '../testing/run-action.mjs'
import { type RunResult, runAction } from './support/in-process.js'
import { DATABASE, FLOW_BASE, calls as callsOf, platformInputs } from '../testing/scenario.mjs'
import { suitePlatform } from './support/suite-platform.js'

const PASSWORD = `Plan-pa"ss;wo rd'1`
const CLIENT_SECRET = 'plan-client-secret-8e4'
const NAME = 'MySQL shop on db.example.com'

const platform = suitePlatform({ clientSecret: CLIENT_SECRET })

const database = { ...DATABASE, password: PASSWORD }
const inputs = (overrides: Record<string, string>) => platformInputs(platform, CLIENT_SECRET, { plan: 'true', ...overrides })
const run = (overrides: Record<string, string> = {}) => runAction(inputs({ ...database, ...overrides }), { secrets: [platform.accessToken] })
/** A plan of an upsert also reads the organisation's MySQL spec, alongside the lookup (in either order): checked once, apart. */
const SPEC_READ = `GET /connectionSpecs/${MYSQL_SPEC_ID}`
const calls = () => callsOf(platform).filter((call) => call !== SPEC_READ)

/** No POST, PATCH or DELETE reached Flow Service, and nothing was explored. */
function expectReadsOnly(): void {
  for (const request of platform.requests) {
    if (request.path.startsWith(FLOW_BASE)) expect(`${request.method} ${request.path}`).toMatch(/^GET (?!.*\/explore$)/)
    else expect(`${request.method} ${request.path}`).toBe('POST /ims/token/v3')
  }
}

interface PlanOutput {
  action: string
  connectionId: string | null
  name: string | null
  sandbox: string
  changes: Array<{ field: string; from: string | null; to: string | null }>
}

function changesOf(result: RunResult): PlanOutput {
  return JSON.parse(result.outputs.changes ?? 'null') as PlanOutput
}

const description = 'Nightly orders'
const basicAuth = (server: string) => ({ specName: 'Basic Authentication', params: { server, port: '3306', database: 'shop', username: 'etl', password: 'old-password-xyz' } })

describe('plan: true for an upsert', () => {
  test('with no connection of that name, plans a create: every field from null', async () => {
    const result = await run({ description })

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections'])
    expect(callsOf(platform).filter((call) => call === SPEC_READ)).toHaveLength(1)
    expectReadsOnly()
    expect(result.outputs).toEqual({ plan: 'create', 'has-changes': 'true', changes: expect.any(String), 'plan-markdown': expect.any(String), outcome: 'planned' })
    expect(result.outputs.changes).toBe(
      JSON.stringify({
        action: 'create',
        connectionId: null,
        name: NAME,
        sandbox: 'prod',
        changes: [
          { field: 'name', from: null, to: NAME },
          { field: 'description', from: null, to: description },
          { field: 'auth-type', from: null, to: 'Connection String Based Authentication' },
          { field: 'host', from: null, to: 'db.example.com' },
          { field: 'port', from: null, to: '3306' },
          { field: 'database', from: null, to: 'shop' },
          { field: 'username', from: null, to: 'etl' },
          { field: 'credentials', from: null, to: '(set)' }
        ]
      })
    )
    expect(result.outputs['plan-markdown']).toContain('**+ create a connection named "MySQL shop on db.example.com" in sandbox "prod".**')
    expect(result.outputs['plan-markdown']).toContain('| + | host | — | db.example.com |')
    expect(result.outputs['plan-markdown']).toContain('Plan: 1 to add, 0 to change, 0 to destroy.')
    expect(platform.connections.size).toBe(0)
  })

  test('with one, and if-exists update, plans an update from what Platform holds, with the credentials hidden', async () => {
    const connectionString = 'Server=old-db.example.com;Port=3306;Database=shop;Uid=etl;Pwd=old-password-xyz;SslMode=Required;'
    const existing = platform.addConnection({ name: NAME, description: 'old words', auth: { specName: 'Connection String Based Authentication', params: { connectionString } } })

    const result = await run({ description, 'ssl-mode': 'Required' })

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', `GET /connections/${existing.id}`])
    expectReadsOnly()
    expect(result.outputs).toMatchObject({ plan: 'update', 'has-changes': 'true', 'connection-id': existing.id, outcome: 'planned' })
    expect(changesOf(result)).toEqual({
      action: 'update',
      connectionId: existing.id,
      name: NAME,
      sandbox: 'prod',
      changes: [
        { field: 'description', from: 'old words', to: description },
        { field: 'host', from: 'old-db.example.com', to: 'db.example.com' },
        // Platform hides everything from Pwd= on, so the stored SslMode cannot be told.
        { field: 'ssl-mode', from: null, to: 'Required' },
        { field: 'credentials', from: '(hidden)', to: '(replaced)' }
      ]
    })
    expect(platform.connections.get(existing.id)?.description).toBe('old words')
  })

  test('a basic-auth connection whose host changed: the host entry shows old and new', async () => {
    const existing = platform.addConnection({ name: NAME, description, auth: basicAuth('old-db.example.com') })

    const result = await run({ description, 'auth-type': 'basic' })

    expect(result.code).toBe(0)
    expectReadsOnly()
    expect(changesOf(result).changes).toEqual([
      { field: 'host', from: 'old-db.example.com', to: 'db.example.com' },
      { field: 'credentials', from: '(hidden)', to: '(replaced)' }
    ])
    expect(result.outputs['plan-markdown']).toContain('| ~ | host | old-db.example.com | db.example.com |')
    expect(result.outputs['plan-markdown']).toContain('Plan: 0 to add, 1 to change, 0 to destroy.')
    expect(result.stdout).toContain('  ~ host: "old-db.example.com" -> "db.example.com"')
    expect(platform.connections.get(existing.id)?.auth.params.server).toBe('old-db.example.com')
  })

  test('switching auth-type shows the auth type and the SSL mode as Platform would hold them', async () => {
    platform.addConnection({ name: NAME, description, auth: { ...basicAuth('db.example.com'), params: { ...basicAuth('db.example.com').params, sslMode: 'REQUIRED' } } })

    const result = await run({ description, 'ssl-mode': 'Required' })

    expect(changesOf(result).changes).toEqual([
      { field: 'auth-type', from: 'Basic Authentication', to: 'Connection String Based Authentication' },
      { field: 'ssl-mode', from: 'REQUIRED', to: 'Required' },
      { field: 'credentials', from: '(hidden)', to: '(replaced)' }
    ])
  })

  test('with one, and if-exists reuse, plans no change', async () => {
    const existing = platform.addConnection({ name: NAME })

    const result = await run({ 'if-exists': 'reuse' })

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections'])
    expectReadsOnly()
    expect(result.outputs).toMatchObject({ plan: 'reuse', 'has-changes': 'false', 'connection-id': existing.id, outcome: 'planned' })
    expect(changesOf(result)).toEqual({ action: 'reuse', connectionId: existing.id, name: NAME, sandbox: 'prod', changes: [] })
    expect(result.outputs['plan-markdown']).toContain(`No changes: connection ${existing.id} exists and would be reused as it is (if-exists: reuse).`)
  })

  test('with one, and if-exists fail, fails as applying would, with the same message, after writing the plan', async () => {
    const existing = platform.addConnection({ name: NAME })
    const applied = await runAction(platformInputs(platform, CLIENT_SECRET, { ...database, 'if-exists': 'fail' }), { secrets: [platform.accessToken] })
    platform.requests.length = 0

    const result = await run({ 'if-exists': 'fail' })

    expect(result.code).toBe(1)
    expect(result.errors).toEqual(applied.errors)
    expect(result.errors).toEqual([expect.stringContaining(`already exists (${existing.id}), and if-exists is fail.`)])
    expectReadsOnly()
    expect(result.outputs).toMatchObject({ plan: 'fail', 'has-changes': 'false', 'connection-id': existing.id, outcome: 'planned' })
    expect(changesOf(result).changes).toEqual([])
    expect(result.summary).toContain('Applying would fail: A MySQL connection named')
  })

  test('two connections of the name fail as applying would', async () => {
    platform.addConnection({ name: NAME })
    platform.addConnection({ name: NAME })
    const applied = await runAction(platformInputs(platform, CLIENT_SECRET, database), { secrets: [platform.accessToken] })
    expect(platform.connections.size).toBe(2)
    platform.requests.length = 0

    const result = await run()

    expect(result.code).toBe(1)
    expect(result.errors).toEqual(applied.errors)
    expect(result.errors[0]).toMatch(/^2 MySQL connections are named/)
    expectReadsOnly()
    expect(result.outputs).toMatchObject({ plan: 'fail', 'has-changes': 'false', outcome: 'planned' })
    expect(result.outputs).not.toHaveProperty('connection-id')
  })

  test('if-exists create does not look, as applying would not, and plans a create', async () => {
    platform.addConnection({ name: NAME })

    const result = await run({ 'if-exists': 'create' })

    expect(calls()).toEqual(['POST /ims/token/v3'])
    expect(result.outputs).toMatchObject({ plan: 'create', 'has-changes': 'true' })
  })

  test('verify is skipped, and the log says so; preflight off sends nothing to a database', async () => {
    const result = await run({ verify: 'true' })

    expect(result.code).toBe(0)
    expectReadsOnly()
    expect(result.stdout).toContain('Verify skipped: a plan sends no explore request')
    expect(result.outputs).not.toHaveProperty('table-count')
  })
})

describe('plan: true for a delete', () => {
  const deleting = (overrides: Record<string, string>) => runAction(inputs({ operation: 'delete', ...overrides }), { secrets: [platform.accessToken] })

  test('by name, found: shows the connection that would go', async () => {
    const existing = platform.addConnection({ name: 'Orders DB', description: 'Nightly', auth: basicAuth('db.example.com') })

    const result = await deleting({ name: 'Orders DB' })

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', `GET /connections/${existing.id}`])
    expectReadsOnly()
    expect(result.outputs).toMatchObject({ plan: 'delete', 'has-changes': 'true', 'connection-id': existing.id, outcome: 'planned' })
    expect(changesOf(result)).toEqual({
      action: 'delete',
      connectionId: existing.id,
      name: 'Orders DB',
      sandbox: 'prod',
      changes: [
        { field: 'name', from: 'Orders DB', to: null },
        { field: 'description', from: 'Nightly', to: null },
        { field: 'auth-type', from: 'Basic Authentication', to: null },
        { field: 'host', from: 'db.example.com', to: null },
        { field: 'port', from: '3306', to: null },
        { field: 'database', from: 'shop', to: null },
        { field: 'username', from: 'etl', to: null },
        { field: 'credentials', from: '(hidden)', to: null }
      ]
    })
    expect(result.outputs['plan-markdown']).toContain('| - | host | db.example.com | — |')
    expect(result.outputs['plan-markdown']).toContain('Plan: 0 to add, 0 to change, 1 to destroy.')
    expect(platform.connections.has(existing.id)).toBe(true)
  })

  test('by id, found: reads it by id, and the heading names the id', async () => {
    const existing = platform.addConnection({ name: 'Orders DB' })

    const result = await deleting({ 'connection-id': existing.id })

    expect(calls()).toEqual(['POST /ims/token/v3', `GET /connections/${existing.id}`])
    expect(result.outputs).toMatchObject({ plan: 'delete', 'connection-id': existing.id })
    expect(result.summary).toContain(`### Plan for MySQL source connection ${existing.id}`)
  })

  test.each([
    ['by name', { name: 'Never created' }, ['POST /ims/token/v3', 'GET /connections'], 'Never created'],
    ['by id', { 'connection-id': 'c0ffee00-0000-4000-8000-000000000000' }, ['POST /ims/token/v3', 'GET /connections/c0ffee00-0000-4000-8000-000000000000'], null]
  ])('%s, absent: no changes', async (_, target, expectedCalls, name) => {
    const result = await deleting(target)

    expect(result.code).toBe(0)
    expect(calls()).toEqual(expectedCalls)
    expectReadsOnly()
    expect(result.outputs).toEqual({ plan: 'absent', 'has-changes': 'false', changes: expect.any(String), 'plan-markdown': expect.any(String), outcome: 'planned' })
    expect(changesOf(result)).toEqual({ action: 'absent', connectionId: null, name, sandbox: 'prod', changes: [] })
    expect(result.outputs['plan-markdown']).toContain('No changes: the connection does not exist')
  })

  test('by id, in a sandbox that does not exist: fails as applying would (not absent)', async () => {
    const result = await deleting({ 'connection-id': 'c0ffee00-0000-4000-8000-000000000000', 'sandbox-name': 'no-such-sandbox' })

    expect(result.code).toBe(1)
    expect(result.errors).toEqual([expect.stringMatching(/^Reading connection c0ffee00-.* failed: HTTP 404, FLOW-2100-404/)])
    expectReadsOnly()
  })
})

describe('plan and dry-run', () => {
  test('together are refused as a bad input, before any request', async () => {
    const result = await run({ 'dry-run': 'true' })

    expect(result.code).toBe(1)
    expect(result.errors).toEqual(['Input "plan" and "dry-run" are both true; choose one: plan reads Platform and shows what would change, dry-run sends nothing.'])
    expect(platform.requests).toEqual([])
  })
})

describe('no secret in the plan', () => {
  // Platform answers the read with the connection string in full, password and all: even then
  // no form of any secret reaches the changes, the Markdown, the summary or the log.
  test.each(['connection-string', 'basic'])('auth-type %s, every secret form', async (authType) => {
    const connectionString = `Server=db.example.com;Port=3306;Database=shop;Uid=etl;Pwd="${PASSWORD.replaceAll('"', '""')}";`
    const existing = platform.addConnection({ name: NAME, auth: { specName: 'Connection String Based Authentication', params: { connectionString } } })
    platform.inject({
      method: 'GET',
      path: `${FLOW_BASE}/connections/${existing.id}`,
      status: 200,
      body: {
        items: [
          {
            id: existing.id,
            name: NAME,
            description: PASSWORD,
            etag: existing.etag,
            connectionSpec: existing.connectionSpec,
            auth: { specName: existing.auth.specName, params: { connectionString } }
          }
        ]
      }
    })

    const result = await runAction(inputs({ ...database, 'auth-type': authType, description: `Uses ${PASSWORD}` }), { secrets: [platform.accessToken] })

    expect(result.code).toBe(0)
    expectReadsOnly()
    const secrets = [PASSWORD, CLIENT_SECRET, platform.accessToken, connectionString].flatMap(secretForms)
    expect(secrets.length).toBeGreaterThan(8)
    const changes = result.outputs.changes ?? ''
    const markdown = result.outputs['plan-markdown'] ?? ''
    for (const [where, text] of Object.entries({ changes, markdown, summary: result.summary, log: result.stdout + result.stderr })) {
      expect({ where, leaks: findLeaks(text, secrets) }).toEqual({ where, leaks: [] })
    }
    // Still valid JSON, with the credentials as one entry.
    const parsed = JSON.parse(changes) as PlanOutput
    expect(parsed.changes.filter((change) => change.field === 'credentials')).toEqual([{ field: 'credentials', from: '(hidden)', to: '(replaced)' }])
    expect(parsed.changes.find((change) => change.field === 'description')).toEqual({ field: 'description', from: '***', to: 'Uses ***' })
  })
})

test('on Experience Platform on AWS, a plan of connection-string auth fails as applying would, and says what the spec offers', async () => {
  const aws = await startFakePlatform({ clientSecret: CLIENT_SECRET, profile: 'aws' })
  try {
    const result = await runAction(platformInputs(aws, CLIENT_SECRET, { plan: 'true', ...database }), { secrets: [PASSWORD, CLIENT_SECRET, aws.accessToken] })

    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ plan: 'fail', 'has-changes': 'false', outcome: 'planned' })
    expect(result.errors).toEqual([
      'This organisation\'s MySQL connection spec offers only "Basic Authentication", not "Connection String Based Authentication" (auth-type: connection-string): set auth-type: basic.'
    ])
    expect(aws.requests.every((request) => request.method === 'GET' || request.path === '/ims/token/v3')).toBe(true)
  } finally {
    await aws.close()
  }
})

describe('a plan of a delete by id says absent wherever applying would', () => {
  test.each(['1102-404', '1003-404', '1439-404'] as const)('Platform answers "Resource not found" as %s', async (notFoundCode) => {
    const other = await startFakePlatform({ clientSecret: CLIENT_SECRET, notFoundCode })
    try {
      const result = await runAction(platformInputs(other, CLIENT_SECRET, { plan: 'true', operation: 'delete', 'connection-id': 'c0ffee-gone' }), {
        secrets: [CLIENT_SECRET, other.accessToken]
      })

      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ plan: 'absent', 'has-changes': 'false', outcome: 'planned' })
    } finally {
      await other.close()
    }
  })

  test('the connection is already being deleted (state delete-finalizing)', async () => {
    const lingering = platform.addConnection({ name: 'Orders DB', state: 'delete-finalizing' })

    const result = await run({ operation: 'delete', 'connection-id': lingering.id })

    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ plan: 'absent', 'has-changes': 'false', outcome: 'planned' })
  })
})
