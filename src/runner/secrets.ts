// Masking for the runner and redaction for our own messages. The runner only hides
// exact strings, so every spelling a secret can take on the way out is registered.

import { quoteValue } from '../mysql/connection-string.js'

export interface NamedSecret {
  /** Says what the value is in warnings, e.g. "the password input". */
  label: string
  value: string
}

/**
 * The spellings a secret can appear in on the way out or echoed back: as given, inside JSON,
 * quoted in a connection string, form- and URL-encoded (with upper- or lower-case hex, and with
 * the reserved characters encodeURIComponent leaves), HTML-escaped, base64-encoded, and as UTF-8
 * misread as Latin-1.
 */
export function secretForms(value: string): string[] {
  if (value === '') return []
  const percent = encodeURIComponent(value)
  const reserved = percent.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  const lower = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())
  const html = value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
  const bytes = Buffer.from(value, 'utf8')
  const forms = new Set([
    value,
    JSON.stringify(value).slice(1, -1),
    percent,
    lower(percent),
    reserved,
    lower(reserved),
    new URLSearchParams({ v: value }).toString().slice(2),
    html,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('latin1')
  ])
  try {
    forms.add(quoteValue(value))
  } catch {
    // A value with NUL is refused as input before it is ever used; nothing to add.
  }
  return [...forms].filter((form) => form !== '')
}

// Values the runner would also find in ordinary log text, so masking them garbles the log.
const COMMON = new Set(['true', 'false', 'null', 'prod', 'test', 'admin', 'root', 'mysql', 'password', 'secret', 'localhost'])

/**
 * `inputs`: the inputs given openly (the database, the host…). A secret inside one of them, or one
 * of them inside the secret but for MAX_CUT characters at its end, makes that input look secret.
 */
export function weakSecretWarning(secret: NamedSecret, inputs: readonly NamedSecret[] = []): string | undefined {
  if (secret.value.length < MIN_CUT) {
    return `${secret.label} is only ${secret.value.length} characters long; the runner replaces every occurrence of it in the logs with ***, which garbles unrelated log text. Use a longer secret.`
  }
  if (COMMON.has(secret.value.toLowerCase())) {
    return `${secret.label} is a common word; the runner replaces every occurrence of it in the logs with ***, which garbles unrelated log text. Choose a less common value.`
  }
  const spellings = matchedSpellings([secret.value])
  const near = inputs.find((input) => spellings.some((spelling) => normalise(input.value).includes(spelling)))
  if (near) {
    return `${secret.label} is nearly ${near.label}: the log keeps showing ${near.label}, so an echo of the secret cut to it is not hidden either. Choose a secret unrelated to the other inputs.`
  }
  return undefined
}

/** Whitespace as servers fold it: JavaScript's \s, and NEL, which Python and .NET count too. */
const WHITESPACE = /[\s\u0085]+/g

/** How server text and secrets are compared: NFC, each run of whitespace one space, trimmed. */
export function normalise(text: string): string {
  return text.normalize('NFC').replace(WHITESPACE, ' ').trim()
}

/**
 * A server may cut a secret it echoes, and the action drops a final '.' of server text: a form
 * that lost up to MAX_CUT characters at its end is still the secret, all but guessed. Cut forms
 * keep at least MIN_CUT characters, the length below which weakSecretWarning already calls a
 * secret too short; text equal to a cut form is redacted like text equal to the secret, so only
 * a secret that is a word plus one or two characters garbles that word.
 */
const MAX_CUT = 2
const MIN_CUT = 6

/**
 * The normalised spellings to look for: each form, and each form cut at its end (see MAX_CUT),
 * unless the cut form is part of `open` text (an input given openly, such as the database): that
 * text is what it is, and hiding it would hide the connection's own name.
 */
export function matchedSpellings(forms: readonly string[], open: readonly string[] = []): string[] {
  const spellings = new Set<string>()
  for (const form of forms) {
    const whole = normalise(form)
    if (whole === '') continue
    spellings.add(whole)
    // By code point, so a cut never splits a surrogate pair.
    const chars = [...whole]
    for (let cut = 1; cut <= MAX_CUT; cut++) {
      const part = chars
        .slice(0, chars.length - cut)
        .join('')
        .trimEnd()
      if ([...part].length >= MIN_CUT && !open.some((text) => text.includes(part))) spellings.add(part)
    }
  }
  // Longest first: where several match at one place, the whole secret is what gets hidden.
  return [...spellings].sort((a, b) => b.length - a.length)
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** One pattern for all spellings; a space in a spelling stands for any run of whitespace in the text. */
function patternFor(spellings: readonly string[]): RegExp | undefined {
  if (spellings.length === 0) return undefined
  const alternatives = spellings.map((spelling) => spelling.split(' ').map(escapeRegExp).join('[\\s\\u0085]+'))
  return new RegExp(alternatives.join('|'), 'g')
}

export class Redactor {
  private forms: string[] = []
  private open: string[] = []
  private pattern: RegExp | undefined
  /** The whole forms alone, normalised: what the runner itself masks. */
  private whole: string[] = []

  /** Hides a secret from the runner's log (each spelling through `setSecret`) and from our own messages; returns false when it was empty. */
  hide(value: string, setSecret: (form: string) => void): boolean {
    if (value === '') return false
    for (const form of secretForms(value)) {
      if (this.forms.includes(form)) continue
      setSecret(form)
      this.forms.push(form)
    }
    this.update()
    return true
  }

  /** Text given openly (the name, the database, the host…): a look-alike inside it is not hidden. */
  allow(values: readonly string[]): void {
    this.open.push(...values.map(normalise).filter((value) => value !== ''))
    this.update()
  }

  private update(): void {
    this.pattern = patternFor(matchedSpellings(this.forms, this.open))
    this.whole = [...new Set(this.forms.map(normalise))].filter((form) => form !== '')
  }

  /**
   * Hides every spelling of a secret in `text`: whole or cut at its end, with its whitespace
   * folded or trimmed, in any Unicode composition. The text comes back in NFC. JSON escapes are
   * undone by whoever parses server text first (see redactBody): this matches decoded text.
   */
  redact(text: string): string {
    if (!this.pattern) return text
    // A quoted form keeps its quotes, so a redacted JSON string value still reads as a string.
    return text.normalize('NFC').replace(this.pattern, (match) => (/^(["']).+\1$/s.test(match) ? `${match[0]}***${match[0]}` : '***'))
  }

  /**
   * A body as a server sent it, redacted after decoding: every string of a JSON body is
   * redacted as JSON.parse reads it (so \u escapes of any dialect are undone first), a string
   * that holds JSON itself likewise, and the body written back as JSON; a body that is not JSON
   * is redacted as text. Object keys are left as they are: nothing reads them into a message.
   */
  redactBody(body: string): string {
    if (!this.pattern) return body
    return this.redactString(body, 0)
  }

  /** A string that may itself hold JSON (a gateway wrapping a backend's error): decoded, up to a few levels deep, then redacted. */
  private redactString(text: string, depth: number): string {
    if (depth < 3 && /^\s*[[{]/.test(text)) {
      try {
        return JSON.stringify(JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? this.redactString(value, depth + 1) : value)))
      } catch {
        // Not JSON after all: redacted as text below.
      }
    }
    return this.redact(text)
  }

  /**
   * For a value the run itself made or keeps (an id, an outcome, a name): true when it is a
   * secret in one of its whole spellings, or holds one at least MIN_CUT characters long. A
   * look-alike or a secret too short to tell from ordinary text never costs the run such a value.
   */
  holds(value: string): boolean {
    const text = normalise(value)
    return this.whole.some((form) => text === form || ([...form].length >= MIN_CUT && text.includes(form)))
  }

  /** True when `text` holds any spelling redact would hide: the runner would drop an output holding a secret. */
  touches(text: string): boolean {
    return this.pattern !== undefined && text.normalize('NFC').search(this.pattern) !== -1
  }
}
