// What Flow Service receives as a MySQL connection's auth: one of the MySQL connection spec's
// auth specs, with its params built from the database target. An organisation's own spec (read
// from Flow Service) decides the form of the params where it differs: on Experience Platform on
// AWS, Basic Authentication takes a boolean sslMode, and connection-string auth may not exist.
// Read back from such an auth: the parts of the target that are not secret.

import { type MysqlTarget, type SslMode, buildConnectionString, coreKeyOf, parsePairs } from '../mysql/connection-string.js'
import type { AuthSpec, Schema } from '../platform/connection-specs.js'
import type { ConnectionAuth } from '../platform/requests.js'
import { ActionError } from '../runner/errors.js'
import type { AuthType } from '../settings/inputs.js'
import { INPUT } from '../settings/names.js'

/** The organisation's MySQL spec refuses what would be written: known before anything is sent. */
export class SpecRefusal extends ActionError {}

const AUTH_SPEC_NAMES: Record<AuthType, string> = { 'connection-string': 'Connection String Based Authentication', basic: 'Basic Authentication' }

/** Basic Authentication's sslMode on Azure-hosted Platform, for each Connector/NET SslMode. */
const AZURE_SSL_MODES: Record<SslMode, string> = { None: 'DISABLED', Preferred: 'PREFERRED', Required: 'REQUIRED', VerifyCA: 'Verify-Ca', VerifyFull: 'Verify Identity' }
/** On AWS, sslMode says whether TLS is enforced; Preferred does not enforce it. */
const ENFORCED: Record<SslMode, boolean> = { None: false, Preferred: false, Required: true, VerifyCA: true, VerifyFull: true }

/** The non-secret parts of a target, as an auth spells them; null where the auth does not show one. */
interface ShownParts {
  host: string | null
  port: string | null
  database: string | null
  username: string | null
  sslMode: string | null
}

/** Basic Authentication's param for each part: authFor writes them, shownParts reads them back. */
const BASIC_PARAMS: Record<keyof ShownParts, string> = { host: 'server', port: 'port', database: 'database', username: 'username', sslMode: 'sslMode' }

// Which input sets each param, for messages.
const INPUT_OF: Record<string, string> = {
  server: INPUT.host,
  port: INPUT.port,
  database: INPUT.database,
  username: INPUT.username,
  password: INPUT.password,
  sslMode: INPUT.sslMode,
  connectionString: INPUT.connectionString
}

const typeOf = (schema: Schema | undefined): string | undefined => (typeof schema?.type === 'string' ? schema.type : undefined)
const enumOf = (schema: Schema | undefined): unknown[] => (Array.isArray(schema?.enum) ? schema.enum : [])

/**
 * sslMode in the form the spec declares: a JSON boolean, the string "true"/"false", or the Azure
 * enum. A plain string type alone does not say which: it is read as AWS's boolean string only
 * with a sign of it (a true/false default, or no connection-string auth offered, as on AWS).
 */
function sslModeParam(mode: SslMode, schema: Schema | undefined, onAws: boolean): string | boolean {
  const azure = AZURE_SSL_MODES[mode]
  const allowed = enumOf(schema)
  if (!schema || allowed.includes(azure)) return azure
  if (typeOf(schema) === 'boolean') return ENFORCED[mode]
  const booleanStrings =
    allowed.length > 0
      ? allowed.every((value) => value === 'true' || value === 'false')
      : typeOf(schema) === 'string' && (onAws || [true, false, 'true', 'false'].includes(schema.default as never))
  return booleanStrings ? String(ENFORCED[mode]) : azure
}

/**
 * The auth this action sends. Without `specs` (not read), the forms of Azure-hosted Platform, the
 * default. With them, the forms their schemas declare, checked against those schemas before
 * anything is written.
 */
export function authFor(target: MysqlTarget, authType: AuthType, specs?: AuthSpec[]): ConnectionAuth {
  const specName = AUTH_SPEC_NAMES[authType]
  const spec = specs && offered(specs, authType)
  const properties = spec?.schema.properties ?? {}
  const onAws = specs !== undefined && !specs.some((candidate) => candidate.name === AUTH_SPEC_NAMES['connection-string'])
  const params: ConnectionAuth['params'] =
    authType === 'basic'
      ? {
          [BASIC_PARAMS.host]: target.host,
          [BASIC_PARAMS.port]: ['integer', 'number'].includes(typeOf(properties.port) ?? '') ? target.port : String(target.port),
          [BASIC_PARAMS.database]: target.database,
          [BASIC_PARAMS.username]: target.username,
          password: target.password,
          ...(target.sslMode ? { [BASIC_PARAMS.sslMode]: sslModeParam(target.sslMode, properties.sslMode, onAws) } : {})
        }
      : { connectionString: buildConnectionString(target) }
  const auth = { specName, params }
  if (spec) {
    // Every problem at once, so one run shows all there is to fix.
    const problems = schemaProblems(spec.schema, params)
    if (problems.length > 0) {
      throw new SpecRefusal(
        `This organisation's MySQL connection spec refuses the params of "${specName}": ${problems.join('; ')}; check ${problems.length === 1 ? 'that input' : 'those inputs'}.`
      )
    }
  }
  return auth
}

/** The auth spec for this auth type; a clear failure when the organisation's MySQL spec does not offer it. */
function offered(specs: AuthSpec[], authType: AuthType): AuthSpec {
  const spec = specs.find((candidate) => candidate.name === AUTH_SPEC_NAMES[authType])
  if (spec) return spec
  const names = specs.map((candidate) => `"${candidate.name}"`).join(', ')
  const other = (Object.keys(AUTH_SPEC_NAMES) as AuthType[]).find((type) => specs.some((candidate) => candidate.name === AUTH_SPEC_NAMES[type]))
  const advice = other ? `set auth-type: ${other}` : 'this action cannot create a MySQL connection here'
  throw new SpecRefusal(
    `This organisation's MySQL connection spec offers ${names ? `only ${names}` : 'no auth spec'}, not "${AUTH_SPEC_NAMES[authType]}" (auth-type: ${authType}): ${advice}.`
  )
}

/** What breaks the schema, one phrase per field; never a value (they are credentials). */
function schemaProblems(schema: Schema, params: ConnectionAuth['params']): string[] {
  const problems: string[] = []
  const named = (field: string): string => `"${field}"${INPUT_OF[field] ? ` (from the ${INPUT_OF[field]} input)` : ''}`
  const required = Array.isArray(schema.required) ? schema.required.filter((field): field is string => typeof field === 'string') : []
  for (const field of required) if (params[field] === undefined) problems.push(`${named(field)} is required but not set`)
  for (const [field, value] of Object.entries(params)) {
    const rule = schema.properties?.[field]
    if (!rule) continue
    const type = typeOf(rule)
    const allowed = enumOf(rule)
    const actual = typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value
    if (type && type !== actual && !(type === 'number' && actual === 'integer')) problems.push(`${named(field)} must be of type ${type}`)
    else if (allowed.length > 0 && !allowed.includes(value)) problems.push(`${named(field)} must be one of ${allowed.map((option) => JSON.stringify(option)).join(', ')}`)
    else if (typeof rule.pattern === 'string' && typeof value === 'string' && !matches(rule.pattern, value))
      problems.push(`${named(field)} does not have the form the spec requires`)
  }
  return problems
}

/** How long one server pattern may take: a pattern can backtrack for ever, and the check runs on the only thread. */
const PATTERN_TIMEOUT_MS = 100
const MAX_PATTERN_LENGTH = 2000

function matches(pattern: string, value: string): boolean {
  if (pattern.length > MAX_PATTERN_LENGTH) return true
  try {
    // In a context with a timeout, which interrupts a backtracking pattern; the deadline's timers could not.
    const vm = process.getBuiltinModule('node:vm')
    return vm.runInNewContext('new RegExp(pattern, "u").test(value)', { pattern, value }, { timeout: PATTERN_TIMEOUT_MS }) === true
  } catch {
    // A pattern this engine cannot read, or one that takes too long, is the server's to check.
    return true
  }
}

/** The connection-string key each part is read from, by its Connector/NET meaning. */
const STRING_KEYS: Record<keyof ShownParts, string> = { host: 'server', port: 'port', database: 'database', username: 'uid', sslMode: 'sslmode' }

const NOTHING_SHOWN: ShownParts = { host: null, port: null, database: null, username: null, sslMode: null }

/**
 * Reads the non-secret parts back from an auth: one that authFor built, or one Platform returns
 * with its secrets hidden. The password is never read, so nothing taken from here can hold it,
 * even when Platform shows a connection string with its password.
 */
export function shownParts(auth: { specName: string; params: Record<string, unknown> }): ShownParts {
  const { params } = auth
  if (typeof params.connectionString === 'string') return partsOfConnectionString(params.connectionString)
  if (auth.specName !== AUTH_SPEC_NAMES.basic) return NOTHING_SHOWN
  return readParts(BASIC_PARAMS, (name) => {
    const value = params[name]
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : null
  })
}

function readParts(keys: Record<keyof ShownParts, string>, read: (key: string) => string | null): ShownParts {
  return { host: read(keys.host), port: read(keys.port), database: read(keys.database), username: read(keys.username), sslMode: read(keys.sslMode) }
}

function partsOfConnectionString(text: string): ShownParts {
  let pairs: Array<[string, string]>
  try {
    pairs = parsePairs(text)
  } catch {
    // Fully hidden ("****") or cut where the password was: nothing can be read with certainty.
    return NOTHING_SHOWN
  }
  const byKey = new Map<string, string>()
  // The last of duplicate keys wins, as in Connector/NET.
  for (const [key, value] of pairs) {
    const core = coreKeyOf(key)
    if (core) byKey.set(core, value)
  }
  return readParts(STRING_KEYS, (key) => byKey.get(key) ?? null)
}
