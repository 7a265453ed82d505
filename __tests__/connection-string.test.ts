import { ConnectionStringError, type MysqlTarget, buildConnectionString, coreKeyOf, parseConnectionString, parsePairs, quoteValue } from '../src/mysql/connection-string.js'
import { thrownBy } from './support/expect-failure.js'
import { mysqlTarget } from './support/targets.js'

/** The validation pattern of the MySQL connection spec in Flow Service. */
const SPEC_PATTERN = /^([sS]erver=)(.*)( ?;[pP]ort=)(.*)(; ?[dD]atabase=)(.*)(; ?[uU]id=)(.*)(; ?[pP]wd=)(.*)(;)/

const target = (overrides: Partial<MysqlTarget> = {}): MysqlTarget => mysqlTarget('pw', overrides)

const errorOf = (fn: () => unknown): string => thrownBy(ConnectionStringError, fn)

// Passwords chosen to break naive quoting; each must survive build -> parse unchanged.
const TRICKY_PASSWORDS: Array<[string, string]> = [
  ['semicolon', ';'],
  ['semicolon inside', 'a;b'],
  ['single quote', "'"],
  ['double quote', '"'],
  ['both quotes', `a'b"c`],
  ['both quotes, at the ends', `"'x'"`],
  ['equals', '='],
  ['double equals', '=='],
  ['double semicolon', ';;'],
  ['key-like text', 'Pwd=x;Uid=root;'],
  ['leading spaces', '  lead'],
  ['trailing spaces', 'trail  '],
  ['spaces both sides', ' both '],
  ['only a space', ' '],
  ['tab', '\t'],
  ['tab inside', 'tab\tinside'],
  ['accented', 'pässwörd-é'],
  ['CJK', '密码'],
  ['emoji', 'key🔑🔐'],
  ['backslashes', 'back\\slash\\'],
  ['backslash before quote', 'a\\"b'],
  ['percent', '100%'],
  ['percent-encoding look-alike', '%20%3B'],
  ['control character', 'bell\u0007'],
  ['quoted-looking', "'quoted'"]
]

describe('quoteValue', () => {
  test.each<[string, string, string]>([
    ['plain text stays bare', 'abc123', 'abc123'],
    ['punctuation without quote, "=", ";" or space stays bare', 'p@ss!#$%^&*()-_+[]{}|\\:,.<>/?`~', 'p@ss!#$%^&*()-_+[]{}|\\:,.<>/?`~'],
    ['unicode stays bare', 'é密码🔑', 'é密码🔑'],
    ['empty stays bare (Key=;)', '', ''],
    ['space', 'a b', '"a b"'],
    ['tab', 'a\tb', '"a\tb"'],
    ['semicolon', 'a;b', '"a;b"'],
    ['equals', 'a=b', '"a=b"'],
    ['control character', 'a\u0001b', '"a\u0001b"'],
    ['single quote only: double quotes, nothing doubled', "it's", '"it\'s"'],
    ['double quote only: single quotes, nothing doubled', 'say "hi"', `'say "hi"'`],
    ['both quotes: double quotes, " doubled', `a'b"c"`, `"a'b""c"""`]
  ])('%s', (_, value, quoted) => {
    expect(quoteValue(value)).toBe(quoted)
  })

  test('refuses NUL', () => {
    expect(errorOf(() => quoteValue('a\0b'))).toMatch(/NUL/)
  })
})

describe('buildConnectionString', () => {
  test('writes the canonical key order, then SslMode and the options, each ending in ";"', () => {
    const built = buildConnectionString(
      target({
        host: 'db',
        port: 3307,
        password: 's3cret',
        sslMode: 'Required',
        options: [
          ['ConnectTimeout', '5'],
          ['CharSet', 'utf8mb4']
        ]
      })
    )
    expect(built).toBe('Server=db;Port=3307;Database=shop;Uid=etl;Pwd=s3cret;SslMode=Required;ConnectTimeout=5;CharSet=utf8mb4;')
  })

  test('without SslMode and options it ends right after Pwd', () => {
    expect(buildConnectionString(target())).toBe('Server=db.example.com;Port=3306;Database=shop;Uid=etl;Pwd=pw;')
  })

  test('doubles "=" in an option name and quotes option values', () => {
    const built = buildConnectionString(target({ options: [['a=b', 'x y']] }))
    expect(built.endsWith('Pwd=pw;a==b="x y";')).toBe(true)
    expect(parseConnectionString(built).options).toEqual([['a=b', 'x y']])
  })

  test.each([['a;b'], ["a'b"], ['a"b'], ['a\0b'], [' ']])('refuses the option name %j', (key) => {
    expect(errorOf(() => buildConnectionString(target({ options: [[key, '1']] })))).toMatch(/option name/)
  })

  test('refuses a NUL in the password without echoing it', () => {
    const message = errorOf(() => buildConnectionString(target({ password: 'hunter\0two' })))
    expect(message).toMatch(/NUL/)
    expect(message).not.toContain('hunter')
  })

  describe.each(TRICKY_PASSWORDS)('password: %s', (_, password) => {
    const plain = target({ password })
    const full = target({ password, host: 'db-1.internal', port: 33060, sslMode: 'VerifyFull', options: [['ConnectTimeout', '10']] })

    test('the built string matches the MySQL spec pattern, with the password in its Pwd group', () => {
      for (const t of [plain, full]) {
        const match = SPEC_PATTERN.exec(buildConnectionString(t))
        expect(match).not.toBeNull()
        expect(match?.[2]).toBe(t.host)
        expect(match?.[4]).toBe(String(t.port))
      }
    })

    test('parse(build(x)) gives x back', () => {
      expect(parseConnectionString(buildConnectionString(plain))).toEqual(plain)
      expect(parseConnectionString(buildConnectionString(full))).toEqual(full)
    })
  })

  test('tricky host, database and user names also round-trip and match the pattern', () => {
    const t = target({ host: 'my host', database: `d'b"x`, username: 'user=name;', password: ';' })
    const built = buildConnectionString(t)
    expect(built).toMatch(SPEC_PATTERN)
    expect(parseConnectionString(built)).toEqual(t)
  })
})

describe('parseConnectionString', () => {
  test('reads a plain string, with the default port', () => {
    expect(parseConnectionString('Server=db;Database=shop;Uid=etl;Pwd=pw;')).toEqual({
      host: 'db',
      port: 3306,
      database: 'shop',
      username: 'etl',
      password: 'pw',
      options: []
    })
  })

  test('keys are case-insensitive and the final ";" is optional', () => {
    const t = parseConnectionString('SERVER=db;pOrT=3310;DATABASE=shop;uid=etl;PWD=pw')
    expect(t).toMatchObject({ host: 'db', port: 3310, database: 'shop', username: 'etl', password: 'pw' })
  })

  test.each<[string, string]>([
    ['Host=db;Database=d;Uid=u;Pwd=p', 'host'],
    ['Data Source=db;Database=d;Uid=u;Pwd=p', 'host'],
    ['Address=db;Database=d;Uid=u;Pwd=p', 'host'],
    ['addr=db;Database=d;Uid=u;Pwd=p', 'host'],
    ['Network Address=db;Database=d;Uid=u;Pwd=p', 'host'],
    ['Server=h;Initial Catalog=db;Uid=u;Pwd=p', 'database'],
    ['Server=h;Database=d;User Id=db;Pwd=p', 'username'],
    ['Server=h;Database=d;Username=db;Pwd=p', 'username'],
    ['Server=h;Database=d;User=db;Pwd=p', 'username'],
    ['Server=h;Database=d;user name=db;Pwd=p', 'username'],
    ['Server=h;Database=d;Uid=u;Password=db', 'password']
  ])('synonym: %s', (text, field) => {
    expect(parseConnectionString(text)).toMatchObject({ [field]: 'db' })
  })

  test.each<[string, string]>([
    ['SSL Mode=Required', 'Required'],
    ['sslmode=required', 'Required'],
    ['SslMode=VERIFYFULL', 'VerifyFull'],
    ['SslMode=verifyca', 'VerifyCA'],
    ['SslMode=Preferred', 'Preferred'],
    ['SslMode=None', 'None'],
    ['SslMode=Disabled', 'None']
  ])('%s gives sslMode %s', (pair, mode) => {
    expect(parseConnectionString(`Server=h;Database=d;Uid=u;Pwd=p;${pair}`).sslMode).toBe(mode)
  })

  test('an empty SslMode is no SslMode', () => {
    expect(parseConnectionString('Server=h;Database=d;Uid=u;Pwd=p;SslMode=;')).not.toHaveProperty('sslMode')
  })

  test('the last duplicate wins, for core keys across synonyms and for options regardless of case', () => {
    const t = parseConnectionString('Server=first;Host=second;Database=d;Uid=u;Pwd=p;Foo=1;Bar=2;FOO=3')
    expect(t.host).toBe('second')
    expect(t.options).toEqual([
      ['FOO', '3'],
      ['Bar', '2']
    ])
  })

  test('whitespace around keys and bare values is dropped; inside a quoted value it is kept', () => {
    const t = parseConnectionString('  Server = db ;  Port= 3307 ;Database =shop;\tUid=etl ; Pwd = " p w " ;')
    expect(t).toMatchObject({ host: 'db', port: 3307, database: 'shop', username: 'etl', password: ' p w ' })
  })

  test.each<[string, string]>([
    ['"a""b"', 'a"b'],
    ["'it''s'", "it's"],
    ['"x;y=z"', 'x;y=z'],
    [`'say "hi"'`, 'say "hi"'],
    ['"p" ', 'p'],
    ["a'b", "a'b"]
  ])('Pwd=%s reads as %j', (written, password) => {
    expect(parseConnectionString(`Server=h;Database=d;Uid=u;Pwd=${written};`).password).toBe(password)
  })

  test('an empty Port means the default 3306', () => {
    expect(parseConnectionString('Server=h;Port=;Database=d;Uid=u;Pwd=p').port).toBe(3306)
  })

  test.each<[string, string]>([
    ['Database=d;Uid=u;Pwd=p', 'it has no Server (or an empty one)'],
    ['Server=h;Uid=u;Pwd=p', 'it has no Database (or an empty one)'],
    ['Server=h;Database=d', 'it has no Uid, Pwd (or an empty one)'],
    ['Server=;Database=d;Uid=u;Pwd=p', 'it has no Server (or an empty one)'],
    ['Server=h;Database=d;Uid=;Pwd=p', 'it has no Uid (or an empty one)'],
    ['Server=h;Database=d;Uid=u;Pwd=;', 'it has no Pwd (or an empty one)'],
    ['Server=h;Database=d;Uid=u;Pwd="";', 'it has no Pwd (or an empty one)'],
    ['', 'it has no Server, Database, Uid, Pwd (or an empty one)']
  ])('missing keys: %j', (text, message) => {
    expect(errorOf(() => parseConnectionString(text))).toBe(message)
  })

  test.each([['0'], ['65536'], ['abc'], ['3306.5'], ['-1'], ['123456'], ['33 06']])('Port=%s is refused', (port) => {
    expect(errorOf(() => parseConnectionString(`Server=h;Port=${port};Database=d;Uid=u;Pwd=p`))).toMatch(/Port is not a whole number from 1 to 65535/)
  })

  test.each([['1'], ['65535'], ['00080']])('Port=%s is accepted', (port) => {
    expect(parseConnectionString(`Server=h;Port=${port};Database=d;Uid=u;Pwd=p`).port).toBe(Number(port))
  })

  test('an unknown SslMode is refused, naming the allowed ones', () => {
    expect(errorOf(() => parseConnectionString('Server=h;Database=d;Uid=u;Pwd=p;SslMode=Sometimes'))).toBe(
      'its SslMode is not one of None, Preferred, Required, VerifyCA, VerifyFull'
    )
  })

  describe('syntax errors name a position and never the password', () => {
    const SECRET = 'Hunter2Secret'
    // Every 4-character piece of the secret: none may appear in a message.
    const pieces = Array.from({ length: SECRET.length - 3 }, (_, i) => SECRET.slice(i, i + 4))

    test.each<[string, string, RegExp]>([
      ['unterminated double quote', `Server=h;Database=d;Uid=u;Pwd="${SECRET}`, /^the quoted value that starts at position 31 is not closed$/],
      ['unterminated single quote', `Server=h;Pwd='${SECRET};Database=d`, /^the quoted value that starts at position 14 is not closed$/],
      ['text after the closing quote', `Server=h;Pwd="${SECRET}"x;Database=d`, /^expected ";" after the quoted value at position 29$/],
      ['missing "=" before ";"', `Server=h;${SECRET};Pwd=p`, /^expected "=" after the key that starts at position 10$/],
      ['missing "=" at the end', `Server=h;Pwd=p;${SECRET}`, /^expected "=" after the key that starts at position 16$/],
      ['missing key', `Server=h;=${SECRET};`, /^a key is missing before the "=" at position 10$/],
      ['NUL in a quoted value', `Server=h;Pwd="${SECRET}\0";`, /^a value contains a NUL character at position \d+$/],
      ['NUL in a bare value', `Server=h;Pwd=${SECRET}\0x;`, /NUL character/],
      ['password in the port', `Server=h;Port=${SECRET};Database=d;Uid=u;Pwd=p`, /Port is not a whole number/],
      ['password in the SslMode', `Server=h;Database=d;Uid=u;Pwd=p;SslMode=${SECRET}`, /SslMode is not one of/]
    ])('%s', (_, text, expected) => {
      const message = errorOf(() => parseConnectionString(text))
      expect(message).toMatch(expected)
      for (const piece of pieces) expect(message).not.toContain(piece)
    })
  })
})

describe('parsePairs and coreKeyOf', () => {
  test('skips empty segments and keeps unknown keys as spelled', () => {
    expect(parsePairs(';; a = 1 ;;;B==c=2;')).toEqual([
      ['a', '1'],
      ['B=c', '2']
    ])
  })

  test.each<[string, string | undefined]>([
    ['Data  Source', 'server'],
    ['NETWORKADDRESS', 'server'],
    ['Initial Catalog', 'database'],
    ['User ID', 'uid'],
    ['password', 'pwd'],
    ['Ssl Mode', 'sslmode'],
    ['Ssl-Mode', undefined],
    ['ConnectTimeout', undefined]
  ])('coreKeyOf(%j) is %s', (key, core) => {
    expect(coreKeyOf(key)).toBe(core)
  })
})
