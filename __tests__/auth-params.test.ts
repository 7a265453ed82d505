import { type AuthSpec, readAuthSpecs } from '../src/platform/connection-specs.js'
import { authFor, shownParts } from '../src/connection/auth-params.js'
import type { MysqlTarget } from '../src/mysql/connection-string.js'
import { ActionError } from '../src/runner/errors.js'
import { thrownBy } from './support/expect-failure.js'
import { mysqlTarget } from './support/targets.js'

const PASSWORD = 'auth-Params-pass;1'
const target = (overrides: Partial<MysqlTarget> = {}): MysqlTarget => mysqlTarget(PASSWORD, overrides)

const CONNECTION_STRING_SPEC: AuthSpec = {
  name: 'Connection String Based Authentication',
  schema: { type: 'object', properties: { connectionString: { type: 'string' } }, required: ['connectionString'] }
}
const basic = (sslMode: Record<string, unknown>, port: Record<string, unknown> = { type: 'string' }): AuthSpec => ({
  name: 'Basic Authentication',
  schema: {
    type: 'object',
    required: ['server', 'port', 'database', 'username', 'password'],
    properties: { server: { type: 'string' }, port, database: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' }, sslMode }
  }
})
const AZURE_ENUM = { type: 'string', enum: ['DISABLED', 'PREFERRED', 'REQUIRED', 'Verify-Ca', 'Verify Identity'] }

describe('authFor: sslMode in the form the organisation spec declares', () => {
  test.each([
    ['no spec read', undefined, 'REQUIRED'],
    ['the Azure enum', [CONNECTION_STRING_SPEC, basic(AZURE_ENUM)], 'REQUIRED'],
    ['a boolean', [basic({ type: 'boolean' })], true],
    ['the strings "true" and "false"', [basic({ type: 'string', enum: ['true', 'false'] })], 'true'],
    ['a plain string, on an organisation that offers no connection-string auth (AWS)', [basic({ type: 'string' })], 'true'],
    ['a plain string with a default of false', [CONNECTION_STRING_SPEC, basic({ type: 'string', default: false })], 'true'],
    ['a plain string, beside connection-string auth (Azure)', [CONNECTION_STRING_SPEC, basic({ type: 'string' })], 'REQUIRED']
  ])('%s', (_, specs, expected) => {
    expect(authFor(target({ sslMode: 'Required' }), 'basic', specs).params.sslMode).toBe(expected)
  })

  test.each([
    ['None', false],
    ['Preferred', false],
    ['Required', true],
    ['VerifyCA', true],
    ['VerifyFull', true]
  ] as const)('as a boolean, %s enforces TLS: %s', (sslMode, enforced) => {
    expect(authFor(target({ sslMode }), 'basic', [basic({ type: 'boolean' })]).params.sslMode).toBe(enforced)
  })

  test.each([
    ['None', 'DISABLED', 'false'],
    ['Preferred', 'PREFERRED', 'false'],
    ['Required', 'REQUIRED', 'true'],
    ['VerifyCA', 'Verify-Ca', 'true'],
    ['VerifyFull', 'Verify Identity', 'true']
  ] as const)('ssl-mode %s goes as %j in the Azure enum, and as %j in the strings "true" and "false"', (sslMode, azure, text) => {
    expect(authFor(target({ sslMode }), 'basic', [CONNECTION_STRING_SPEC, basic(AZURE_ENUM)]).params.sslMode).toBe(azure)
    expect(authFor(target({ sslMode }), 'basic', [basic({ type: 'string', enum: ['true', 'false'] })]).params.sslMode).toBe(text)
  })

  test('port goes as a number where the schema says so, else as a string', () => {
    expect(authFor(target(), 'basic', [basic({ type: 'boolean' }, { type: 'integer' })]).params.port).toBe(3306)
    expect(authFor(target(), 'basic', [basic({ type: 'boolean' })]).params.port).toBe('3306')
  })
})

describe('authFor: what the organisation spec refuses, before anything is written', () => {
  test('an auth type it does not offer: one sentence naming what it offers and the input to set', () => {
    expect(thrownBy(ActionError, () => authFor(target(), 'connection-string', [basic({ type: 'boolean' })]))).toBe(
      'This organisation\'s MySQL connection spec offers only "Basic Authentication", not "Connection String Based Authentication" (auth-type: connection-string): set auth-type: basic.'
    )
  })

  test('every broken param at once, by field and input, never by value', () => {
    const strict: AuthSpec = {
      name: 'Basic Authentication',
      schema: { required: ['sslMode'], properties: { port: { type: 'string', pattern: '^4[0-9]{2}$' }, password: { type: 'string', pattern: '^[a-z]+$' } } }
    }
    const message = thrownBy(ActionError, () => authFor(target(), 'basic', [strict]))
    expect(message).toContain('"sslMode" (from the ssl-mode input) is required but not set')
    expect(message).toContain('"port" (from the port input) does not have the form the spec requires')
    expect(message).toContain('"password" (from the password input) does not have the form the spec requires')
    expect(message).toMatch(/check those inputs\.$/)
    expect(message).not.toContain(PASSWORD)
    expect(message).not.toContain('3306')
  })

  test('a pattern this engine cannot read is left to the server', () => {
    const odd: AuthSpec = { name: 'Basic Authentication', schema: { properties: { server: { type: 'string', pattern: '(?<' } } } }
    expect(authFor(target(), 'basic', [odd]).params.server).toBe('db.example.com')
  })
})

describe('readAuthSpecs', () => {
  test('reads the auth specs of the first item, skipping entries without a name', () => {
    const body = { items: [{ authSpec: [{ name: 'Basic Authentication', spec: { type: 'object' } }, { spec: {} }, 'junk', { name: 'Other' }] }] }
    expect(readAuthSpecs(body)).toEqual([
      { name: 'Basic Authentication', schema: { type: 'object' } },
      { name: 'Other', schema: {} }
    ])
  })

  test.each([[{}], [{ items: [] }], [{ items: [{ authSpec: 'x' }] }], [null]])('%j holds none', (body) => {
    expect(readAuthSpecs(body)).toBeUndefined()
  })
})

test('shownParts reads back what authFor wrote, never the password', () => {
  const written = authFor(target({ sslMode: 'VerifyCA' }), 'basic')
  expect(shownParts(written)).toEqual({ host: 'db.example.com', port: '3306', database: 'shop', username: 'etl', sslMode: 'Verify-Ca' })
  expect(JSON.stringify(shownParts(authFor(target(), 'connection-string')))).not.toContain(PASSWORD)
})

test('a pattern that backtracks for ever is left to the server, within a bounded time', () => {
  const redos: AuthSpec = { name: 'Basic Authentication', schema: { properties: { password: { type: 'string', pattern: '^([\\s\\S]|[\\s\\S])*\\u0000$' } } } }
  const started = Date.now()
  expect(authFor(target({ password: 'x'.repeat(40) }), 'basic', [redos]).params.password).toBe('x'.repeat(40))
  expect(Date.now() - started).toBeLessThan(2000)
})
