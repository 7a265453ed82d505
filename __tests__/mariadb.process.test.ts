// Proves the real-MariaDB harness the preflight tests stand on: every fixture user logs in over TCP
// with its exact password, and the REQUIRE SSL user only with TLS.

import mysql, { type ConnectionOptions } from 'mysql2/promise'
import { type MariaDb, useMariaDb, withMariaDb } from './support/mariadb.js'
import { type Fixtures, PASSWORD_USERS, seedPreflightFixtures } from './support/preflight-fixtures.js'

interface MysqlError {
  errno?: number
  code?: string
  message?: string
}

/** Logs in, runs what the preflight runs, and logs out. */
async function loginAndCount(db: MariaDb, options: ConnectionOptions) {
  const connection = await mysql.createConnection({ host: db.host, port: db.port, connectTimeout: 5000, ...options })
  try {
    const [[version]] = (await connection.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]]
    const [[count]] = (await connection.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'", [
      options.database
    ])) as unknown as [[{ n: number }]]
    const [[cipher]] = (await connection.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as unknown as [[{ Value: string }]]
    return { version: version.v, tables: Number(count.n), cipher: cipher.Value }
  } finally {
    await connection.end()
  }
}

async function loginError(db: MariaDb, options: ConnectionOptions): Promise<MysqlError> {
  try {
    await loginAndCount(db, options)
  } catch (error) {
    return error as MysqlError
  }
  throw new Error('expected the login to fail')
}

withMariaDb('mariadb.process.test.ts', 'real MariaDB', () => {
  describe('real MariaDB harness', () => {
    const server = useMariaDb()
    let fixtures: Fixtures

    beforeAll(async () => {
      fixtures = await seedPreflightFixtures(server())
    })

    test.each(PASSWORD_USERS.map((user) => [user.username, user.password]))('user %s logs in over TCP with password %j', async (user, password) => {
      const result = await loginAndCount(server(), { user, password, database: fixtures.database })
      expect(result.version).toMatch(/MariaDB/)
      expect(result.tables).toBe(fixtures.tableCount)
    })

    test('a wrong password is refused with 1045', async () => {
      const [user] = fixtures.users
      const error = await loginError(server(), { user: user?.username, password: `${user?.password}x` })
      expect(error).toMatchObject({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' })
    })

    test('secret_db is off limits with 1044', async () => {
      const [user] = fixtures.users
      const error = await loginError(server(), { ...credentials(user), database: fixtures.forbiddenDatabase })
      expect(error).toMatchObject({ errno: 1044, code: 'ER_DBACCESS_DENIED_ERROR' })
    })

    describe('the REQUIRE SSL user', () => {
      const as = () => ({ ...credentials(fixtures.tlsUser), database: fixtures.database })

      test('is refused without TLS', async () => {
        // MariaDB answers a REQUIRE SSL user without TLS with plain "access denied" (1045), not
        // MySQL 8's 3159 ER_SECURE_TRANSPORT_REQUIRED.
        expect(await loginError(server(), as())).toMatchObject({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' })
      })

      test('logs in with TLS verified against the test CA', async () => {
        const result = await loginAndCount(server(), { ...as(), ssl: { ca: server().caPem } })
        expect(result.tables).toBe(fixtures.tableCount)
        expect(result.cipher).not.toBe('')
      })

      // mysql2 sends no SNI for an IP host, so Node checks the certificate against the name
      // 'localhost', not against 127.0.0.1: a cert naming only the IP fails verifyIdentity there.
      test('logs in with TLS and the server identity checked', async () => {
        const result = await loginAndCount(server(), { ...as(), ssl: { ca: server().caPem, verifyIdentity: true } })
        expect(result.cipher).not.toBe('')
      })

      test('logs in with TLS unverified', async () => {
        const result = await loginAndCount(server(), { ...as(), ssl: { rejectUnauthorized: false } })
        expect(result.cipher).not.toBe('')
      })

      test('is refused when the certificate cannot be verified (test CA not given)', async () => {
        // mysql2 overwrites the TLS error's code (SELF_SIGNED_CERT_IN_CHAIN, …) with its own; only
        // the message keeps Node's wording. MariaDB sends its CA along, hence "in certificate chain".
        const error = await loginError(server(), { ...as(), ssl: {} })
        expect(error).toMatchObject({ code: 'HANDSHAKE_SSL_ERROR', message: 'self-signed certificate in certificate chain' })
      })
    })
  })

  describe('a MariaDB server without TLS', () => {
    const server = useMariaDb({ tls: false })

    beforeAll(async () => {
      await server().query("CREATE USER 'plain'@'%' IDENTIFIED BY 'plain-pass'")
    })

    test('mysql2 refuses to go on in plain text when TLS is asked for', async () => {
      const db = server()
      const error = await loginError(db, { user: 'plain', password: 'plain-pass', ssl: { rejectUnauthorized: false } })
      expect(error.code).toBe('HANDSHAKE_NO_SSL_SUPPORT')
      expect(await loginAndCount(db, { user: 'plain', password: 'plain-pass' })).toMatchObject({ cipher: '' })
    })
  })
})

function credentials(user: { username: string; password: string } | undefined) {
  if (!user) throw new Error('no fixture user')
  return { user: user.username, password: user.password }
}
