import { quoteValue } from '../src/mysql/connection-string.js'
import { Redactor, matchedSpellings, normalise, secretForms, weakSecretWarning } from '../src/runner/secrets.js'
import { JSON_DIALECTS, jsonString, secretSpellings, spellingsIn } from './support/hostile-text.js'

/** A Redactor with these secrets added, and every form it handed to setSecret. */
function redactorWith(...secrets: string[]): { redactor: Redactor; registered: string[] } {
  const redactor = new Redactor()
  const registered: string[] = []
  for (const secret of secrets) redactor.hide(secret, (form) => registered.push(form))
  return { redactor, registered }
}

describe('secretForms', () => {
  test('a value with nothing to escape has itself and its base64 forms', () => {
    expect(secretForms('Plain123')).toEqual(['Plain123', 'UGxhaW4xMjM=', 'UGxhaW4xMjM'])
  })

  test.each<[string, string, string[]]>([
    ['space', 'a b', ['a b', 'a%20b', 'a+b', 'YSBi', '"a b"']],
    ['double quote', 'x"y', ['x"y', 'x\\"y', 'x%22y', 'x&quot;y', 'eCJ5', `'x"y'`]],
    ['both quotes', `a'b"c`, [`a'b"c`, `a'b\\"c`, "a'b%22c", 'a%27b%22c', 'a&#39;b&quot;c', 'YSdiImM=', 'YSdiImM', `"a'b""c"`]],
    ['semicolon and equals', 'k=v;', ['k=v;', 'k%3Dv%3B', 'k%3dv%3b', 'az12Ow==', 'az12Ow', '"k=v;"']],
    ['backslash and tab', 'a\\b\tc', ['a\\b\tc', 'a\\\\b\\tc', 'a%5Cb%09c', 'a%5cb%09c', 'YVxiCWM=', 'YVxiCWM', '"a\\b\tc"']],
    ['unicode, also misread as Latin-1', 'pässwörd', ['pässwörd', 'p%C3%A4ssw%C3%B6rd', 'p%c3%a4ssw%c3%b6rd', 'cMOkc3N3w7ZyZA==', 'cMOkc3N3w7ZyZA', 'pÃ¤sswÃ¶rd']],
    ['plus and ampersand', 'a+b&c', ['a+b&c', 'a%2Bb%26c', 'a%2bb%26c', 'a+b&amp;c', 'YStiJmM=', 'YStiJmM']],
    ['NUL (no quoted form exists)', 'a\0b', ['a\0b', 'a\\u0000b', 'a%00b', 'YQBi']]
  ])('%s: the forms are exactly the distinct spellings', (_, value, expected) => {
    expect(new Set(secretForms(value))).toEqual(new Set(expected))
    expect(secretForms(value)).toHaveLength(expected.length)
  })

  test.each([['p w'], ['"'], ["'"], [';'], ['é'], ['密码'], ['🔑'], ['%'], ['x']])('%j: raw and quoted forms, no empty form', (value) => {
    const forms = secretForms(value)
    expect(forms[0]).toBe(value)
    expect(forms).toContain(quoteValue(value))
    expect(forms).toContain(encodeURIComponent(value))
    expect(forms).not.toContain('')
  })

  test('the empty value has no empty form', () => {
    expect(secretForms('')).not.toContain('')
  })
})

describe('Redactor', () => {
  test('add registers every new form once with setSecret, and refuses the empty value', () => {
    const redactor = new Redactor()
    const calls: string[] = []
    const setSecret = (form: string): void => {
      calls.push(form)
    }
    expect(redactor.hide('my secret"', setSecret)).toBe(true)
    expect(calls).toEqual(secretForms('my secret"'))
    expect(redactor.hide('my secret"', setSecret)).toBe(true)
    expect(calls).toHaveLength(secretForms('my secret"').length)
    expect(redactor.hide('', setSecret)).toBe(false)
    expect(calls).toHaveLength(secretForms('my secret"').length)
  })

  test('a second secret sharing a form registers only its new forms', () => {
    const { registered } = redactorWith('ab cd', 'ab+cd')
    // "ab cd" form-encodes to "ab+cd", which is the second secret's raw form.
    expect(registered.filter((form) => form === 'ab+cd')).toHaveLength(1)
    expect(new Set(registered).size).toBe(registered.length)
    expect(registered).toContain('ab%2Bcd')
  })

  test('redact hides every spelling of the secret', () => {
    const secret = 'pa ss"wo;rd'
    const { redactor } = redactorWith(secret)
    const text = [secret, JSON.stringify(secret), encodeURIComponent(secret), new URLSearchParams({ p: secret }).toString(), quoteValue(secret)].join(' | ')
    const redacted = redactor.redact(text)
    expect(redacted).toBe(`*** | "***" | *** | p=*** | '***'`)
    expect(redacted).not.toMatch(/pa|wo|rd/)
  })

  test('a redacted JSON string value stays a quoted string', () => {
    const { redactor } = redactorWith('Server=db;Port=3306;Pwd=x1;')
    expect(redactor.redact(JSON.stringify({ connectionString: 'Server=db;Port=3306;Pwd=x1;' }))).toBe('{"connectionString":"***"}')
  })

  test('redact replaces every occurrence', () => {
    const { redactor } = redactorWith('tok3n-value')
    expect(redactor.redact('a tok3n-value b tok3n-value c')).toBe('a *** b *** c')
  })

  test.each([
    ['shorter first', ['abcdef', 'abcdefghij']],
    ['longer first', ['abcdefghij', 'abcdef']]
  ])('a secret containing another is hidden whole (%s)', (_, secrets) => {
    const { redactor } = redactorWith(...secrets)
    expect(redactor.redact('x abcdefghij y abcdef z')).toBe('x *** y *** z')
  })

  test('redact leaves unrelated text alone', () => {
    const { redactor } = redactorWith('s3cr3t-value')
    expect(redactor.redact('nothing to hide here')).toBe('nothing to hide here')
    expect(new Redactor().redact('s3cr3t-value')).toBe('s3cr3t-value')
  })

  test('touches is true exactly when some form occurs', () => {
    const { redactor } = redactorWith('s3cr3t value')
    expect(redactor.touches('id-s3cr3t value-1')).toBe(true)
    expect(redactor.touches('id-s3cr3t%20value')).toBe(true)
    expect(redactor.touches('id-s3cr3t+value')).toBe(true)
    expect(redactor.touches('id-s3cr3t-value')).toBe(false)
    expect(new Redactor().touches('anything')).toBe(false)
  })
})

describe('normalise', () => {
  test.each([
    ['NFD to NFC', 'cafe\u0301', 'café'],
    ['a run of spaces', 'a  b', 'a b'],
    ['tab, NBSP, NEL, LS and PS', 'a\tb\u00a0c\u0085d\u2028e\u2029f', 'a b c d e f'],
    ['CR LF', 'a\r\nb', 'a b'],
    ['around', ' \t a b \n', 'a b'],
    ['only whitespace', ' \t\n', ''],
    ['nothing to do', 'Plain-123', 'Plain-123']
  ])('%s', (_, text, expected) => {
    expect(normalise(text)).toBe(expected)
  })
})

describe('matchedSpellings', () => {
  test('a form of 8 or more characters is also matched cut by one or two at its end, longest first', () => {
    expect(matchedSpellings(['abcdefgh'])).toEqual(['abcdefgh', 'abcdefg', 'abcdef'])
  })

  test.each([
    ['7 characters: one cut, to 6', 'abcdefg', ['abcdefg', 'abcdef']],
    ['6 characters: no cut, it would be shorter than 6', 'abcdef', ['abcdef']],
    ['3 characters: as it is', 'abc', ['abc']]
  ])('%s', (_, form, expected) => {
    expect(matchedSpellings([form])).toEqual(expected)
  })

  test('forms are normalised first, and a cut ending in whitespace loses it', () => {
    expect(matchedSpellings([' abcdef \t gh '])).toEqual(['abcdef gh', 'abcdef g', 'abcdef'])
    expect(matchedSpellings(['cafe\u0301-latte'])).toEqual(['café-latte', 'café-latt', 'café-lat'])
  })

  test('a cut is by code point: it never leaves half a surrogate pair', () => {
    const spellings = matchedSpellings(['pass-🔑🔑'])
    expect(spellings).toEqual(['pass-🔑🔑', 'pass-🔑', 'pass-'].filter((spelling) => [...spelling].length >= 6))
    for (const spelling of spellings) expect(spelling).not.toMatch(/[\uD800-\uDBFF]$/)
  })

  test('an empty or blank form adds nothing, and shared spellings appear once', () => {
    expect(matchedSpellings(['', ' \t '])).toEqual([])
    expect(matchedSpellings(['abcdefgh', 'abcdefg'])).toEqual(['abcdefgh', 'abcdefg', 'abcdef'])
  })
})

describe('Redactor on server text', () => {
  const echoes: Array<[string, (secret: string) => string]> = [
    ['at the end of a sentence', (secret) => `Invalid password: ${secret}`],
    ['inside a sentence', (secret) => `Password ${secret} is wrong`],
    ['alone', (secret) => secret],
    ['cut at its last character', (secret) => `Invalid password: ${secret.slice(0, -1)}`],
    ['cut at its last two characters, and quoted', (secret) => `Invalid password '${[...secret].slice(0, -2).join('')}'`],
    ['with its whitespace folded and trimmed', (secret) => `Invalid password: ${normalise(secret)}`],
    ['in another Unicode composition', (secret) => `Invalid password: ${secret.normalize('NFD')}`]
  ]
  const secrets = [
    'café-latte-42.',
    'café<&>latte-42.',
    'café/latte-42.',
    "café'latte+42.",
    'café  latte\t42.',
    ' café-latte-42. ',
    'pässwörd🔑-9!',
    '密码-password-1',
    'a"b\\c-xyz.'
  ]

  // What responses.ts does with an error detail after parsing: fold, trim, drop a final '.'.
  const asShown = (text: string): string => text.replace(/\s+/g, ' ').trim().replace(/\.$/, '')

  describe.each(secrets)('secret %j', (secret) => {
    const { redactor } = redactorWith(secret)

    test.each(echoes)('echoed %s, in a JSON body of every dialect: no spelling survives parsing and folding', (_, echo) => {
      for (const dialect of JSON_DIALECTS) {
        const body = `{"title":"Bad request","report":{"detailed-message":${jsonString(echo(secret), dialect)}}}`
        const redacted = redactor.redactBody(body)
        const detail = (JSON.parse(redacted) as { report: { 'detailed-message': string } }).report['detailed-message']
        expect(spellingsIn([redacted, detail, asShown(detail)].join('\n'), secretSpellings(secret))).toEqual([])
        expect(detail).toContain('***')
      }
    })

    test.each(echoes)('echoed %s, then folded and cut by the action: redact and touches catch it', (_, echo) => {
      const shown = asShown(echo(secret))
      expect(spellingsIn(redactor.redact(shown), secretSpellings(secret))).toEqual([])
      expect(redactor.touches(shown)).toBe(true)
    })
  })

  test('the words around a secret are kept', () => {
    const { redactor } = redactorWith('café-latte-42.')
    expect(redactor.redact('Invalid password: café-latte-42 (cut).')).toBe('Invalid password: *** (cut).')
    // Spaces where the secret has hyphens: another text.
    expect(redactor.redact('Password café  latte-42. is wrong')).toBe('Password café  latte-42. is wrong')
    expect(redactor.redact('Password cafe\u0301-latte-42. is wrong')).toBe('Password *** is wrong')
  })

  test('whitespace inside a secret matches any run of whitespace, line breaks and NEL included', () => {
    const { redactor } = redactorWith('ab cd  ef gh')
    for (const text of ['ab\tcd ef\u00a0gh', 'ab\ncd\r\nef gh', 'ab\u0085cd\u2028ef gh', 'ab cd ef gh']) expect(redactor.redact(`[${text}]`)).toBe('[***]')
    expect(redactor.redact('abcdefgh')).toBe('abcdefgh')
  })

  test('text that shares only the start of a secret, three or more characters short, is left alone', () => {
    const { redactor } = redactorWith('correct-horse-battery-staple')
    expect(redactor.redact('correct-horse-battery-stap')).toBe('***')
    expect(redactor.redact('correct-horse-battery-sta and correct-horse')).toBe('correct-horse-battery-sta and correct-horse')
    expect(redactor.touches('correct-horse-battery-sta')).toBe(false)
  })

  test('a short secret is hidden only whole: its cut would be shorter than 6 characters', () => {
    const { redactor } = redactorWith('Zq9xW1')
    expect(redactor.redact('Zq9xW1 and Zq9xW')).toBe('*** and Zq9xW')
  })

  test('the price of cuts: a secret that is a word and a character hides that word too', () => {
    const { redactor } = redactorWith('password1')
    expect(redactor.redact('Check username and password.')).toBe('Check username and ***.')
  })

  test('redactBody decodes every JSON dialect before redacting, and keeps the body JSON', () => {
    const { redactor } = redactorWith('sécret-client-77.')
    for (const dialect of JSON_DIALECTS) {
      const body = `{"error":"invalid_client","error_description":${jsonString('invalid client_secret: sécret-client-77.', dialect)},"n":1,"ok":true,"list":["sécret-client-77."]}`
      expect(JSON.parse(redactor.redactBody(body))).toEqual({ error: 'invalid_client', error_description: 'invalid client_secret: ***', n: 1, ok: true, list: ['***'] })
    }
  })

  test('redactBody redacts a body that is not JSON as text', () => {
    const { redactor } = redactorWith('sécret-client-77.')
    expect(redactor.redactBody('<html>sécret-client-77.</html>')).toBe('<html>***</html>')
    expect(redactor.redactBody('{"cut": "sécret-client-77')).toBe('{"cut": "***')
  })

  test('redactBody keeps keys, and a __proto__ key stays a plain key', () => {
    const { redactor } = redactorWith('sécret-client-77.')
    const redacted = redactor.redactBody('{"__proto__":{"polluted":"sécret-client-77."},"sécret-client-77.":1}')
    const parsed = JSON.parse(redacted) as Record<string, unknown>
    expect(Object.keys(parsed)).toEqual(['__proto__', 'sécret-client-77.'])
    expect(JSON.stringify(parsed)).toContain('"polluted":"***"')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('without secrets, redact and redactBody return the text exactly as it came', () => {
    const redactor = new Redactor()
    const body = '{ "a" : "cafe\u0301" }'
    expect(redactor.redactBody(body)).toBe(body)
    expect(redactor.redact('cafe\u0301')).toBe('cafe\u0301')
    expect(redactor.touches('cafe\u0301')).toBe(false)
  })

  test('touches finds a secret in any spelling redact hides, and nothing else', () => {
    const { redactor } = redactorWith('Hostile pass/10')
    for (const value of ['"Hostile%20pass%2F10"', '8.0.36-Hostile+pass%2F10', 'Hostile  pass/10', 'Hostile pass/1', '"Hostile pass/"']) expect(redactor.touches(value)).toBe(true)
    for (const value of ['"e1"', 'Hostile pass', '8.0.36']) expect(redactor.touches(value)).toBe(false)
  })
})

describe('weakSecretWarning', () => {
  const label = 'The database credential'

  test.each([['Zq'], ['Zq9'], ['Zq9x'], ['Zq9xW']])('%j is too short', (value) => {
    const warning = weakSecretWarning({ label, value })
    expect(warning).toBe(
      `${label} is only ${value.length} characters long; the runner replaces every occurrence of it in the logs with ***, which garbles unrelated log text. Use a longer secret.`
    )
    expect(warning).not.toContain(value)
  })

  test.each([['localhost'], ['Password'], ['LOCALHOST']])('%j is a common word', (value) => {
    const warning = weakSecretWarning({ label, value })
    expect(warning).toMatch(/^The database credential is a common word; .* Choose a less common value\.$/)
    expect(warning).not.toContain(value)
  })

  test.each([['Zq9xW1'], ['correct-horse-battery-staple'], ['Tr0ub4dor&3'], ['passwords'], ['localhost1']])('%j is fine', (value) => {
    expect(weakSecretWarning({ label, value })).toBeUndefined()
  })
})

describe('echoes in the spellings other servers use', () => {
  const PASSWORD = "p@ss wörd/+42'x"
  const bytes = Buffer.from(PASSWORD, 'utf8')
  test.each([
    ['percent-encoded with lower-case hex', encodeURIComponent(PASSWORD).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ["percent-encoded as RFC 3986 wants (' encoded too)", encodeURIComponent(PASSWORD).replace(/'/g, '%27')],
    ['HTML-escaped', PASSWORD.replace(/'/g, '&#39;')],
    ['base64', bytes.toString('base64')],
    ['base64url', bytes.toString('base64url')],
    ['UTF-8 read as Latin-1', bytes.toString('latin1')]
  ])('%s', (_, echoed) => {
    const { redactor } = redactorWith(PASSWORD)
    expect(redactor.redact(`Invalid password: ${echoed}`)).toBe('Invalid password: ***')
    expect(redactor.touches(`"${echoed}"`)).toBe(true)
  })

  test('a JSON error wrapped as a string inside another JSON body is decoded before it is redacted', () => {
    const { redactor } = redactorWith(PASSWORD)
    const inner = JSON.stringify({ message: `Access denied for password ${PASSWORD}` })
      .replace(/ö/g, '\\u00f6')
      .replace(/\//g, '\\/')
    const body = JSON.stringify({ title: 'Bad request', detail: inner })
    const redacted = redactor.redactBody(body)
    expect(redacted).not.toContain('p@ss')
    expect(JSON.parse(JSON.parse(redacted).detail)).toEqual({ message: 'Access denied for password ***' })
  })
})

describe('look-alikes never cost the run its own values (issue 16)', () => {
  test('a look-alike inside text given openly is not hidden; the secret itself still is', () => {
    const { redactor } = redactorWith('warehouse1')
    redactor.allow(['warehouse', 'db.example.com'])
    expect(redactor.redact('MySQL warehouse on db.example.com, password warehouse1')).toBe('MySQL warehouse on db.example.com, password ***')
    expect(matchedSpellings(['warehouse1'], ['warehouse'])).toEqual(['warehouse1'])
  })

  test('holds: a whole spelling, equal or inside when long enough; never a look-alike or a short secret by chance', () => {
    const { redactor } = redactorWith('Look-alike-16', 'c')
    for (const value of ['Look-alike-16', 'conn-Look-alike-16', Buffer.from('Look-alike-16').toString('base64'), 'c']) expect(redactor.holds(value)).toBe(true)
    for (const value of ['Look-alike-1', 'created', 'conn-1', '']) expect(redactor.holds(value)).toBe(false)
  })

  test('weakSecretWarning names the input a secret all but equals, never the secret', () => {
    const inputs = [
      { label: 'the host input', value: 'db.example.com' },
      { label: 'the database input', value: 'warehouse' }
    ]
    const warning = weakSecretWarning({ label: 'The password', value: 'warehouse1' }, inputs)
    expect(warning).toMatch(/^The password is nearly the database input: .* Choose a secret unrelated to the other inputs\.$/)
    expect(warning).not.toContain('warehouse')
    expect(weakSecretWarning({ label: 'The password', value: 'warehouse-9-secret' }, inputs)).toBeUndefined()
  })
})
