// Logs into the database from the runner with exactly the values Platform is about to receive,
// so a wrong password is found now rather than at the first dataflow run.

import { isIP } from 'node:net'
import { type TLSSocket, checkServerIdentity } from 'node:tls'
import type { Connection, ConnectionOptions } from 'mysql2/promise'
import type { MysqlTarget } from './connection-string.js'
import { ActionError } from './errors.js'

export interface PreflightResult {
  version: string
  tableCount: number
}

type Tls = ConnectionOptions['ssl'] | undefined

/** The TLS behaviour Connector/NET gives each SslMode; empty means Preferred, its default. */
export function tlsFor(target: MysqlTarget): Tls {
  switch (target.sslMode ?? 'Preferred') {
    case 'None':
      return undefined
    case 'Preferred':
    case 'Required':
      return { rejectUnauthorized: false }
    case 'VerifyCA':
      // The chain must be trusted; the host name need not match.
      return { rejectUnauthorized: true, verifyIdentity: false }
    case 'VerifyFull':
      // For an IP address mysql2 sends no server name and Node would check "localhost":
      // the address is then checked after the handshake (checkAddress).
      return { rejectUnauthorized: true, verifyIdentity: isIP(target.host) === 0 }
  }
}

interface MysqlError {
  errno?: number
  code?: string
  sqlMessage?: string
  message?: string
}

/** One plain sentence for a failed login, with MySQL's error number where there is one. */
export function describeLoginFailure(error: unknown, target: MysqlTarget): string {
  const { errno, code, sqlMessage, message } = (error ?? {}) as MysqlError
  const where = `${target.host}:${target.port}`
  const server = sqlMessage ? `MySQL ${errno}: ${sqlMessage.replace(/\s+/g, ' ').replace(/\.$/, '')}` : undefined
  switch (errno) {
    case 1045:
      return `${server}. Check username and password${target.sslMode === 'None' ? ", and whether this user requires TLS (then set ssl-mode to Required)" : ''}.`
    case 1049:
      return `${server}: database "${target.database}" does not exist on ${where}. Check the database input.`
    case 1044:
      return `${server}: user "${target.username}" may not use database "${target.database}" (MySQL answers this also when the database does not exist). Check the database name and the user's grants.`
    case 3159:
      return `${server}: the server requires TLS. Set ssl-mode to Required (or VerifyCA, VerifyFull).`
  }
  if (server) return `${server}.`
  switch (code) {
    case 'ECONNREFUSED':
      return `the connection to ${where} was refused: nothing listens there. Check host and port.`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name "${target.host}" could not be resolved from the runner. Check host.`
    case 'ETIMEDOUT':
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      return `no answer from ${where} in time. A database that admits only Adobe's IP ranges cannot be reached from the runner: preflight: warn keeps this a warning, off skips the login.`
    case 'HANDSHAKE_NO_SSL_SUPPORT':
      return `ssl-mode ${target.sslMode} asks for TLS, but the server at ${where} does not offer it. Enable TLS on the server, or set ssl-mode to None or Preferred.`
    case 'HANDSHAKE_SSL_ERROR':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      // mysql2 files every certificate problem under one code; Node's own words are in the message.
      return `the server's TLS certificate could not be verified under ssl-mode ${target.sslMode ?? 'Preferred'} (${message ?? code}). Fix the certificate or the host name, or use ssl-mode Required to encrypt without verifying.`
  }
  return `the login to ${where} failed (${code ?? 'unknown error'}). Check host, port and ssl-mode.`
}

/** VerifyFull for a host given as an IP address: the certificate must name that address. */
function checkAddress(connection: Connection, address: string): void {
  const socket = (connection as unknown as { connection?: { stream?: Partial<TLSSocket> } }).connection?.stream
  const certificate = socket?.getPeerCertificate?.()
  const failure = certificate ? checkServerIdentity(address, certificate) : new Error('the server certificate could not be read')
  if (failure) throw Object.assign(failure, { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })
}

export async function runPreflight(target: MysqlTarget, timeoutMs: number): Promise<PreflightResult> {
  const mysql = await import('mysql2/promise')
  const options: ConnectionOptions = {
    host: target.host,
    port: target.port,
    user: target.username,
    password: target.password,
    database: target.database,
    connectTimeout: timeoutMs
  }
  const connect = async (ssl: Tls) => mysql.createConnection({ ...options, ...(ssl ? { ssl } : {}) })
  let connection: Connection | undefined
  try {
    try {
      connection = await connect(tlsFor(target))
    } catch (error) {
      // Preferred means "TLS when the server offers it": fall back to plain only when it does not.
      if (target.sslMode !== undefined && target.sslMode !== 'Preferred') throw error
      if ((error as MysqlError).code !== 'HANDSHAKE_NO_SSL_SUPPORT') throw error
      connection = await connect(undefined)
    }
    if (target.sslMode === 'VerifyFull' && isIP(target.host) !== 0) checkAddress(connection, target.host)
  } catch (error) {
    await connection?.end().catch(() => undefined)
    throw new ActionError(`Preflight login to MySQL failed: ${describeLoginFailure(error, target)}`)
  }
  try {
    const [versionRows] = await connection.query({ sql: 'SELECT VERSION() AS version', timeout: timeoutMs })
    const [countRows] = await connection.query({
      sql: "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
      values: [target.database],
      timeout: timeoutMs
    })
    const version = String((versionRows as Array<{ version: unknown }>)[0]?.version ?? '')
    const tableCount = Number((countRows as Array<{ n: unknown }>)[0]?.n ?? 0)
    return { version, tableCount }
  } catch (error) {
    throw new ActionError(`Preflight query on MySQL failed: ${describeLoginFailure(error, target)}`)
  } finally {
    await connection.end().catch(() => undefined)
  }
}
