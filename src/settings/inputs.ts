// Every input, read and validated into one typed Settings object before any request is sent.
// All problems are collected, so a user fixes them in one round instead of one per run.

import { type MysqlTarget, ConnectionStringError, SSL_MODES, coreKeyOf, parseConnectionString, parsePairs, parsePort, parseSslMode } from '../mysql/connection-string.js'
import { LINE_BREAK } from '../runner/io.js'
import { isPlainId } from '../platform/ids.js'
import type { Credentials, SignIn } from '../platform/session.js'
import { INPUT } from './names.js'

type IfExists = 'update' | 'reuse' | 'fail' | 'create'
export type AuthType = 'connection-string' | 'basic'
export type Preflight = 'off' | 'warn' | 'fail'
/** apply writes; dry-run sends nothing and describes the requests; plan reads Platform and says what applying would change. */
export type Mode = 'apply' | 'dry-run' | 'plan'

/** Who signs in and where (origins, and an optional base path, without a trailing slash), and how the step runs. */
interface CommonSettings extends SignIn {
  mode: Mode
  /** Set with pr-comment: true (and so plan: true): the token that writes the plan comment on the pull request. */
  prComment?: { token: string }
}

export interface UpsertSettings extends CommonSettings {
  operation: 'upsert'
  target: MysqlTarget
  authType: AuthType
  name: string
  /** Absent: built from the run context. */
  description?: string
  ifExists: IfExists
  verify: boolean
  cleanup: boolean
  preflight: Preflight
}

/** A delete needs no database credentials: only which connection, by id or by name. */
export interface DeleteSettings extends CommonSettings {
  operation: 'delete'
  connection: { by: 'id'; id: string } | { by: 'name'; name: string }
}

export type Settings = UpsertSettings | DeleteSettings

export interface InputProblem {
  input: string
  message: string
}

type ReadInput = (name: string) => string

/** The defaults of the inputs that have one; action.yml declares the same (a test holds them together). */
export const DEFAULTS = {
  [INPUT.operation]: 'upsert',
  [INPUT.scopes]: 'openid,AdobeID,read_organizations,additional_info.projectedProductContext,session',
  [INPUT.sandboxName]: 'prod',
  [INPUT.imsUrl]: 'https://ims-na1.adobelogin.com',
  [INPUT.platformUrl]: 'https://platform.adobe.io',
  [INPUT.authType]: 'connection-string',
  [INPUT.ifExists]: 'update',
  [INPUT.verify]: 'false',
  [INPUT.dryRun]: 'false',
  [INPUT.plan]: 'false',
  [INPUT.maxAttempts]: '5',
  [INPUT.timeoutSeconds]: '300',
  [INPUT.cleanup]: 'false',
  [INPUT.preflight]: 'off',
  [INPUT.prComment]: 'false'
} as const
type Defaulted = keyof typeof DEFAULTS

const PARTS = [INPUT.host, INPUT.port, INPUT.database, INPUT.username, INPUT.password] as const

// One-line values; a secret that spans lines cannot be masked by the runner, which masks line by line.
const SINGLE_LINE = [
  INPUT.clientId,
  INPUT.clientSecret,
  INPUT.accessToken,
  INPUT.scopes,
  INPUT.imsOrgId,
  INPUT.sandboxName,
  INPUT.imsUrl,
  INPUT.platformUrl,
  INPUT.connectionString,
  ...PARTS,
  INPUT.sslMode,
  INPUT.authType,
  INPUT.name,
  INPUT.ifExists,
  INPUT.verify,
  INPUT.dryRun,
  INPUT.plan,
  INPUT.maxAttempts,
  INPUT.timeoutSeconds,
  INPUT.operation,
  INPUT.connectionId,
  INPUT.cleanup,
  INPUT.preflight,
  INPUT.prComment,
  INPUT.githubToken
]

// Sent as HTTP headers, which carry only visible ASCII.
const HEADER_INPUTS = new Set<string>([INPUT.clientId, INPUT.imsOrgId, INPUT.sandboxName, INPUT.accessToken, INPUT.githubToken])

// These are read as given: whitespace can be part of a password.
const UNTRIMMED = new Set<string>([INPUT.password, INPUT.connectionString])

export function readSettings(readRaw: ReadInput): { settings?: Settings; problems: InputProblem[] } {
  const problems: InputProblem[] = []
  const problem = (input: string, message: string): undefined => {
    problems.push({ input, message: `Input "${input}" ${message}` })
    return undefined
  }
  const raw = new Map<string, string>()
  const read = (name: string): string => {
    let value = raw.get(name)
    if (value === undefined) {
      value = readRaw(name)
      if (!UNTRIMMED.has(name)) value = value.trim()
      raw.set(name, value)
    }
    return value
  }

  for (const name of SINGLE_LINE) {
    const value = read(name)
    // Only the untrimmed inputs keep a trailing line break; it is most often pasted in by mistake.
    if (/^[^\r\n]*(\r?\n)+$/.test(value)) problem(name, 'ends in a line break: check how the value was pasted into the secret or workflow.')
    else if (LINE_BREAK.test(value)) problem(name, 'must be on one line: a value that spans lines cannot be masked in the logs or sent as one field.')
    else if (value.includes('\0')) problem(name, 'contains a NUL character, which cannot be sent; check where the value comes from.')
    else if (HEADER_INPUTS.has(name) && value !== '' && !/^[\x21-\x7e]+$/.test(value)) {
      problem(name, 'must hold only visible ASCII characters, without spaces: it is sent as an HTTP header.')
    }
  }

  const required = (name: string, hint: string): string => {
    const value = read(name)
    if (value === '') problem(name, `is required: ${hint}.`)
    return value
  }
  const orDefault = (name: Defaulted): string => read(name) || DEFAULTS[name]
  const oneOf = <T extends string>(name: Defaulted, allowed: readonly T[]): T => {
    const value = orDefault(name)
    const match = allowed.find((option) => option === value.toLowerCase())
    if (match) return match
    problem(name, `must be one of ${allowed.join(', ')}; got "${value}".`)
    return allowed[0] as T
  }
  const boolean = (name: Defaulted): boolean => {
    const value = orDefault(name)
    if (/^(true|True|TRUE)$/.test(value)) return true
    if (!/^(false|False|FALSE)$/.test(value)) problem(name, `must be true or false; got "${value}".`)
    return false
  }
  const integer = (name: Defaulted, min: number, max: number): number => {
    const value = orDefault(name)
    const number = /^\d+$/.test(value) ? Number(value) : NaN
    if (number >= min && number <= max) return number
    problem(name, `must be a whole number from ${min} to ${max}; got "${value}".`)
    return min
  }
  const url = (name: Defaulted): string => {
    const fallback = DEFAULTS[name]
    const value = orDefault(name)
    let parsed: URL
    try {
      parsed = new URL(value)
    } catch {
      return problem(name, `must be a URL such as ${fallback}; got "${value}".`) ?? fallback
    }
    // An empty query or fragment ("…/?", "…#") parses to nothing, but says the value is not what the user meant.
    if (parsed.username || parsed.password || /[?#]/.test(value)) {
      return problem(name, `must be a plain origin such as ${fallback}, without user name, password, query or fragment.`) ?? fallback
    }
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname))) {
      return problem(name, `must use https:// (plain http:// is allowed only for a loopback address); credentials are never sent unencrypted.`) ?? fallback
    }
    return parsed.href.replace(/\/+$/, '')
  }

  const operation = oneOf(INPUT.operation, ['upsert', 'delete'] as const)
  const clientId = required(INPUT.clientId, 'set it to the Client ID of your Adobe Developer Console project')
  const imsOrgId = required(INPUT.imsOrgId, 'set it to your organization ID, which ends in @AdobeOrg')
  const credentials = readCredentials(read, problem)
  const common = {
    clientId,
    imsOrgId,
    sandboxName: readSandboxName(orDefault(INPUT.sandboxName), problems, problem),
    imsUrl: url(INPUT.imsUrl),
    platformUrl: url(INPUT.platformUrl),
    mode: readMode(boolean(INPUT.dryRun), boolean(INPUT.plan), problem),
    maxAttempts: integer(INPUT.maxAttempts, 1, 10),
    timeoutSeconds: integer(INPUT.timeoutSeconds, 1, 3600)
  }
  const prComment = readPrComment(boolean(INPUT.prComment), common.mode, read, problems, problem)
  const authType = oneOf(INPUT.authType, ['connection-string', 'basic'] as const)
  const ifExists = oneOf(INPUT.ifExists, ['update', 'reuse', 'fail', 'create'] as const)
  const verify = boolean(INPUT.verify)
  const cleanup = boolean(INPUT.cleanup)
  const preflight = oneOf(INPUT.preflight, ['off', 'warn', 'fail'] as const)
  const connectionId = read(INPUT.connectionId)
  // It becomes a path segment: ".", "..", a slash or a blank would address another resource.
  const alreadyRefused = problems.some((known) => known.input === INPUT.connectionId)
  if (connectionId !== '' && !alreadyRefused && !isPlainId(connectionId)) {
    problem(INPUT.connectionId, 'must be a plain connection id, as Platform shows it (letters, digits and "-"): no "/", ".", "..", spaces or control characters.')
  }

  if (operation === 'delete') {
    if (cleanup) problem(INPUT.cleanup, 'only applies to operation: upsert; a delete has nothing to clean up.')
    if (preflight !== 'off') problem(INPUT.preflight, 'only applies to operation: upsert; a delete does not log in to the database.')
    // The name matters only without an id; reading it is what checks the connection-string input.
    const known = problems.length
    const name = connectionId === '' ? read(INPUT.name) || defaultName(hostAndDatabase(read, problem)) : ''
    // An invalid connection-string has said why there is no name already.
    if (connectionId === '' && name === '' && problems.length === known) {
      problem(INPUT.connectionId, `or "${INPUT.name}" is required with operation: delete, to say which connection to delete (host and database also do, for the default name).`)
    }
    if (problems.length > 0 || !credentials) return { problems }
    const connection = connectionId === '' ? { by: 'name' as const, name } : { by: 'id' as const, id: connectionId }
    return { problems, settings: { operation, ...common, ...prComment, credentials, connection } }
  }

  if (connectionId !== '') problem(INPUT.connectionId, 'is only used with operation: delete; leave it empty to create or update a connection by name.')
  const target = readTarget(read, problem, authType)
  if (problems.length > 0 || !credentials || !target) return { problems }
  const description = read(INPUT.description)
  return {
    problems,
    settings: {
      operation,
      ...common,
      ...prComment,
      credentials,
      target,
      authType,
      name: read(INPUT.name) || defaultName(target),
      ...(description ? { description } : {}),
      ifExists,
      verify,
      cleanup,
      preflight
    }
  }
}

function readMode(dryRun: boolean, plan: boolean, problem: (input: string, message: string) => undefined): Mode {
  if (dryRun && plan)
    return problem(INPUT.plan, `and "${INPUT.dryRun}" are both true; choose one: plan reads Platform and shows what would change, dry-run sends nothing.`) ?? 'dry-run'
  return plan ? 'plan' : dryRun ? 'dry-run' : 'apply'
}

/**
 * Platform writes a sandbox's technical name (not its title) in lower case, starting with a letter,
 * from letters, digits and hyphens, at most 256 characters (Adobe's sandbox UI guide); anything
 * else would only fail later, at the first request.
 */
const SANDBOX_NAME = /^[a-z][a-z0-9-]{0,255}$/

function readSandboxName(value: string, known: readonly InputProblem[], problem: (input: string, message: string) => undefined): string {
  // A value the header check refused already has its one problem.
  if (SANDBOX_NAME.test(value) || known.some((refused) => refused.input === INPUT.sandboxName)) return value
  const got = value.length > 256 ? `a value of ${value.length} characters` : `"${value}"`
  problem(
    INPUT.sandboxName,
    `must be the sandbox's technical name (lower-case letters, digits and hyphens, starting with a letter, at most 256 characters), which Platform shows in the Name column of Sandboxes → Browse and in GET /data/foundation/sandbox-management/sandboxes; got ${got}.`
  )
  return value
}

/** The comment holds the plan, so it needs plan: true; and a token, which the runner's default gives. */
function readPrComment(
  wanted: boolean,
  mode: Mode,
  read: ReadInput,
  known: readonly InputProblem[],
  problem: (input: string, message: string) => undefined
): { prComment?: { token: string } } {
  if (!wanted) return {}
  // plan: true with dry-run: true has its own problem already.
  if (mode !== 'plan') {
    if (!known.some((refused) => refused.input === INPUT.plan)) {
      problem(INPUT.prComment, `only applies with "${INPUT.plan}: true", as the comment holds the plan: set plan: true in this step, or leave ${INPUT.prComment} out.`)
    }
    return {}
  }
  const token = read(INPUT.githubToken)
  if (token === '' && !known.some((refused) => refused.input === INPUT.githubToken)) {
    problem(
      INPUT.githubToken,
      `is required with ${INPUT.prComment}: true: leave it out to use the job's GITHUB_TOKEN (with pull-requests: write), or pass a token that may comment on pull requests.`
    )
  }
  return token === '' ? {} : { prComment: { token } }
}

function defaultName(place: { host: string; database: string } | undefined): string {
  return place ? `MySQL ${place.database} on ${place.host}` : ''
}

function readCredentials(read: ReadInput, problem: (input: string, message: string) => undefined): Credentials | undefined {
  const clientSecret = read(INPUT.clientSecret)
  const accessToken = read(INPUT.accessToken)
  if (clientSecret && accessToken) {
    return problem(INPUT.clientSecret, `and "${INPUT.accessToken}" are both set; give exactly one of them (a client secret lets the action fetch a fresh token).`)
  }
  if (accessToken) return { kind: 'access-token', accessToken }
  if (clientSecret) return { kind: 'client-secret', clientSecret, scopes: normalizeScopes(read(INPUT.scopes) || DEFAULTS.scopes) }
  return problem(INPUT.clientSecret, `or "${INPUT.accessToken}" is required: pass the OAuth server-to-server client secret from secrets.*, or a ready access token.`)
}

function hostAndDatabase(read: ReadInput, problem: (input: string, message: string) => undefined): { host: string; database: string } | undefined {
  if (read(INPUT.connectionString) === '') return read(INPUT.host) && read(INPUT.database) ? { host: read(INPUT.host), database: read(INPUT.database) } : undefined
  try {
    return parseConnectionString(read(INPUT.connectionString))
  } catch (error) {
    if (!(error instanceof ConnectionStringError)) throw error
    return problem(INPUT.connectionString, `is not a valid MySQL connection string: ${error.message}.`)
  }
}

function normalizeScopes(scopes: string): string {
  return scopes
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '')
    .join(',')
}

function readTarget(read: ReadInput, problem: (input: string, message: string) => undefined, authType: AuthType): MysqlTarget | undefined {
  const given = read(INPUT.connectionString)
  let target: MysqlTarget
  if (given !== '') {
    const mixed = PARTS.filter((part) => read(part) !== '')
    const [first] = mixed
    if (first) {
      return problem(first, `cannot be combined with "${INPUT.connectionString}"; give either a complete connection string or its parts (${mixed.join(', ')} were set).`)
    }
    try {
      target = parseConnectionString(given)
    } catch (error) {
      if (!(error instanceof ConnectionStringError)) throw error
      return problem(INPUT.connectionString, `is not a valid MySQL connection string: ${error.message}. Write it as Server=host;Port=3306;Database=db;Uid=user;Pwd=password;`)
    }
  } else {
    const host = read(INPUT.host)
    const database = read(INPUT.database)
    const username = read(INPUT.username)
    const password = read(INPUT.password)
    if (host === '') problem(INPUT.host, `is required: the MySQL server name or address (or give "${INPUT.connectionString}" instead).`)
    else if (!LINE_BREAK.test(host) && /[\s;'"=]/.test(host)) problem('host', `must be a host name or address without spaces, quotes, "=" or ";"; got "${host}".`)
    if (database === '') problem(INPUT.database, 'is required: the name of the MySQL database.')
    if (username === '') problem(INPUT.username, 'is required: the MySQL user that Platform logs in as.')
    if (password === '') problem(INPUT.password, 'is required: pass it from secrets.* (an undefined secret arrives as an empty value).')
    let port = 3306
    if (read(INPUT.port) !== '') {
      const parsed = parsePort(read(INPUT.port))
      if (parsed === undefined) problem(INPUT.port, `must be a whole number from 1 to 65535; got "${read(INPUT.port)}".`)
      else port = parsed
    }
    target = { host, port, database, username, password, options: [] }
  }

  const sslInput = read(INPUT.sslMode)
  if (sslInput !== '') {
    const sslMode = parseSslMode(sslInput)
    if (!sslMode || sslInput.toLowerCase() === 'disabled') problem(INPUT.sslMode, `must be one of ${SSL_MODES.join(', ')}; got "${sslInput}".`)
    else if (target.sslMode && target.sslMode !== sslMode) problem(INPUT.sslMode, `conflicts with the SslMode inside "${INPUT.connectionString}"; set it in one place.`)
    else target.sslMode = sslMode
  }

  if (authType === 'basic' && target.options.length > 0) {
    return problem(
      INPUT.connectionString,
      `holds options (${target.options.map(([key]) => key).join(', ')}) that auth-type: basic has no place for; remove them or use auth-type: connection-string.`
    )
  }
  const options = readOptions(read(INPUT.connectionOptions), problem)
  if (options && options.length > 0) {
    if (authType === 'basic') return problem(INPUT.connectionOptions, 'only applies to auth-type: connection-string; Basic Authentication has no place for extra options.')
    const merged = new Map(target.options.map((pair) => [pair[0].toLowerCase(), pair]))
    for (const pair of options) merged.set(pair[0].toLowerCase(), pair)
    target.options = [...merged.values()]
  }
  return target
}

function readOptions(text: string, problem: (input: string, message: string) => undefined): Array<[string, string]> | undefined {
  if (text.trim() === '') return []
  const options = new Map<string, [string, string]>()
  const lines = text.split(/\r?\n/)
  for (const [index, line] of lines.entries()) {
    let pairs: Array<[string, string]>
    try {
      pairs = parsePairs(line)
    } catch (error) {
      if (!(error instanceof ConnectionStringError)) throw error
      return problem(INPUT.connectionOptions, `line ${index + 1} is not a valid Key=Value option: ${error.message}.`)
    }
    for (const [key, value] of pairs) {
      const core = coreKeyOf(key)
      if (core === 'sslmode') return problem(INPUT.connectionOptions, `sets SslMode; use the "${INPUT.sslMode}" input for that.`)
      if (core) return problem(INPUT.connectionOptions, `repeats "${key}", which comes from host, port, database, username and password (or connection-string); set it there.`)
      options.set(key.toLowerCase(), [key, value])
    }
  }
  return [...options.values()]
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}
