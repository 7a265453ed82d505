import { DEFAULTS, type DeleteSettings, type InputProblem, type Settings, type UpsertSettings, isLoopback, readSettings } from '../src/settings/inputs.js'

const PASSWORD = 'Zx9!qQ#pw-Secretive'
const CLIENT_SECRET = 'p8e-ClientSecret-77'

function settingsFrom(inputs: Record<string, string>): ReturnType<typeof readSettings> {
  return readSettings((name) => inputs[name] ?? '')
}

/** A valid upsert by parts; rows override or blank out single inputs. */
const BASE: Record<string, string> = {
  'client-id': 'my-client-id',
  'client-secret': CLIENT_SECRET,
  'ims-org-id': 'ABC123@AdobeOrg',
  host: 'db.example.com',
  database: 'shop',
  username: 'etl',
  password: PASSWORD
}

const NO_PARTS = { host: '', port: '', database: '', username: '', password: '' }
const CONNECTION_STRING = `Server=cs-host;Port=3310;Database=warehouse;Uid=loader;Pwd="${PASSWORD} ";`

function valid(inputs: Record<string, string>): Settings {
  const { settings, problems } = settingsFrom(inputs)
  expect(problems).toEqual([])
  if (!settings) throw new Error('no settings')
  return settings
}

function validUpsert(inputs: Record<string, string>): UpsertSettings {
  const settings = valid(inputs)
  if (settings.operation !== 'upsert') throw new Error(`operation ${settings.operation}`)
  return settings
}

function validDelete(inputs: Record<string, string>): DeleteSettings {
  const settings = valid(inputs)
  if (settings.operation !== 'delete') throw new Error(`operation ${settings.operation}`)
  return settings
}

function problemsOf(inputs: Record<string, string>): InputProblem[] {
  const { settings, problems } = settingsFrom(inputs)
  expect(settings).toBeUndefined()
  expect(problems.length).toBeGreaterThan(0)
  return problems
}

describe('readSettings: valid inputs', () => {
  test('parts, with every default', () => {
    expect(valid(BASE)).toEqual({
      operation: 'upsert',
      clientId: 'my-client-id',
      credentials: { kind: 'client-secret', clientSecret: CLIENT_SECRET, scopes: DEFAULTS.scopes },
      imsOrgId: 'ABC123@AdobeOrg',
      sandboxName: 'prod',
      imsUrl: 'https://ims-na1.adobelogin.com',
      platformUrl: 'https://platform.adobe.io',
      target: { host: 'db.example.com', port: 3306, database: 'shop', username: 'etl', password: PASSWORD, options: [] },
      authType: 'connection-string',
      name: 'MySQL shop on db.example.com',
      ifExists: 'update',
      verify: false,
      mode: 'apply',
      maxAttempts: 5,
      timeoutSeconds: 300,
      cleanup: false,
      preflight: 'off'
    })
  })

  test('a connection string, parsed into the target', () => {
    const given = ` ${CONNECTION_STRING}SslMode=Required;ConnectTimeout=5; `
    const settings = validUpsert({ ...BASE, ...NO_PARTS, 'connection-string': given })
    expect(settings.target).toEqual({
      host: 'cs-host',
      port: 3310,
      database: 'warehouse',
      username: 'loader',
      password: `${PASSWORD} `,
      sslMode: 'Required',
      options: [['ConnectTimeout', '5']]
    })
    expect(settings.name).toBe('MySQL warehouse on cs-host')
  })

  test('basic auth, an access token and explicit choices', () => {
    const settings = valid({
      ...BASE,
      'client-secret': '',
      'access-token': 'eyJ.token.sig',
      'auth-type': 'Basic',
      port: '3307',
      'ssl-mode': 'verifyca',
      name: 'Orders DB',
      description: 'Line one\nline two',
      'if-exists': 'REUSE',
      verify: 'true',
      'dry-run': 'TRUE',
      cleanup: 'True',
      preflight: 'warn',
      'max-attempts': '10',
      'timeout-seconds': '3600',
      'sandbox-name': 'dev-1'
    })
    expect(settings).toMatchObject({
      credentials: { kind: 'access-token', accessToken: 'eyJ.token.sig' },
      authType: 'basic',
      target: { port: 3307, sslMode: 'VerifyCA' },
      name: 'Orders DB',
      description: 'Line one\nline two',
      ifExists: 'reuse',
      verify: true,
      mode: 'dry-run',
      cleanup: true,
      preflight: 'warn',
      maxAttempts: 10,
      timeoutSeconds: 3600,
      sandboxName: 'dev-1'
    })
  })

  test.each<[Record<string, string>, string]>([
    [{}, 'apply'],
    [{ 'dry-run': 'true' }, 'dry-run'],
    [{ plan: 'true' }, 'plan'],
    [{ plan: 'True', 'dry-run': 'false' }, 'plan']
  ])('%o runs in mode %s', (overrides, mode) => {
    expect(valid({ ...BASE, ...overrides }).mode).toBe(mode)
    expect(valid({ ...BASE, ...NO_PARTS, operation: 'delete', name: 'Orders DB', ...overrides }).mode).toBe(mode)
  })

  test('scopes are trimmed and empty ones dropped', () => {
    const settings = valid({ ...BASE, scopes: ' openid , AdobeID,, session ,' })
    expect(settings.credentials).toEqual({ kind: 'client-secret', clientSecret: CLIENT_SECRET, scopes: 'openid,AdobeID,session' })
  })

  test.each<[string, string, string]>([
    ['platform-url', 'https://platform-stage.adobe.io/', 'https://platform-stage.adobe.io'],
    ['platform-url', 'https://proxy.example.com/adobe//', 'https://proxy.example.com/adobe'],
    ['platform-url', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['ims-url', 'http://localhost:1', 'http://localhost:1'],
    ['ims-url', 'http://[::1]:9000/', 'http://[::1]:9000']
  ])('%s %s is accepted as %s', (input, value, expected) => {
    const settings = valid({ ...BASE, [input]: value })
    expect(input === 'ims-url' ? settings.imsUrl : settings.platformUrl).toBe(expected)
  })

  test('password and connection-string are not trimmed; every other input is', () => {
    const parts = validUpsert({ ...BASE, 'client-id': '  cid  ', 'ims-org-id': '\tORG@AdobeOrg ', host: ' db ', name: '  Orders  ', password: `  ${PASSWORD}  ` })
    expect(parts.clientId).toBe('cid')
    expect(parts.imsOrgId).toBe('ORG@AdobeOrg')
    expect(parts.target.host).toBe('db')
    expect(parts.name).toBe('Orders')
    expect(parts.target.password).toBe(`  ${PASSWORD}  `)
    const secret = valid({ ...BASE, 'client-secret': `  ${CLIENT_SECRET}  ` })
    expect(secret.credentials).toMatchObject({ clientSecret: CLIENT_SECRET })
  })

  test('a trailing newline is trimmed away from ordinary inputs, but not from password or connection-string', () => {
    const trimmed = validUpsert({ ...BASE, host: 'db.example.com\n', 'client-secret': `${CLIENT_SECRET}\n`, name: 'Orders\r\n' })
    expect(trimmed.target.host).toBe('db.example.com')
    expect(trimmed.name).toBe('Orders')
    const withPassword = problemsOf({ ...BASE, password: `${PASSWORD}\n` })
    expect(withPassword).toEqual([{ input: 'password', message: expect.stringContaining('ends in a line break: check how the value was pasted') }])
    const withString = problemsOf({ ...BASE, ...NO_PARTS, 'connection-string': `${CONNECTION_STRING}\n` })
    expect(withString.map((p) => p.input)).toEqual(['connection-string'])
    expect(withString[0]?.message).toContain('ends in a line break')
  })

  test('connection-options are merged over the connection string options, the later line winning', () => {
    const settings = validUpsert({
      ...BASE,
      ...NO_PARTS,
      'connection-string': `${CONNECTION_STRING}ConnectTimeout=5;CharSet=latin1;`,
      'connection-options': 'charset=utf8mb4\r\nAllowPublicKeyRetrieval=true; connecttimeout = 30'
    })
    expect(settings.target.options).toEqual([
      ['connecttimeout', '30'],
      ['charset', 'utf8mb4'],
      ['AllowPublicKeyRetrieval', 'true']
    ])
  })

  test('ssl-mode agreeing with the connection string is fine', () => {
    const settings = validUpsert({ ...BASE, ...NO_PARTS, 'connection-string': `${CONNECTION_STRING}SslMode=required;`, 'ssl-mode': 'Required' })
    expect(settings.target.sslMode).toBe('Required')
  })

  test('delete by connection-id needs no database', () => {
    const settings = validDelete({ ...BASE, ...NO_PARTS, operation: 'delete', 'connection-id': 'c0ffee-id' })
    expect(settings.connection).toEqual({ by: 'id', id: 'c0ffee-id' })
    expect(settings).not.toHaveProperty('target')
  })

  test('delete by name needs no database', () => {
    const settings = validDelete({ ...BASE, ...NO_PARTS, operation: 'DELETE', name: 'Orders DB' })
    expect(settings.connection).toEqual({ by: 'name', name: 'Orders DB' })
    expect(settings).not.toHaveProperty('target')
  })

  test.each<[string, Record<string, string>, string]>([
    ['all the parts', {}, 'MySQL shop on db.example.com'],
    ['host and database alone', { username: '', password: '' }, 'MySQL shop on db.example.com'],
    ['a connection string', { ...NO_PARTS, 'connection-string': CONNECTION_STRING }, 'MySQL warehouse on cs-host']
  ])('delete derives the default name from %s, without reading credentials into a target', (_, overrides, name) => {
    const settings = validDelete({ ...BASE, ...overrides, operation: 'delete' })
    expect(settings.connection).toEqual({ by: 'name', name })
    expect(settings).not.toHaveProperty('target')
  })
})

describe('readSettings: bad inputs', () => {
  test('a line break in host is one problem, without echoing the value', () => {
    const problems = problemsOf({ ...BASE, host: 'db\nevil' })
    expect(problems).toEqual([{ input: 'host', message: expect.stringContaining('must be on one line') }])
  })

  test.each<[string, Record<string, string>, string, string]>([
    ['missing client-id', { 'client-id': '' }, 'client-id', 'is required'],
    ['missing ims-org-id', { 'ims-org-id': '' }, 'ims-org-id', '@AdobeOrg'],
    ['client-secret and access-token', { 'access-token': 'tok' }, 'client-secret', 'are both set'],
    ['neither client-secret nor access-token', { 'client-secret': '' }, 'client-secret', 'or "access-token" is required'],
    [
      'connection-string with host',
      { 'connection-string': CONNECTION_STRING, port: '', database: '', username: '', password: '' },
      'host',
      'cannot be combined with "connection-string"'
    ],
    ['connection-string with port', { ...NO_PARTS, 'connection-string': CONNECTION_STRING, port: '3306' }, 'port', 'cannot be combined'],
    ['connection-string with password', { ...NO_PARTS, 'connection-string': CONNECTION_STRING, password: PASSWORD }, 'password', 'cannot be combined'],
    ['port 0', { port: '0' }, 'port', 'from 1 to 65535; got "0"'],
    ['port 65536', { port: '65536' }, 'port', 'got "65536"'],
    ['port abc', { port: 'abc' }, 'port', 'got "abc"'],
    ['port 3306.5', { port: '3306.5' }, 'port', 'got "3306.5"'],
    ['empty host', { host: '' }, 'host', 'is required'],
    ['host with a space', { host: 'db example' }, 'host', 'without spaces'],
    ['host with ";"', { host: 'db;Pwd=x' }, 'host', 'without spaces, quotes'],
    ['empty database', { database: '' }, 'database', 'is required'],
    ['empty username', { username: '' }, 'username', 'is required'],
    ['empty password', { password: '' }, 'password', 'is required'],
    ['newline in host', { host: 'db\nevil' }, 'host', 'must be on one line'],
    ['newline in name', { name: 'Orders\nDB' }, 'name', 'must be on one line'],
    ['newline in password', { password: `${PASSWORD}\n2` }, 'password', 'must be on one line'],
    ['carriage return in client-secret', { 'client-secret': `${CLIENT_SECRET}\rX` }, 'client-secret', 'must be on one line'],
    ['NUL in client-id', { 'client-id': 'my\0id' }, 'client-id', 'NUL character'],
    ['NUL in password', { password: `${PASSWORD}\0` }, 'password', 'NUL character'],
    ['unknown if-exists', { 'if-exists': 'replace' }, 'if-exists', 'must be one of update, reuse, fail, create; got "replace"'],
    ['unknown auth-type', { 'auth-type': 'kerberos' }, 'auth-type', 'must be one of connection-string, basic'],
    ['unknown ssl-mode', { 'ssl-mode': 'sometimes' }, 'ssl-mode', 'must be one of None, Preferred, Required, VerifyCA, VerifyFull'],
    ['ssl-mode Disabled (a connection-string spelling only)', { 'ssl-mode': 'Disabled' }, 'ssl-mode', 'got "Disabled"'],
    ['unknown operation', { operation: 'create' }, 'operation', 'must be one of upsert, delete'],
    ['unknown preflight', { preflight: 'maybe' }, 'preflight', 'must be one of off, warn, fail'],
    ['verify yes', { verify: 'yes' }, 'verify', 'must be true or false; got "yes"'],
    ['dry-run 1', { 'dry-run': '1' }, 'dry-run', 'must be true or false; got "1"'],
    ['plan yes', { plan: 'yes' }, 'plan', 'must be true or false; got "yes"'],
    ['plan with dry-run', { plan: 'true', 'dry-run': 'true' }, 'plan', 'and "dry-run" are both true; choose one'],
    ['plan with dry-run on a delete', { operation: 'delete', name: 'Orders DB', plan: 'true', 'dry-run': 'true' }, 'plan', 'and "dry-run" are both true'],
    ['max-attempts 0', { 'max-attempts': '0' }, 'max-attempts', 'from 1 to 10; got "0"'],
    ['max-attempts 11', { 'max-attempts': '11' }, 'max-attempts', 'from 1 to 10; got "11"'],
    ['timeout-seconds 0', { 'timeout-seconds': '0' }, 'timeout-seconds', 'from 1 to 3600; got "0"'],
    ['timeout-seconds 3601', { 'timeout-seconds': '3601' }, 'timeout-seconds', 'from 1 to 3600; got "3601"'],
    ['timeout-seconds -5', { 'timeout-seconds': '-5' }, 'timeout-seconds', 'got "-5"'],
    ['sandbox-name with a space', { 'sandbox-name': 'my sandbox' }, 'sandbox-name', 'without spaces'],
    ['platform-url not a url', { 'platform-url': 'not a url' }, 'platform-url', 'must be a URL such as https://platform.adobe.io'],
    ['platform-url over plain http', { 'platform-url': 'http://platform.adobe.io' }, 'platform-url', 'must use https://'],
    ['ims-url over plain http to a LAN address', { 'ims-url': 'http://10.0.0.1' }, 'ims-url', 'must use https://'],
    ['platform-url with ftp', { 'platform-url': 'ftp://platform.adobe.io' }, 'platform-url', 'must use https://'],
    ['platform-url with user:pass@', { 'platform-url': 'https://user:pass@platform.adobe.io' }, 'platform-url', 'without user name, password, query or fragment'],
    ['ims-url with a query', { 'ims-url': 'https://ims-na1.adobelogin.com/?x=1' }, 'ims-url', 'without user name, password, query or fragment'],
    [
      'malformed connection-string',
      { ...NO_PARTS, 'connection-string': `Server=h;Pwd="${PASSWORD}` },
      'connection-string',
      'is not a valid MySQL connection string: the quoted value that starts at position 14 is not closed'
    ],
    ['connection-string without a database', { ...NO_PARTS, 'connection-string': 'Server=h;Uid=u;Pwd=p' }, 'connection-string', 'it has no Database'],
    ['connection-string with a bad port', { ...NO_PARTS, 'connection-string': 'Server=h;Port=99999;Database=d;Uid=u;Pwd=p' }, 'connection-string', 'Port is not a whole number'],
    [
      'ssl-mode conflicting with the connection string',
      { ...NO_PARTS, 'connection-string': `${CONNECTION_STRING}SslMode=None;`, 'ssl-mode': 'Required' },
      'ssl-mode',
      'conflicts with the SslMode'
    ],
    ['malformed connection-options', { 'connection-options': 'AllowZeroDateTime' }, 'connection-options', 'line 1 is not a valid Key=Value option'],
    ['malformed second line of connection-options', { 'connection-options': 'a=1\nb="unclosed' }, 'connection-options', 'line 2 is not a valid Key=Value option'],
    ['connection-options repeating Server', { 'connection-options': 'Server=other' }, 'connection-options', 'repeats "Server"'],
    ['connection-options repeating Pwd', { 'connection-options': 'Pwd=other' }, 'connection-options', 'repeats "Pwd"'],
    ['connection-options repeating User Id', { 'connection-options': 'a=1;User Id=root' }, 'connection-options', 'repeats "User Id"'],
    ['connection-options with SslMode', { 'connection-options': 'SSL Mode=Required' }, 'connection-options', 'use the "ssl-mode" input'],
    [
      'connection-options with auth-type basic',
      { 'auth-type': 'basic', 'connection-options': 'ConnectTimeout=5' },
      'connection-options',
      'only applies to auth-type: connection-string'
    ],
    ['connection-id without operation delete', { 'connection-id': 'abc' }, 'connection-id', 'is only used with operation: delete'],
    ['cleanup with delete', { operation: 'delete', cleanup: 'true' }, 'cleanup', 'only applies to operation: upsert'],
    ['preflight with delete', { operation: 'delete', preflight: 'warn' }, 'preflight', 'only applies to operation: upsert'],
    ['an option name with a quote', { 'connection-options': 'x"y=1' }, 'connection-options', 'contains a quote or NUL'],
    ['an option name with NUL', { 'connection-options': 'a\0b=1' }, 'connection-options', 'contains a quote or NUL'],
    ['a Unicode line separator in the password', { password: 'a\u2028b' }, 'password', 'must be on one line'],
    ['a next-line character in the password', { password: 'a\u0085b' }, 'password', 'must be on one line'],
    ['port mysql', { port: 'mysql' }, 'port', 'got "mysql"'],
    ['platform-url without a scheme', { 'platform-url': 'platform.adobe.io' }, 'platform-url', 'must be a URL such as https://platform.adobe.io'],
    ['ims-url with ftp', { 'ims-url': 'ftp://ims.example' }, 'ims-url', 'must use https://'],
    ['ims-url ending in a bare ?', { 'ims-url': 'https://ims.example/?' }, 'ims-url', 'without user name, password, query or fragment'],
    ['ims-url ending in a bare #', { 'ims-url': 'https://ims.example#' }, 'ims-url', 'without user name, password, query or fragment'],
    ['platform-url ending in a bare /?', { 'platform-url': 'https://platform.example/?' }, 'platform-url', 'without user name, password, query or fragment'],
    ['platform-url ending in a bare #', { 'platform-url': 'https://platform.example#' }, 'platform-url', 'without user name, password, query or fragment'],
    ['connection-options repeating Pwd by its alias Password', { 'connection-options': 'Password=other' }, 'connection-options', 'repeats "Password"'],
    ['connection-options repeating Server on its second line', { 'connection-options': 'CharSet=utf8\nServer=elsewhere' }, 'connection-options', 'repeats "Server"']
  ])('%s', (_, overrides, input, fragment) => {
    const problems = problemsOf({ ...BASE, ...overrides })
    const problem = problems.find((p) => p.input === input)
    expect(problem).toBeDefined()
    expect(problem?.message).toContain(`Input "${input}"`)
    expect(problem?.message).toContain(fragment)
  })

  test.each<[string, Record<string, string>]>([
    ['nothing', NO_PARTS],
    ['a host alone', { ...NO_PARTS, host: 'db' }]
  ])('delete with %s to go by fails, naming connection-id', (_, overrides) => {
    const problems = problemsOf({ ...BASE, ...overrides, operation: 'delete' })
    expect(problems).toHaveLength(1)
    expect(problems[0]?.input).toBe('connection-id')
    expect(problems[0]?.message).toContain('or "name" is required with operation: delete')
  })

  test.each<[string, string]>([
    ['"."', '.'],
    ['".."', '..'],
    ['with a slash', 'a/b'],
    ['climbing out of the collection', '../connections'],
    ['with a space inside', 'c0ffee 1'],
    ['with a tab inside', 'c0ffee\t1'],
    ['with BEL (U+0007)', 'c0ffee\u00071'],
    ['with DEL (U+007F)', 'c0ffee\u007f1']
  ])('delete by a connection-id %s is refused: it would leave the connections collection', (_, id) => {
    expect(problemsOf({ ...BASE, ...NO_PARTS, operation: 'delete', 'connection-id': id })).toEqual([
      { input: 'connection-id', message: expect.stringContaining('must be a plain connection id') }
    ])
  })

  test('delete with a malformed connection string names connection-string', () => {
    const problems = problemsOf({ ...BASE, ...NO_PARTS, 'connection-string': 'Server=h;Uid=u;Pwd=p', operation: 'delete' })
    expect(problems.map((p) => p.input)).toEqual(['connection-string'])
    expect(problems[0]?.message).toContain('it has no Database')
  })

  test.each<[string, string]>([
    ['client-id', 'my client'],
    ['ims-org-id', 'ORG€@AdobeOrg'],
    ['sandbox-name', 'dev one'],
    ['access-token', 'tok\u00e9n']
  ])('%s must be visible ASCII, as an HTTP header', (input, value) => {
    const overrides = input === 'access-token' ? { 'client-secret': '', 'access-token': value } : { [input]: value }
    expect(problemsOf({ ...BASE, ...overrides })).toEqual([{ input, message: expect.stringContaining('only visible ASCII characters') }])
  })

  test('auth-type basic refuses options inside the connection string', () => {
    const problems = problemsOf({ ...BASE, ...NO_PARTS, 'auth-type': 'basic', 'connection-string': `${CONNECTION_STRING}AllowPublicKeyRetrieval=true;` })
    expect(problems).toEqual([{ input: 'connection-string', message: expect.stringContaining('holds options (AllowPublicKeyRetrieval)') }])
  })

  test('several bad inputs at once give one problem each', () => {
    const problems = problemsOf({
      ...BASE,
      'client-id': '',
      port: '0',
      'if-exists': 'sometimes',
      verify: 'yes',
      'max-attempts': '99',
      'platform-url': 'http://platform.adobe.io'
    })
    expect(problems.map((p) => p.input).sort()).toEqual(['client-id', 'if-exists', 'max-attempts', 'platform-url', 'port', 'verify'])
  })

  test('every problem message starts by naming its input', () => {
    const problems = problemsOf({ ...BASE, 'client-id': '', 'ims-org-id': '', host: '', 'dry-run': 'nope' })
    for (const { input, message } of problems) expect(message.startsWith(`Input "${input}" `)).toBe(true)
  })

  test.each<[string, Record<string, string>]>([
    ['newline in password', { password: `${PASSWORD}\nmore` }],
    ['NUL in password', { password: `${PASSWORD}\0` }],
    ['malformed connection-string', { ...NO_PARTS, 'connection-string': `Server=h;Database=d;Uid=u;Pwd="${PASSWORD}` }],
    ['text after the quoted password', { ...NO_PARTS, 'connection-string': `Server=h;Database=d;Uid=u;Pwd="${PASSWORD}"tail` }],
    ['password in the key position', { ...NO_PARTS, 'connection-string': `Server=h;${PASSWORD};Database=d;Uid=u` }],
    ['connection-string mixed with parts', { 'connection-string': CONNECTION_STRING }],
    ['client-secret together with access-token', { 'access-token': 'token-value' }],
    ['client-secret with a newline', { 'client-secret': `${CLIENT_SECRET}\nX` }],
    ['password in the connection-options', { 'connection-options': `Pwd=${PASSWORD}` }],
    ['connection-options that break on the password', { 'connection-options': `x="${PASSWORD}` }]
  ])('no problem message contains the password or client secret: %s', (_, overrides) => {
    const problems = problemsOf({ ...BASE, ...overrides })
    for (const { message } of problems) {
      expect(message).not.toContain(PASSWORD)
      expect(message).not.toContain(CLIENT_SECRET)
      expect(message).not.toContain('Secretive')
      expect(message).not.toContain('ClientSecret')
    }
  })
})

describe('readSettings: pr-comment and github-token', () => {
  const TOKEN = 'ghs_InputsToken0123456789abcdef'

  test('with plan: true, the token comes along for the comment', () => {
    expect(valid({ ...BASE, plan: 'true', 'pr-comment': 'true', 'github-token': TOKEN }).prComment).toEqual({ token: TOKEN })
    expect(valid({ ...BASE, operation: 'delete', name: 'Orders', plan: 'true', 'pr-comment': 'True', 'github-token': TOKEN }).prComment).toEqual({ token: TOKEN })
  })

  test('without pr-comment there is no comment, whatever the token', () => {
    expect(valid({ ...BASE, plan: 'true', 'github-token': TOKEN })).not.toHaveProperty('prComment')
    expect(valid({ ...BASE, plan: 'true', 'pr-comment': 'false', 'github-token': TOKEN })).not.toHaveProperty('prComment')
  })

  test.each<[string, Record<string, string>, string, string]>([
    [
      'pr-comment without plan',
      { 'pr-comment': 'true' },
      'pr-comment',
      'only applies with "plan: true", as the comment holds the plan: set plan: true in this step, or leave pr-comment out.'
    ],
    ['pr-comment with dry-run', { 'pr-comment': 'true', 'dry-run': 'true' }, 'pr-comment', 'only applies with "plan: true"'],
    ['pr-comment yes', { 'pr-comment': 'yes', plan: 'true' }, 'pr-comment', 'must be true or false; got "yes"'],
    [
      'pr-comment with an empty github-token',
      { 'pr-comment': 'true', plan: 'true' },
      'github-token',
      "is required with pr-comment: true: leave it out to use the job's GITHUB_TOKEN"
    ],
    ['github-token with a space', { 'pr-comment': 'true', plan: 'true', 'github-token': 'ghs_ abc' }, 'github-token', 'only visible ASCII characters'],
    ['github-token on two lines', { 'github-token': `${TOKEN}\nx` }, 'github-token', 'must be on one line']
  ])('%s', (_, overrides, input, fragment) => {
    const problems = problemsOf({ ...BASE, ...overrides })
    expect(problems.map((p) => p.input)).toEqual([input])
    expect(problems[0]?.message).toContain(fragment)
    for (const problem of problems) expect(problem.message).not.toContain(TOKEN)
  })

  test("plan and dry-run both true with pr-comment: one problem, the plan's", () => {
    expect(problemsOf({ ...BASE, plan: 'true', 'dry-run': 'true', 'pr-comment': 'true', 'github-token': TOKEN }).map((p) => p.input)).toEqual(['plan'])
  })
})

describe('readSettings: sandbox-name is a technical name', () => {
  test.each<[string, string]>([
    ['prod', 'prod'],
    ['dev-1', 'dev-1'],
    ['pr-42', 'pr-42'],
    ['one letter', 'a'],
    ['256 characters', `d${'0'.repeat(255)}`]
  ])('%s is accepted as it is', (_, sandbox) => {
    expect(valid({ ...BASE, 'sandbox-name': sandbox }).sandboxName).toBe(sandbox)
  })

  test.each<[string, string]>([
    ['an upper-case letter', 'Dev'],
    ['a title in upper case', 'PROD'],
    ['a leading digit', '1dev'],
    ['a leading hyphen', '-dev'],
    ['an underscore', 'dev_1'],
    ['a dot', 'dev.1'],
    ['a slash', 'dev/1']
  ])('%s is refused with where to find the name: %s', (_, sandbox) => {
    expect(problemsOf({ ...BASE, 'sandbox-name': sandbox })).toEqual([
      {
        input: 'sandbox-name',
        message: `Input "sandbox-name" must be the sandbox's technical name (lower-case letters, digits and hyphens, starting with a letter, at most 256 characters), which Platform shows in the Name column of Sandboxes → Browse and in GET /data/foundation/sandbox-management/sandboxes; got "${sandbox}".`
      }
    ])
  })

  test('a name over 256 characters is refused by its length, not echoed', () => {
    const [problem] = problemsOf({ ...BASE, 'sandbox-name': 'd'.repeat(257) })
    expect(problem?.message).toContain('got a value of 257 characters.')
  })

  test('on a delete too, before any request', () => {
    expect(problemsOf({ ...BASE, operation: 'delete', 'connection-id': 'c0ffee', 'sandbox-name': 'Dev' }).map((p) => p.input)).toEqual(['sandbox-name'])
  })
})

describe('isLoopback', () => {
  test.each<[string, boolean]>([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['[::1]', true],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false]
  ])('%s -> %s', (hostname, loopback) => {
    expect(isLoopback(hostname)).toBe(loopback)
  })
})

describe('readSettings: each problem once', () => {
  test.each(['upsert', 'delete'])('an invalid connection-string is one problem with operation %s', (operation) => {
    const problems = problemsOf({ ...BASE, ...NO_PARTS, operation, 'connection-string': 'Server=db;Port=x;Database=d;Uid=u;Pwd=p;' })
    expect(problems.map((problem) => problem.input)).toEqual(['connection-string'])
  })
})
