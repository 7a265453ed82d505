// Logs into the database from the runner with exactly the values Platform is about to receive,
// so a wrong password is found now rather than at the first dataflow run.

import { type Socket, connect as openSocket, isIP } from 'node:net'
import { type TLSSocket, checkServerIdentity } from 'node:tls'
import type { Connection, ConnectionOptions } from 'mysql2'
import type { MysqlTarget } from './connection-string.js'
import type { Clock } from '../runner/clock.js'
import { ActionError } from '../runner/errors.js'

interface PreflightResult {
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
      return `${server}. Check username and password${target.sslMode === 'None' ? ', and whether this user requires TLS (then set ssl-mode to Required)' : ''}.`
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
  // mysql2 keeps the TLS socket it made on top of ours as `stream`.
  const socket = (connection as unknown as { stream?: Partial<TLSSocket> }).stream
  const certificate = socket?.getPeerCertificate?.()
  const failure = certificate ? checkServerIdentity(address, certificate) : new Error('the server certificate could not be read')
  if (failure) throw Object.assign(failure, { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })
}

/** "4 s", "2.5 s": a budget as the messages show it. */
export function seconds(ms: number): string {
  return `${Math.round(Math.max(0, ms) / 100) / 10} s`
}

/** The part of the exchange a failure happened in: it names the failure and decides its advice. */
type PreflightStage = 'login' | 'query'

/** One plain sentence for a preflight whose budget ran out before the database had answered. */
export function describeTimeout(stage: PreflightStage, target: MysqlTarget, budgetMs: number): string {
  const where = `${target.host}:${target.port}`
  if (stage === 'login') {
    return `no answer from ${where} within ${seconds(budgetMs)}, the preflight's share of timeout-seconds; a database that admits only Adobe's IP ranges cannot be reached from the runner, where preflight: warn keeps this a warning and off skips the login.`
  }
  // Not "raise timeout-seconds": the share is at most 10 s (preflight-step.ts), so that may not help.
  return `${where} accepted the login but did not answer the preflight's queries within ${seconds(budgetMs)}, the preflight's share of timeout-seconds; check the database's load, or set preflight: warn to go on without this check.`
}

/**
 * After a successful exchange the client says goodbye (COM_QUIT) and gives the server this long
 * to close its side, as a real one does at once; then the socket is destroyed whatever the server does.
 */
const QUIT_GRACE_MS = 500
/** Marks the budget running out, to tell it from mysql2's own failures. */
const BUDGET_SPENT = 'PREFLIGHT_BUDGET_SPENT'

/**
 * Logs in and runs the two queries within one budget of `budgetMs` for the whole exchange. Every
 * socket it opened is destroyed before it returns or throws: mysql2's end() and destroy() only
 * half-close theirs, so a database that stops answering, or never closes its side, would otherwise
 * keep the step's process alive.
 */
export async function runPreflight(target: MysqlTarget, budgetMs: number, clock: Clock): Promise<PreflightResult> {
  const endsAt = clock.now() + budgetMs
  const mysql = await import('mysql2')
  const sockets = new Set<Socket>()
  const progress: { stage: PreflightStage; connection?: Connection; over: boolean } = { stage: 'login', over: false }
  const open = (ssl: Tls): Connection => {
    // An exchange the budget has ended opens nothing more: nobody would destroy it.
    if (progress.over) throw new Error('the preflight has already ended')
    const connection = mysql.createConnection({
      host: target.host,
      port: target.port,
      user: target.username,
      password: target.password,
      database: target.database,
      // mysql2's own handshake timer (10 s by default) must not outlast the budget either.
      connectTimeout: budgetMs,
      ...(ssl ? { ssl } : {}),
      // mysql2 takes its socket from here, so this function holds every socket it can destroy.
      stream: () => {
        const socket = openSocket(target.port, target.host)
        // What mysql2 does for a socket it opens itself: each packet goes out at once.
        socket.setNoDelay(true)
        sockets.add(socket)
        return socket
      }
    })
    // A failure reaches the step waiting for it through its callback; a later one, with no step
    // waiting, must not become an unhandled 'error' that ends the process.
    connection.on('error', () => undefined)
    return connection
  }

  const exchange = async (): Promise<PreflightResult> => {
    const connection = await logIn(open, target)
    progress.connection = connection
    progress.stage = 'query'
    const versionRows = await query(connection, 'SELECT VERSION() AS version', [])
    const countRows = await query(connection, "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'", [target.database])
    const version = String((versionRows as Array<{ version: unknown }>)[0]?.version ?? '')
    const tableCount = Number((countRows as Array<{ n: unknown }>)[0]?.n ?? 0)
    return { version, tableCount }
  }

  const timeout = clock.timeout(Math.max(0, endsAt - clock.now()))
  const budget = timeout.expired.then((): never => {
    throw Object.assign(new Error('the preflight budget ran out'), { code: BUDGET_SPENT })
  })
  const running = exchange()
  // Once the budget has run out nobody waits for the exchange: its late failure is expected.
  running.catch(() => undefined)
  try {
    const result = await Promise.race([running, budget])
    if (progress.connection) await quit(progress.connection, sockets, Math.min(QUIT_GRACE_MS, endsAt - clock.now()), clock)
    return result
  } catch (error) {
    const reason = (error as MysqlError).code === BUDGET_SPENT ? describeTimeout(progress.stage, target, budgetMs) : describeLoginFailure(error, target)
    throw new ActionError(progress.stage === 'login' ? `Preflight login to MySQL failed: ${reason}` : `Preflight query on MySQL failed: ${reason}`)
  } finally {
    progress.over = true
    timeout.cancel()
    for (const socket of sockets) socket.destroy()
  }
}

/** Connects and logs in with the TLS ssl-mode asks for; settles with the connection or mysql2's failure. */
async function logIn(open: (ssl: Tls) => Connection, target: MysqlTarget): Promise<Connection> {
  let connection: Connection
  try {
    connection = await connected(open(tlsFor(target)))
  } catch (error) {
    // Preferred means "TLS when the server offers it": fall back to plain only when it does not.
    if (target.sslMode !== undefined && target.sslMode !== 'Preferred') throw error
    if ((error as MysqlError).code !== 'HANDSHAKE_NO_SSL_SUPPORT') throw error
    connection = await connected(open(undefined))
  }
  if (target.sslMode === 'VerifyFull' && isIP(target.host) !== 0) checkAddress(connection, target.host)
  return connection
}

function connected(connection: Connection): Promise<Connection> {
  return new Promise((resolve, reject) => {
    connection.once('connect', () => resolve(connection))
    connection.once('error', reject)
  })
}

function query(connection: Connection, sql: string, values: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, values }, (error, rows) => (error ? reject(error) : resolve(rows)))
  })
}

/** Says goodbye as a client should, and waits up to `graceMs` for the server to close; the caller then destroys the socket. */
async function quit(connection: Connection, sockets: Set<Socket>, graceMs: number, clock: Clock): Promise<void> {
  if (graceMs <= 0) return
  const open = [...sockets].filter((socket) => !socket.destroyed)
  const closed = Promise.all(open.map((socket) => new Promise((resolve) => socket.once('close', resolve))))
  connection.end()
  const grace = clock.timeout(graceMs)
  await Promise.race([closed, grace.expired])
  grace.cancel()
}
