// What Flow Service receives as a MySQL connection's auth: one of the MySQL connection spec's
// auth specs, with its params built from the database target; and, read back from such an
// auth, the parts of the target that are not secret.

import { type MysqlTarget, type SslMode, buildConnectionString, coreKeyOf, parsePairs } from './connection-string.js'
import type { AuthType } from './inputs.js'
import type { ConnectionAuth } from './requests.js'

const BASIC_AUTH = 'Basic Authentication'

/** Basic Authentication's sslMode on Azure-hosted Platform, for each Connector/NET SslMode. */
const AZURE_SSL_MODES: Record<SslMode, string> = { None: 'DISABLED', Preferred: 'PREFERRED', Required: 'REQUIRED', VerifyCA: 'Verify-Ca', VerifyFull: 'Verify Identity' }

/** The non-secret parts of a target, as an auth spells them; null where the auth does not show one. */
export interface ShownParts {
  host: string | null
  port: string | null
  database: string | null
  username: string | null
  sslMode: string | null
}

/** Basic Authentication's param for each part: authFor writes them, shownParts reads them back. */
const BASIC_PARAMS: Record<keyof ShownParts, string> = { host: 'server', port: 'port', database: 'database', username: 'username', sslMode: 'sslMode' }

export function authFor(target: MysqlTarget, authType: AuthType): ConnectionAuth {
  if (authType === 'basic') {
    return {
      specName: BASIC_AUTH,
      params: {
        [BASIC_PARAMS.host]: target.host,
        [BASIC_PARAMS.port]: String(target.port),
        [BASIC_PARAMS.database]: target.database,
        [BASIC_PARAMS.username]: target.username,
        password: target.password,
        ...(target.sslMode ? { [BASIC_PARAMS.sslMode]: AZURE_SSL_MODES[target.sslMode] } : {})
      }
    }
  }
  return { specName: 'Connection String Based Authentication', params: { connectionString: buildConnectionString(target) } }
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
  if (auth.specName !== BASIC_AUTH) return NOTHING_SHOWN
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
