// Building and parsing MySQL connection strings by the ADO.NET / Connector-NET
// grammar, which is what Platform's MySQL connector reads. Pure: no I/O.

export const SSL_MODES = ['None', 'Preferred', 'Required', 'VerifyCA', 'VerifyFull'] as const
export type SslMode = (typeof SSL_MODES)[number]

/** One parsed model of the database target: the connection string and the preflight login both come from it. */
export interface MysqlTarget {
  host: string
  port: number
  database: string
  username: string
  password: string
  sslMode?: SslMode
  /** Further `Key=Value` options, in order, keys as the user spelled them. */
  options: Array<[string, string]>
}

export class ConnectionStringError extends Error {}

type CoreKey = 'server' | 'port' | 'database' | 'uid' | 'pwd' | 'sslmode'

// Keys are compared without case and without spaces, as Connector-NET does.
const SYNONYMS: Record<string, CoreKey> = {
  server: 'server',
  host: 'server',
  datasource: 'server',
  address: 'server',
  addr: 'server',
  networkaddress: 'server',
  port: 'port',
  database: 'database',
  initialcatalog: 'database',
  uid: 'uid',
  userid: 'uid',
  user: 'uid',
  username: 'uid',
  pwd: 'pwd',
  password: 'pwd',
  sslmode: 'sslmode'
}

export function coreKeyOf(key: string): CoreKey | undefined {
  return SYNONYMS[key.toLowerCase().replace(/\s+/g, '')]
}

/** Connector-NET quoting: bare when safe, else single quotes if that needs no escaping, else double quotes with `"` doubled. */
export function quoteValue(value: string): string {
  if (value.includes('\0')) throw new ConnectionStringError('a value contains a NUL character, which a connection string cannot carry')
  if (!/["'=;\s\p{Cc}]/u.test(value)) return value
  if (value.includes('"') && !value.includes("'")) return `'${value}'`
  return `"${value.replaceAll('"', '""')}"`
}

function quoteKey(key: string): string {
  // In a key, `=` is written twice; `;` and quotes cannot be written at all.
  if (/[;'"\0]/.test(key) || key.trim() === '') throw new ConnectionStringError(`the option name "${key}" cannot be written in a connection string`)
  return key.replaceAll('=', '==')
}

/**
 * `Server=…;Port=…;Database=…;Uid=…;Pwd=…;` then SslMode and the options, each ending in `;`.
 * This key order and spelling is the one the MySQL connection spec's own validation pattern accepts.
 */
export function buildConnectionString(target: MysqlTarget): string {
  const pairs: Array<[string, string]> = [
    ['Server', target.host],
    ['Port', String(target.port)],
    ['Database', target.database],
    ['Uid', target.username],
    ['Pwd', target.password]
  ]
  if (target.sslMode) pairs.push(['SslMode', target.sslMode])
  pairs.push(...target.options)
  return pairs.map(([key, value]) => `${quoteKey(key)}=${quoteValue(value)};`).join('')
}

/**
 * Splits a connection string into its pairs. Errors name a position, never the text,
 * because the text holds the password.
 */
export function parsePairs(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  let i = 0
  const at = (pos: number): string => `at position ${pos + 1}`
  while (i < text.length) {
    while (i < text.length && (/\s/.test(text.charAt(i)) || text[i] === ';')) i++
    if (i >= text.length) break
    const keyStart = i
    let key = ''
    for (;;) {
      if (i >= text.length || text[i] === ';') throw new ConnectionStringError(`expected "=" after the key that starts ${at(keyStart)}`)
      if (text[i] === '=') {
        if (text[i + 1] === '=') {
          key += '='
          i += 2
          continue
        }
        break
      }
      key += text[i]
      i++
    }
    key = key.trim()
    if (key === '') throw new ConnectionStringError(`a key is missing before the "=" ${at(i)}`)
    if (/['"\0]/.test(key)) throw new ConnectionStringError(`the key that starts ${at(keyStart)} contains a quote or NUL, which a key cannot hold`)
    i++ // the '='
    while (i < text.length && /[^\S\r\n]/.test(text.charAt(i))) i++
    let value = ''
    const quote = text[i]
    if (quote === '"' || quote === "'") {
      const valueStart = i
      i++
      for (;;) {
        if (i >= text.length) throw new ConnectionStringError(`the quoted value that starts ${at(valueStart)} is not closed`)
        if (text[i] === quote) {
          if (text[i + 1] === quote) {
            value += quote
            i += 2
            continue
          }
          i++
          break
        }
        value += text[i]
        i++
      }
      while (i < text.length && /\s/.test(text.charAt(i))) i++
      if (i < text.length && text[i] !== ';') throw new ConnectionStringError(`expected ";" after the quoted value ${at(i)}`)
    } else {
      const end = text.indexOf(';', i)
      const raw = end === -1 ? text.slice(i) : text.slice(i, end)
      value = raw.trim()
      i = end === -1 ? text.length : end
    }
    if (value.includes('\0')) throw new ConnectionStringError(`a value contains a NUL character ${at(i)}`)
    pairs.push([key, value])
  }
  return pairs
}

export function parseSslMode(value: string): SslMode | undefined {
  const lower = value.toLowerCase()
  if (lower === 'disabled') return 'None'
  return SSL_MODES.find((mode) => mode.toLowerCase() === lower)
}

export function parsePort(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined
  const port = Number(value)
  return port >= 1 && port <= 65535 ? port : undefined
}

/** Reads a complete connection string into the model; the last of duplicate keys wins, as in Connector-NET. */
export function parseConnectionString(text: string): MysqlTarget {
  const core: Partial<Record<CoreKey, string>> = {}
  const options = new Map<string, [string, string]>()
  for (const [key, value] of parsePairs(text)) {
    const coreKey = coreKeyOf(key)
    if (coreKey) core[coreKey] = value
    else options.set(key.toLowerCase(), [key, value])
  }
  const { server = '', database = '', uid = '', pwd = '' } = core
  const missing = Object.entries({ Server: server, Database: database, Uid: uid, Pwd: pwd }).filter(([, value]) => value === '')
  if (missing.length > 0) throw new ConnectionStringError(`it has no ${missing.map(([name]) => name).join(', ')} (or an empty one)`)
  const port = core.port === undefined || core.port === '' ? 3306 : parsePort(core.port)
  if (port === undefined) throw new ConnectionStringError('its Port is not a whole number from 1 to 65535')
  let sslMode: SslMode | undefined
  if (core.sslmode !== undefined && core.sslmode !== '') {
    sslMode = parseSslMode(core.sslmode)
    if (!sslMode) throw new ConnectionStringError(`its SslMode is not one of ${SSL_MODES.join(', ')}`)
  }
  return {
    host: server,
    port,
    database,
    username: uid,
    password: pwd,
    ...(sslMode ? { sslMode } : {}),
    options: [...options.values()]
  }
}
