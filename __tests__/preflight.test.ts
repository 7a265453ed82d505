// The pure part of preflight: TLS options per ssl-mode and the sentences for failed logins.
// (The logins themselves run against a real MariaDB in preflight.process.test.ts.)

import type { MysqlTarget } from '../src/mysql/connection-string.js'
import { describeLoginFailure, describeTimeout, seconds, tlsFor } from '../src/mysql/preflight.js'
import { mysqlTarget } from './support/targets.js'

const PASSWORD = 'pre;flight "pw"'
const target = (overrides: Partial<MysqlTarget> = {}): MysqlTarget => mysqlTarget(PASSWORD, overrides)

describe('tlsFor', () => {
  test.each<[MysqlTarget['sslMode'], unknown]>([
    [undefined, { rejectUnauthorized: false }],
    ['None', undefined],
    ['Preferred', { rejectUnauthorized: false }],
    ['Required', { rejectUnauthorized: false }],
    ['VerifyCA', { rejectUnauthorized: true, verifyIdentity: false }],
    ['VerifyFull', { rejectUnauthorized: true, verifyIdentity: true }]
  ])('%s', (sslMode, tls) => {
    expect(tlsFor(target(sslMode ? { sslMode } : {}))).toEqual(tls)
  })

  test('VerifyFull against an IP address leaves the name check to the action (mysql2 would check "localhost")', () => {
    expect(tlsFor(target({ sslMode: 'VerifyFull', host: '10.1.2.3' }))).toEqual({ rejectUnauthorized: true, verifyIdentity: false })
  })
})

describe('describeLoginFailure', () => {
  const mysqlError = (errno: number, sqlMessage: string) => ({ errno, sqlMessage, code: 'ER' })

  test.each<[string, unknown, MysqlTarget, RegExp]>([
    ['1045', mysqlError(1045, "Access denied for user 'etl'@'10.0.0.1' (using password: YES)"), target(), /^MySQL 1045: Access denied .*\. Check username and password\.$/],
    ['1045 without TLS', mysqlError(1045, 'Access denied'), target({ sslMode: 'None' }), /whether this user requires TLS \(then set ssl-mode to Required\)\.$/],
    [
      '1049',
      mysqlError(1049, "Unknown database 'shpo'"),
      target({ database: 'shpo' }),
      /^MySQL 1049: Unknown database 'shpo': database "shpo" does not exist on db\.example\.com:3306\./
    ],
    [
      '1044',
      mysqlError(1044, "Access denied for user 'etl'@'%' to database 'x'"),
      target({ database: 'x' }),
      /may not use database "x" \(MySQL answers this also when the database does not exist\)/
    ],
    ['3159', mysqlError(3159, 'Connections using insecure transport are prohibited'), target(), /the server requires TLS\. Set ssl-mode to Required/],
    ['refused', { code: 'ECONNREFUSED' }, target(), /^the connection to db\.example\.com:3306 was refused: nothing listens there\. Check host and port\.$/],
    ['DNS', { code: 'ENOTFOUND' }, target(), /^the host name "db\.example\.com" could not be resolved from the runner\. Check host\.$/],
    ['timeout', { code: 'ETIMEDOUT' }, target(), /admits only Adobe's IP ranges cannot be reached from the runner: preflight: warn keeps this a warning, off skips the login\.$/],
    [
      'no TLS on the server',
      { code: 'HANDSHAKE_NO_SSL_SUPPORT' },
      target({ sslMode: 'Required' }),
      /ssl-mode Required asks for TLS, but the server at db\.example\.com:3306 does not offer it/
    ],
    [
      'certificate',
      { code: 'HANDSHAKE_SSL_ERROR', message: 'self-signed certificate in certificate chain' },
      target({ sslMode: 'VerifyCA' }),
      /could not be verified under ssl-mode VerifyCA \(self-signed certificate in certificate chain\)/
    ],
    ['unknown', { code: 'EWHATEVER' }, target(), /^the login to db\.example\.com:3306 failed \(EWHATEVER\)\. Check host, port and ssl-mode\.$/],
    ['nothing at all', undefined, target(), /failed \(unknown error\)/]
  ])('%s', (_, error, t, expected) => {
    const sentence = describeLoginFailure(error, t)
    expect(sentence).toMatch(expected)
    expect(sentence).not.toContain(PASSWORD)
  })
})

describe('seconds', () => {
  test.each([
    [4000, '4 s'],
    [3999.6, '4 s'],
    [2500, '2.5 s'],
    [10_000, '10 s'],
    [40, '0 s'],
    [-5, '0 s']
  ])('%d ms is "%s"', (ms, text) => {
    expect(seconds(ms)).toBe(text)
  })
})

describe('describeTimeout', () => {
  test('a login that ran out of its budget: one sentence naming where, how long, and the IP-range case', () => {
    const sentence = describeTimeout('login', target(), 4000)
    expect(sentence).toMatch(
      /^no answer from db\.example\.com:3306 within 4 s, the preflight's share of timeout-seconds; .*Adobe's IP ranges.*preflight: warn keeps this a warning and off skips the login\.$/
    )
    expect(sentence.match(/\. /g)).toBeNull()
  })

  test('queries that ran out of its budget after the login: the login worked, so no network advice', () => {
    const sentence = describeTimeout('query', target({ port: 3307 }), 5000)
    expect(sentence).toBe(
      "db.example.com:3307 accepted the login but did not answer the preflight's queries within 5 s, the preflight's share of timeout-seconds; check the database's load, or set preflight: warn to go on without this check."
    )
  })

  test('never holds the password', () => {
    expect(describeTimeout('login', target(), 1000)).not.toContain(PASSWORD)
    expect(describeTimeout('query', target(), 1000)).not.toContain(PASSWORD)
  })
})
