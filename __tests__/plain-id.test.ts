import { isPlainId } from '../src/platform/ids.js'

describe('isPlainId', () => {
  test.each(['c0ffee', '9f5c4b7e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', 'conn_1.2', 'a..b'])('%j is a plain id', (id) => {
    expect(isPlainId(id)).toBe(true)
  })

  test.each([
    ['empty', ''],
    ['the collection', '.'],
    ['the service above it', '..'],
    ['a slash', 'a/b'],
    ['a backslash', 'a\\b'],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['LF', 'c0ffee\n::warning::x'],
    ['CR', 'c0ffee\r'],
    ['NEL', 'c0ffee\u0085'],
    ['LINE SEPARATOR', 'c0ffee\u2028'],
    ['PARAGRAPH SEPARATOR', 'c0ffee\u2029'],
    ['NBSP', 'c0\u00a0ffee'],
    ['BEL', 'c0ffee\u0007'],
    ['DEL', 'c0ffee\u007f']
  ])('an id with %s is not', (_, id) => {
    expect(isPlainId(id)).toBe(false)
  })
})
