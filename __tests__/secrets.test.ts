import { quoteValue } from '../src/connection-string.js'
import { Redactor, secretForms, weakSecretWarning } from '../src/secrets.js'

/** A Redactor with these secrets added, and every form it handed to setSecret. */
function redactorWith(...secrets: string[]): { redactor: Redactor; registered: string[] } {
  const redactor = new Redactor()
  const registered: string[] = []
  for (const secret of secrets) redactor.add(secret, (form) => registered.push(form))
  return { redactor, registered }
}

describe('secretForms', () => {
  test('a value with nothing to escape has one form', () => {
    expect(secretForms('Plain123')).toEqual(['Plain123'])
  })

  test.each<[string, string, string[]]>([
    ['space', 'a b', ['a b', 'a%20b', 'a+b', '"a b"']],
    ['double quote', 'x"y', ['x"y', 'x\\"y', 'x%22y', `'x"y'`]],
    ['both quotes', `a'b"c`, [`a'b"c`, `a'b\\"c`, "a'b%22c", 'a%27b%22c', `"a'b""c"`]],
    ['semicolon and equals', 'k=v;', ['k=v;', 'k%3Dv%3B', '"k=v;"']],
    ['backslash and tab', 'a\\b\tc', ['a\\b\tc', 'a\\\\b\\tc', 'a%5Cb%09c', '"a\\b\tc"']],
    ['unicode', 'pässwörd', ['pässwörd', 'p%C3%A4ssw%C3%B6rd']],
    ['plus and ampersand', 'a+b&c', ['a+b&c', 'a%2Bb%26c']],
    ['NUL (no quoted form exists)', 'a\0b', ['a\0b', 'a\\u0000b', 'a%00b']]
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
    expect(redactor.add('my secret"', setSecret)).toBe(true)
    expect(calls).toEqual(secretForms('my secret"'))
    expect(redactor.add('my secret"', setSecret)).toBe(true)
    expect(calls).toHaveLength(secretForms('my secret"').length)
    expect(redactor.add('', setSecret)).toBe(false)
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
