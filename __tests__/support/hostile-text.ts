// Server text as an attacker or an unusual server writes it: a secret echoed back in the JSON
// escaping of another language's encoder, and values that carry line breaks followed by workflow
// commands. Plus the checks that go with them: every spelling of a secret that must never be
// printed, and the command lines a runner would obey that the action did not mean to issue.

/** Default JSON string encoders of common server stacks. */
export type JsonDialect = 'python' | 'go' | 'php' | 'dotnet'

export const JSON_DIALECTS: readonly JsonDialect[] = ['python', 'go', 'php', 'dotnet']

const hex4 = (code: number, upper: boolean): string => {
  const digits = code.toString(16).padStart(4, '0')
  return `\\u${upper ? digits.toUpperCase() : digits}`
}

/**
 * The JSON string literal, quotes included, that the dialect's default encoder writes for `value`:
 * - python: json.dumps (ensure_ascii): everything outside printable ASCII as \uxxxx (lower-case hex, UTF-16 units);
 * - go: encoding/json: <, > and & as \u003c \u003e \u0026, U+2028/2029 escaped, other non-ASCII as is;
 * - php: json_encode: / as \/, non-ASCII as \uxxxx;
 * - dotnet: System.Text.Json: non-ASCII and the HTML-sensitive < > & ' " + ` as \uXXXX (upper-case hex).
 */
export function jsonString(value: string, dialect: JsonDialect): string {
  let out = '"'
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!
    const code = value.charCodeAt(i)
    const short: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' }
    if (char === '\\') out += '\\\\'
    else if (char === '"') out += dialect === 'dotnet' ? '\\u0022' : '\\"'
    else if (code < 0x20) out += short[char] ?? hex4(code, dialect === 'dotnet')
    else if (dialect === 'php' && char === '/') out += '\\/'
    else if (dialect === 'go' && (char === '<' || char === '>' || char === '&' || code === 0x2028 || code === 0x2029)) out += hex4(code, false)
    else if (dialect === 'dotnet' && (`<>&'+\``.includes(char) || code >= 0x7f)) out += hex4(code, true)
    else if ((dialect === 'python' && code >= 0x7f) || (dialect === 'php' && code > 0x7f)) out += hex4(code, false)
    else out += char
  }
  return `${out}"`
}

/**
 * Every spelling of `secret` that must never be printed: as given, escaped by each JSON dialect
 * (and by JavaScript's own JSON.stringify), with runs of whitespace folded to one space, trimmed,
 * and cut at its last character, alone and combined. Spellings shorter than 6 characters are left
 * out: they would match unrelated text.
 */
export function secretSpellings(secret: string): string[] {
  const decoded = new Set<string>()
  for (const base of [secret, secret.trim()]) {
    for (const form of [base, base.replace(/\s+/g, ' '), base.replace(/\s+/g, ' ').trim()]) {
      decoded.add(form)
      decoded.add(form.slice(0, -1))
      decoded.add(form.replace(/\.$/, ''))
    }
  }
  const all = new Set<string>()
  for (const form of decoded) {
    all.add(form)
    all.add(JSON.stringify(form).slice(1, -1))
    for (const dialect of JSON_DIALECTS) all.add(jsonString(form, dialect).slice(1, -1))
  }
  return [...all].filter((form) => form.length >= 6)
}

/** Which of `spellings` occur in `text`, ignoring the ::add-mask:: lines that register them. */
export function spellingsIn(text: string, spellings: string[]): string[] {
  const visible = text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return spellings.filter((form) => visible.includes(form))
}

/** What a runner may take for the end of a log line: LF, CR, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. */
export const LINE_BREAKS = { LF: '\n', CR: '\r', NEL: '\u0085', LS: '\u2028', PS: '\u2029' } as const

export type LineBreakName = keyof typeof LINE_BREAKS

/** Workflow commands an attacker would like the runner to obey. */
export const INJECTED_COMMANDS = ['::warning::pwned', '::set-output name=x::y', '::stop-commands::tok'] as const

/** `prefix`, then each of INJECTED_COMMANDS on a line of its own, the lines broken by `lineBreak`. */
export function withInjectedCommands(prefix: string, lineBreak: string): string {
  return [prefix, ...INJECTED_COMMANDS].join(lineBreak)
}

// The commands this action issues itself (@actions/core's issueCommand, with or without properties).
const OWN_COMMAND = /^::(add-mask|debug|notice|warning|error)( [^:]*)?::/

/**
 * Lines of `stdout` that a runner would obey as workflow commands the action did not issue: after
 * splitting at every kind of line break (and leading whitespace), each line that starts with `::`
 * and is not one of the action's own commands, or that starts with one of INJECTED_COMMANDS.
 */
export function foreignCommands(stdout: string): string[] {
  return stdout
    .split(/\r\n|[\r\n\u0085\u2028\u2029]/)
    .map((line) => line.trimStart())
    .filter((line) => line.startsWith('::'))
    .filter((line) => !OWN_COMMAND.test(line) || INJECTED_COMMANDS.some((command) => line.startsWith(command)))
}
