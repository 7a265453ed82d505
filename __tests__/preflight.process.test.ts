// Preflight against a real MariaDB server: the bundled action logs in with exactly the values
// it then sends to Platform, and stops before any Platform request when the login fails.

import { createServer } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConnectionString } from '../src/mysql/connection-string.js'
import { type FakePlatform, startFakePlatform } from '../testing/fake-platform.mjs'
import { expectFailure } from './support/expect-failure.js'
import { type MariaDb, useMariaDb, withMariaDb } from './support/mariadb.js'
import { type Fixtures, seedPreflightFixtures } from './support/preflight-fixtures.js'
import { type RunResult, runAction } from '../testing/run-action.mjs'
import { platformInputs } from '../testing/scenario.mjs'

const CLIENT_SECRET = 'preflight-client-secret-0b'

withMariaDb('preflight.process.test.ts', 'preflight against real MariaDB', () => {
  describe('preflight against real MariaDB', () => {
    const server = useMariaDb()
    let db: MariaDb
    let fixtures: Fixtures
    let platform: FakePlatform
    let certDir: string

    beforeAll(async () => {
      db = server()
      fixtures = await seedPreflightFixtures(db)
      platform = await startFakePlatform({ clientSecret: CLIENT_SECRET })
      certDir = mkdtempSync(join(tmpdir(), 'preflight-ca-'))
      writeFileSync(join(certDir, 'ca.pem'), db.caPem)
    })
    afterAll(async () => {
      await platform?.close()
      rmSync(certDir, { recursive: true, force: true })
    })
    beforeEach(() => platform.reset())

    function run(user: { username: string; password: string }, overrides: Record<string, string> = {}): Promise<RunResult> {
      const database = { host: db.host, port: String(db.port), database: fixtures.database, username: user.username, password: user.password }
      return runAction(
        platformInputs(platform, CLIENT_SECRET, { ...database, preflight: 'fail', ...overrides }),
        // The test CA lets VerifyCA and VerifyFull check the server certificate for real.
        { secrets: [user.password, CLIENT_SECRET, platform.accessToken], env: { NODE_EXTRA_CA_CERTS: join(certDir, 'ca.pem') } }
      )
    }

    test.each(['semi', 'quotes', 'equals', 'spaces', 'unicode', 'mixed'])('the password of %s logs in, and Platform receives that same password', async (username) => {
      const user = fixtures.users.find((u) => u.username === username)!

      const result = await run(user)

      expect(result.errors).toEqual([])
      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ outcome: 'created', 'mysql-table-count': String(fixtures.tableCount) })
      expect(result.outputs['mysql-version']).toMatch(/MariaDB/)
      const [connection] = [...platform.connections.values()]
      const sent = parseConnectionString(connection!.auth.params.connectionString as string)
      expect(sent.password).toBe(user.password)
      expect(sent).toMatchObject({ host: db.host, port: db.port, username: user.username, database: 'shop' })
    })

    test('a wrong password fails before any Platform request, with the MySQL error number', async () => {
      const result = await run({ username: 'semi', password: 'not;the-password' })

      expect(expectFailure(result)).toMatch(
        /^Preflight login to MySQL failed: MySQL 1045: Access denied for user 'semi'@'[^']+' \(using password: YES\)\. Check username and password\.$/
      )
      expect(platform.requests).toEqual([])
    })

    test('with preflight warn, a failed login is a warning and the connection is still created', async () => {
      const result = await run({ username: 'semi', password: 'not;the-password' }, { preflight: 'warn' })

      expect(result.code).toBe(0)
      expect(result.warnings).toEqual([expect.stringContaining('MySQL 1045')])
      expect(result.outputs.outcome).toBe('created')
      expect(result.outputs['mysql-version']).toBeUndefined()
    })

    test('an unknown database is named', async () => {
      const result = await run(fixtures.users[0]!, { database: 'shpo' })

      // MariaDB answers 1044 rather than 1049 to a user who may not see the database.
      expect(expectFailure(result)).toMatch(/MySQL 104[49]: .*'shpo'.*Check the database/)
      expect(platform.requests).toEqual([])
    })

    test('a database the user may not use is 1044', async () => {
      const result = await run(fixtures.users[0]!, { database: fixtures.forbiddenDatabase })

      expect(expectFailure(result)).toMatch(/^Preflight login to MySQL failed: MySQL 1044: .*may not use database "secret_db"/)
    })

    test('a refused port says nothing listens there', async () => {
      const port = await freePort()

      const result = await run(fixtures.users[0]!, { port: String(port) })

      expect(expectFailure(result)).toBe(`Preflight login to MySQL failed: the connection to 127.0.0.1:${port} was refused: nothing listens there. Check host and port.`)
      expect(platform.requests).toEqual([])
    })

    test('a TLS-only user logs in with ssl-mode Required', async () => {
      const result = await run(fixtures.tlsUser, { 'ssl-mode': 'Required' })

      expect(result.code).toBe(0)
      expect(result.outputs.outcome).toBe('created')
    })

    test('a TLS-only user fails with ssl-mode None, and is told about TLS', async () => {
      const result = await run(fixtures.tlsUser, { 'ssl-mode': 'None' })

      expect(expectFailure(result)).toMatch(/MySQL 1045: .*whether this user requires TLS \(then set ssl-mode to Required\)/)
      expect(platform.requests).toEqual([])
    })

    test.each(['VerifyCA', 'VerifyFull'])('%s verifies the certificate against the trusted CA', async (sslMode) => {
      const result = await run(fixtures.tlsUser, { 'ssl-mode': sslMode })

      expect(result.errors).toEqual([])
      expect(result.code).toBe(0)
    })

    test('VerifyFull fails when the certificate does not name the host', async () => {
      // The server certificate names 127.0.0.1 and localhost, not 127.0.0.2 (also loopback).
      const result = await run(fixtures.tlsUser, { 'ssl-mode': 'VerifyFull', host: '127.0.0.2' })

      expect(expectFailure(result)).toMatch(/TLS certificate could not be verified under ssl-mode VerifyFull/)
    })

    test('dry-run preflights too, and still sends nothing to Platform', async () => {
      const result = await run(fixtures.users[0]!, { 'dry-run': 'true' })

      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ outcome: 'dry-run', 'mysql-table-count': '3' })
      expect(platform.requests).toEqual([])
    })

    test('plan preflights too, and then only reads Platform', async () => {
      const result = await run(fixtures.users[0]!, { plan: 'true' })

      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ outcome: 'planned', plan: 'create', 'mysql-table-count': '3' })
      // The token, the lookup and the organisation's MySQL spec: reads only.
      expect(platform.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET'])
    })

    test('plan stops at a failed preflight with preflight: fail, before any Platform request', async () => {
      const result = await run({ ...fixtures.users[0]!, password: 'not-the-password-1' }, { plan: 'true', preflight: 'fail' })

      expect(result.code).toBe(1)
      expect(result.errors).toEqual([expect.stringMatching(/^Preflight login to MySQL failed: MySQL 1045/)])
      expect(result.outputs).not.toHaveProperty('plan')
      expect(platform.requests).toEqual([])
    })
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
