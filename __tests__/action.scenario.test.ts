// The bundled action, run as the runner runs it, against the local IMS + Flow Service server.

import { type FakePlatform, MYSQL_SPEC_ID, startFakePlatform } from '../testing/fake-platform.mjs'
import { expectFailure, expectFailures } from './support/expect-failure.js'
import { runAction } from './support/in-process.js'
import { DATABASE, FLOW_BASE, calls as callsOf, platformInputs } from '../testing/scenario.mjs'

const PASSWORD = `p;a'ss"wo=rd 密码 `
const CLIENT_SECRET = 'e2e-client-secret-5f1d9a'

let platform: FakePlatform

beforeAll(async () => {
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET, pageSize: 50 })
})
afterAll(() => platform.close())
beforeEach(() => platform.reset())

const inputs = (overrides: Record<string, string> = {}) => platformInputs(platform, CLIENT_SECRET, { ...DATABASE, password: PASSWORD, ...overrides })

const secrets = (): string[] => [PASSWORD, CLIENT_SECRET, platform.accessToken, `Pwd="p;a'ss""wo=rd 密码 ";`]
const run = (overrides: Record<string, string> = {}) => runAction(inputs(overrides), { secrets: secrets() })
const platformRequests = () => platform.requests.filter((r) => r.path.startsWith(FLOW_BASE))
const calls = () => callsOf(platform)

describe('upsert', () => {
  test('creates a new connection with a canonical connection string and hands its id on', async () => {
    const result = await run()

    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', 'POST /connections'])
    const [connection] = [...platform.connections.values()]
    expect(result.outputs).toEqual({ 'connection-id': connection!.id, etag: connection!.etag, outcome: 'created' })
    expect(connection!.name).toBe('MySQL shop on db.example.com')
    expect(connection!.auth).toEqual({
      specName: 'Connection String Based Authentication',
      params: { connectionString: `Server=db.example.com;Port=3306;Database=shop;Uid=etl;Pwd="p;a'ss""wo=rd 密码 ";` }
    })
    expect(connection!.description).toMatch(
      /^Managed by GitHub Actions: octo-org\/data-pipelines, workflow "Deploy sources", run 4242 \(https:\/\/github\.com\/octo-org\/data-pipelines\/actions\/runs\/4242\)\. \[run-token [0-9a-f-]{36}\]$/
    )
    expect(platform.invalidBodies).toEqual([])
  })

  test('sends the IMS form and the Platform headers the API requires', async () => {
    await run({ 'sandbox-name': 'prod', scopes: 'openid, AdobeID' })

    const ims = platform.requests[0]!
    expect(ims.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(ims.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'test-client-id',
      client_secret: CLIENT_SECRET,
      scope: 'openid,AdobeID'
    })
    for (const request of platformRequests()) {
      expect(request.headers).toMatchObject({
        authorization: `Bearer ${platform.accessToken}`,
        'x-api-key': 'test-client-id',
        'x-gw-ims-org-id': 'TESTORG@AdobeOrg',
        'x-sandbox-name': 'prod'
      })
      if (request.body !== '') expect(request.headers['content-type']).toBe('application/json')
    }
    const lookup = platformRequests()[0]!
    expect(lookup.query.property).toEqual(['name==MySQL shop on db.example.com', `connectionSpec.id==${MYSQL_SPEC_ID}`])
  })

  test('updates an existing connection with If-Match, keeping its id', async () => {
    const existing = platform.addConnection({ name: 'Orders DB', description: 'old' })
    const etag = existing.etag

    const result = await run({ name: 'Orders DB', description: 'Nightly orders', port: '3307', 'ssl-mode': 'Required' })

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', `PATCH /connections/${existing.id}`])
    expect(platform.requests[2]!.headers['if-match']).toBe(etag)
    expect(platform.requests[2]!.json).toEqual([
      { op: 'replace', path: '/auth/params', value: { connectionString: `Server=db.example.com;Port=3307;Database=shop;Uid=etl;Pwd="p;a'ss""wo=rd 密码 ";SslMode=Required;` } },
      { op: 'add', path: '/description', value: 'Nightly orders' }
    ])
    const stored = platform.connections.get(existing.id)!
    expect(result.outputs).toEqual({ 'connection-id': existing.id, etag: stored.etag, outcome: 'updated' })
    expect(stored.etag).not.toBe(etag)
    expect(stored.description).toBe('Nightly orders')
    expect(platform.invalidBodies).toEqual([])
  })

  test('switching auth-type replaces the whole auth of an existing connection', async () => {
    const existing = platform.addConnection({
      name: 'Orders DB',
      auth: { specName: 'Basic Authentication', params: { server: 'old', port: '3306', database: 'shop', username: 'etl', password: 'old-password' } }
    })

    const result = await run({ name: 'Orders DB' })

    expect(result.outputs).toMatchObject({ 'connection-id': existing.id, outcome: 'updated' })
    expect(platform.connections.get(existing.id)!.auth).toEqual({
      specName: 'Connection String Based Authentication',
      params: { connectionString: `Server=db.example.com;Port=3306;Database=shop;Uid=etl;Pwd="p;a'ss""wo=rd 密码 ";` }
    })
    expect(platform.invalidBodies).toEqual([])
  })

  test('reuses an existing connection unchanged, and verify counts the tables Platform sees', async () => {
    const existing = platform.addConnection({ name: 'Orders DB', tables: ['a', 'b', 'c', 'd'] })

    const result = await run({ name: 'Orders DB', 'if-exists': 'reuse', verify: 'true' })

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', `GET /connections/${existing.id}/explore`])
    expect(platform.requests[2]!.query.objectType).toEqual(['root'])
    expect(result.outputs).toEqual({ 'connection-id': existing.id, etag: existing.etag, outcome: 'reused', 'table-count': '4', tables: '["a","b","c","d"]' })
  })

  test('fails without a change when the connection exists and if-exists is fail', async () => {
    const existing = platform.addConnection({ name: 'Orders DB' })

    const result = await run({ name: 'Orders DB', 'if-exists': 'fail' })

    expect(expectFailure(result)).toContain(`already exists (${existing.id})`)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections'])
  })

  test('if-exists create never looks and always creates, marking its own connection', async () => {
    platform.addConnection({ name: 'Orders DB' })

    const result = await run({ name: 'Orders DB', 'if-exists': 'create', description: 'Per-PR copy' })

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['POST /ims/token/v3', 'POST /connections'])
    expect(platform.connections.size).toBe(2)
    expect(platform.connections.get(result.outputs['connection-id']!)!.description).toMatch(/^Per-PR copy \[run-token [0-9a-f-]{36}\]$/)
  })

  test('finds the one connection among hundreds, ignoring near names and other specs', async () => {
    platform.seed(600, (i) => ({ name: i % 3 === 0 ? `Orders DB ${i}` : `orders db`, specId: i % 3 === 1 ? MYSQL_SPEC_ID : 'another-spec' }))
    const target = platform.addConnection({ name: 'Orders DB' })
    platform.addConnection({ name: 'Orders DB', specId: 'another-spec' })

    const result = await run({ name: 'Orders DB', 'if-exists': 'reuse' })

    expect(result.outputs['connection-id']).toBe(target.id)
    expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections'])
  })

  test('follows page links when the name cannot go into the server filter', async () => {
    platform.seed(180, (i) => ({ name: `Orders, shard ${i}` }))
    const target = platform.addConnection({ name: 'Orders, shard 7b' })

    const result = await run({ name: 'Orders, shard 7b', 'if-exists': 'reuse' })

    expect(result.outputs).toMatchObject({ 'connection-id': target.id, outcome: 'reused' })
    expect(calls()).toEqual(['POST /ims/token/v3', ...Array(4).fill('GET /connections')])
  })

  test('refuses to guess between two connections with the same name', async () => {
    const a = platform.addConnection({ name: 'Orders DB' })
    const b = platform.addConnection({ name: 'Orders DB' })

    const result = await run({ name: 'Orders DB' })

    const message = expectFailure(result)
    expect(message).toContain(a.id)
    expect(message).toContain(b.id)
    expect(calls()).not.toContain('POST /connections')
  })
})

describe('credentials and auth types', () => {
  test('a ready access token skips IMS', async () => {
    const result = await run({ 'client-secret': '', 'access-token': platform.accessToken })

    expect(result.code).toBe(0)
    expect(calls()).toEqual(['GET /connections', 'POST /connections'])
  })

  test('basic auth sends the spec parameters, with the spec spelling of the SSL mode', async () => {
    const result = await run({ 'auth-type': 'basic', 'ssl-mode': 'VerifyFull', port: '3310' })

    expect(result.code).toBe(0)
    const [connection] = [...platform.connections.values()]
    expect(connection!.auth).toEqual({
      specName: 'Basic Authentication',
      params: { server: 'db.example.com', port: '3310', database: 'shop', username: 'etl', password: PASSWORD, sslMode: 'Verify Identity' }
    })
    expect(platform.invalidBodies).toEqual([])
  })

  test('a given connection string is parsed and rewritten in the canonical form', async () => {
    const given = `host = db.internal ; User Id=etl;Password='a"b';Initial Catalog=shop;CharSet=utf8mb4;`
    const result = await runAction(inputs({ host: '', database: '', username: '', password: '', 'connection-string': given }), { secrets: [given, 'a"b', platform.accessToken] })

    expect(result.code).toBe(0)
    const [connection] = [...platform.connections.values()]
    expect(connection!.name).toBe('MySQL shop on db.internal')
    expect(connection!.auth.params).toEqual({ connectionString: `Server=db.internal;Port=3306;Database=shop;Uid=etl;Pwd='a"b';CharSet=utf8mb4;` })
  })
})

describe('dry run', () => {
  test('prints the plan with secrets hidden and sends nothing', async () => {
    const result = await run({ 'dry-run': 'true', verify: 'true' })

    expect(result.code).toBe(0)
    expect(platform.requests).toEqual([])
    expect(result.outputs).toEqual({ outcome: 'dry-run' })
    expect(result.stdout).toContain('"connectionString": "***"')
    expect(result.stdout).toContain('GET http://127.0.0.1:')
    expect(result.stdout).toContain('/connections?property=name==MySQL%20shop%20on%20db.example.com&property=connectionSpec.id==')
    expect(result.stdout).toContain('/explore?objectType=root')
  })
})

describe('reporting', () => {
  test('the job summary names the connection and holds no secret', async () => {
    const result = await run()

    const id = result.outputs['connection-id']!
    for (const expected of ['MySQL shop on db.example.com', id, 'created', 'prod']) expect(result.summary).toContain(expected)
  })

  test('a Flow Service error becomes one line with its code, detail and request id', async () => {
    platform.inject({
      method: 'POST',
      path: `${FLOW_BASE}/connections`,
      status: 400,
      body: {
        type: 'https://ns.adobe.com/aep/errors/FLOW-1302-400',
        title: 'Invalid connection',
        status: 400,
        report: { 'detailed-message': `Connection string ${PASSWORD} is invalid`, 'request-id': 'req-77' }
      }
    })

    const result = await run()

    expect(expectFailure(result)).toMatch(
      /^Creating the connection failed: HTTP 400, FLOW-1302-400 Invalid connection: Connection string \*\*\* is invalid \(request id req-77\)\./
    )
  })

  test('bad inputs fail before any request, one error line per input', async () => {
    const result = await run({ port: '70000', 'if-exists': 'maybe', 'ims-org-id': '' })

    const errors = expectFailures(result)
    expect(platform.requests).toEqual([])
    expect(errors).toHaveLength(3)
    expect(errors.join('\n')).toMatch(/"port"[\s\S]*"if-exists"|"if-exists"[\s\S]*"port"/)
    expect(errors.join('\n')).toContain('"ims-org-id"')
  })
})
