// What Flow Service receives as a MySQL connection's auth: one of the MySQL connection spec's
// auth specs, with its params built from the database target.

import { type MysqlTarget, type SslMode, buildConnectionString } from './connection-string.js'
import type { AuthType } from './inputs.js'
import type { ConnectionAuth } from './requests.js'

/** Basic Authentication's sslMode on Azure-hosted Platform, for each Connector/NET SslMode. */
const AZURE_SSL_MODES: Record<SslMode, string> = { None: 'DISABLED', Preferred: 'PREFERRED', Required: 'REQUIRED', VerifyCA: 'Verify-Ca', VerifyFull: 'Verify Identity' }

export function authFor(target: MysqlTarget, authType: AuthType): ConnectionAuth {
  if (authType === 'basic') {
    return {
      specName: 'Basic Authentication',
      params: {
        server: target.host,
        port: String(target.port),
        database: target.database,
        username: target.username,
        password: target.password,
        ...(target.sslMode ? { sslMode: AZURE_SSL_MODES[target.sslMode] } : {})
      }
    }
  }
  return { specName: 'Connection String Based Authentication', params: { connectionString: buildConnectionString(target) } }
}
