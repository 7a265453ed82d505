import { type Log, oneLine, redactingLog } from '../src/runner/io.js'

describe('oneLine', () => {
  test.each([
    ['LF', 'a\nb', 'a\\nb'],
    ['CR', 'a\rb', 'a\\rb'],
    ['CR LF', 'a\r\nb', 'a\\r\\nb'],
    ['NEL', 'a\u0085b', 'a\\u0085b'],
    ['LINE SEPARATOR', 'a\u2028b', 'a\\u2028b'],
    ['PARAGRAPH SEPARATOR', 'a\u2029b', 'a\\u2029b'],
    ['vertical tab and form feed', 'a\vb\fc', 'a\\u000bb\\u000cc'],
    ['NUL, ESC and DEL', 'a\0b\u001bc\u007fd', 'a\\u0000b\\u001bc\\u007fd'],
    ['a C1 control', 'a\u009bb', 'a\\u009bb']
  ])('%s is written out, so nothing after it starts a line', (_, text, expected) => {
    expect(oneLine(text)).toBe(expected)
  })

  test('tab and ordinary text, Unicode included, stay as they are', () => {
    expect(oneLine('a\tb café 密码 🔑 "x" \\n')).toBe('a\tb café 密码 🔑 "x" \\n')
  })
})

describe('redactingLog', () => {
  const recorded = (): { log: Log; lines: string[] } => {
    const lines: string[] = []
    const log: Log = {
      info: (message) => lines.push(`info ${message}`),
      debug: (message) => lines.push(`debug ${message}`),
      notice: (message) => lines.push(`notice ${message}`),
      warning: (message) => lines.push(`warning ${message}`),
      error: (message) => lines.push(`error ${message}`)
    }
    return { log, lines }
  }

  test('every kind of line is redacted, then made one line', () => {
    const { log, lines } = recorded()
    // Redaction first: a secret holding a line break is still found whole.
    const redacting = redactingLog(log, (text) => text.replace('sec\nret', '***'))
    redacting.info('id c0ffee\n::warning::pwned sec\nret')
    redacting.debug('a\u2028::set-output name=x::y')
    redacting.notice('d\u2029::notice::sec\nret')
    redacting.warning('b\u0085::stop-commands::tok')
    redacting.error('c\r\n::error::fake')
    expect(lines).toEqual([
      'info id c0ffee\\n::warning::pwned ***',
      'debug a\\u2028::set-output name=x::y',
      'notice d\\u2029::notice::***',
      'warning b\\u0085::stop-commands::tok',
      'error c\\r\\n::error::fake'
    ])
  })
})
