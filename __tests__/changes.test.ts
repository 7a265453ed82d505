// The pure diff of plan mode: the non-secret parts read back from an auth, and the changes a
// create, an update or a delete would make.

import { authFor, shownParts } from '../src/connection/auth-params.js'
import { type ShownConnection, createChanges, deleteChanges, updateChanges } from '../src/connection/changes.js'
import type { MysqlTarget } from '../src/mysql/connection-string.js'
import { secretForms } from '../src/runner/secrets.js'

const PASSWORD = `Sh0wn-n"ever;'pw=1 `
const TARGET: MysqlTarget = { host: 'db.example.com', port: 3307, database: 'shop', username: 'etl', password: PASSWORD, sslMode: 'Required', options: [['CharSet', 'utf8mb4']] }
const CS = 'Connection String Based Authentication'
const BASIC = 'Basic Authentication'

describe('shownParts', () => {
  test('reads back every non-secret part of what authFor builds, for both auth types', () => {
    expect(shownParts(authFor(TARGET, 'connection-string'))).toEqual({ host: 'db.example.com', port: '3307', database: 'shop', username: 'etl', sslMode: 'Required' })
    expect(shownParts(authFor(TARGET, 'basic'))).toEqual({ host: 'db.example.com', port: '3307', database: 'shop', username: 'etl', sslMode: 'REQUIRED' })
  })

  test.each<[string, string, Record<string, string | null>]>([
    ['password hidden, the rest cut', 'Server=h;Port=3306;Database=d;Uid=u;Pwd=****;', { host: 'h', port: '3306', database: 'd', username: 'u', sslMode: null }],
    [
      'synonyms and spacing, as Connector/NET reads them',
      'host = h ; User Id=u;Initial Catalog=d;SSL Mode=None;Password=****',
      { host: 'h', port: null, database: 'd', username: 'u', sslMode: 'None' }
    ],
    ['the last of duplicate keys', 'Server=a;Server=b;Database=d;Uid=u;', { host: 'b', port: null, database: 'd', username: 'u', sslMode: null }],
    ['fully hidden', '****', { host: null, port: null, database: null, username: null, sslMode: null }],
    ['cut inside a quoted value', 'Server=h;Database="d', { host: null, port: null, database: null, username: null, sslMode: null }],
    ['empty', '', { host: null, port: null, database: null, username: null, sslMode: null }]
  ])('a returned connection string, %s', (_, connectionString, expected) => {
    expect(shownParts({ specName: CS, params: { connectionString } })).toEqual(expected)
  })

  test('a connection string shown with its password still yields no form of the password', () => {
    const parts = shownParts(authFor(TARGET, 'connection-string'))
    const text = JSON.stringify(parts)
    for (const form of secretForms(PASSWORD)) expect(text).not.toContain(form)
  })

  test('returned basic params: a numeric port, a boolean sslMode, a hidden password and missing values', () => {
    expect(shownParts({ specName: BASIC, params: { server: 'h', port: 3306, username: 'u', password: '****', sslMode: false } })).toEqual({
      host: 'h',
      port: '3306',
      database: null,
      username: 'u',
      sslMode: 'false'
    })
    expect(shownParts({ specName: BASIC, params: { server: { nested: true }, port: null } })).toEqual({ host: null, port: null, database: null, username: null, sslMode: null })
  })

  test('an auth spec it does not know shows nothing', () => {
    expect(shownParts({ specName: 'OAuth 2', params: { server: 'h' } })).toEqual({ host: null, port: null, database: null, username: null, sslMode: null })
  })
})

const draft = { name: 'Orders DB', description: 'Nightly', auth: authFor(TARGET, 'basic') }

function shown(overrides: Partial<ShownConnection> = {}): ShownConnection {
  return {
    name: 'Orders DB',
    description: 'Nightly',
    authSpecName: BASIC,
    authParams: { server: 'db.example.com', port: '3307', database: 'shop', username: 'etl', password: '****', sslMode: 'REQUIRED' },
    ...overrides
  }
}

describe('createChanges', () => {
  test('every field the create sets, from null, and the credentials as one entry', () => {
    expect(createChanges(draft)).toEqual([
      { field: 'name', from: null, to: 'Orders DB' },
      { field: 'description', from: null, to: 'Nightly' },
      { field: 'auth-type', from: null, to: BASIC },
      { field: 'host', from: null, to: 'db.example.com' },
      { field: 'port', from: null, to: '3307' },
      { field: 'database', from: null, to: 'shop' },
      { field: 'username', from: null, to: 'etl' },
      { field: 'ssl-mode', from: null, to: 'REQUIRED' },
      { field: 'credentials', from: null, to: '(set)' }
    ])
  })

  test('a field the create does not set (no ssl-mode) is left out', () => {
    const { sslMode: _, ...withoutSsl } = TARGET
    const fields = createChanges({ ...draft, auth: authFor(withoutSsl, 'connection-string') }).map((change) => change.field)
    expect(fields).not.toContain('ssl-mode')
  })
})

describe('updateChanges', () => {
  test('nothing differs: only the credentials, which are always replaced', () => {
    expect(updateChanges(shown(), draft)).toEqual([{ field: 'credentials', from: '(hidden)', to: '(replaced)' }])
  })

  test('each differing field, old to new; the name is not something an update sets', () => {
    const current = shown({ name: 'Anything', description: 'Old', authParams: { server: 'old.example.com', port: 3306, database: 'shop', username: 'root', password: '****' } })
    expect(updateChanges(current, draft)).toEqual([
      { field: 'description', from: 'Old', to: 'Nightly' },
      { field: 'host', from: 'old.example.com', to: 'db.example.com' },
      { field: 'port', from: '3306', to: '3307' },
      { field: 'username', from: 'root', to: 'etl' },
      { field: 'ssl-mode', from: null, to: 'REQUIRED' },
      { field: 'credentials', from: '(hidden)', to: '(replaced)' }
    ])
  })

  test('a connection string Platform hides entirely: every part from null', () => {
    const current = shown({ authSpecName: CS, authParams: { connectionString: '****' } })
    const change = { description: 'Nightly', auth: authFor(TARGET, 'connection-string') }
    expect(updateChanges(current, change)).toEqual([
      { field: 'host', from: null, to: 'db.example.com' },
      { field: 'port', from: null, to: '3307' },
      { field: 'database', from: null, to: 'shop' },
      { field: 'username', from: null, to: 'etl' },
      { field: 'ssl-mode', from: null, to: 'Required' },
      { field: 'credentials', from: '(hidden)', to: '(replaced)' }
    ])
  })

  test('an answer without an auth spec name: the auth type from null', () => {
    const changes = updateChanges(shown({ authSpecName: '' }), draft)
    expect(changes[0]).toEqual({ field: 'auth-type', from: null, to: BASIC })
  })

  test('no secret of the draft appears in any change, in any form', () => {
    const current = shown({ authSpecName: CS, authParams: { connectionString: 'Server=x;Database=y;Uid=z;Pwd=****;' } })
    const text = JSON.stringify([
      ...updateChanges(current, { description: 'd', auth: authFor(TARGET, 'connection-string') }),
      ...createChanges({ ...draft, auth: authFor(TARGET, 'connection-string') })
    ])
    for (const form of secretForms(PASSWORD)) expect(text).not.toContain(form)
  })
})

describe('deleteChanges', () => {
  test('every field the connection shows, to null; what it does not show is left out', () => {
    expect(deleteChanges(shown({ description: '', authParams: { server: 'h', password: '****' } }))).toEqual([
      { field: 'name', from: 'Orders DB', to: null },
      { field: 'description', from: '', to: null },
      { field: 'auth-type', from: BASIC, to: null },
      { field: 'host', from: 'h', to: null },
      { field: 'credentials', from: '(hidden)', to: null }
    ])
  })
})
