// A MySQL server stand-in for the preflight under a misbehaving database. It speaks just enough of
// the client/server protocol for mysql2 (the action's client) to log in and run the preflight's two
// queries: a protocol-10 greeting offering mysql_native_password, an OK to any login, and text
// result sets with EOF packets. Then it misbehaves as asked. Plain TCP on 127.0.0.1, no TLS: run
// the action with ssl-mode None.

import { randomBytes } from 'node:crypto'
import { type Socket, createServer } from 'node:net'
import { listenOnLoopback } from './loopback.js'

/**
 * ok: answers everything and closes on COM_QUIT, as a real server does.
 * hang-after-login: logs the client in, then never answers anything (not even COM_QUIT) and never closes.
 * slow: answers correctly, but waits `delayMs` before the greeting, the login's OK and each query's answer.
 * never-close: answers correctly, but ignores COM_QUIT and the client's end of the connection: its socket stays open.
 * deny: refuses the login with `denyErrno` / `denyMessage`, then closes.
 */
export type MysqlMode = 'ok' | 'hang-after-login' | 'slow' | 'never-close' | 'deny'

export type MysqlPhase = 'greeting' | 'login' | 'query'

export interface MysqlStandInOptions {
  mode: MysqlMode
  /** mode slow: the wait before each phase's answer, in ms; a number applies to all three. Default 0. */
  delayMs?: number | Partial<Record<MysqlPhase, number>>
  /** What SELECT VERSION() answers (and the greeting announces). Default '8.0.36-stand-in'. */
  version?: string
  /** What the information_schema.tables count answers. Default 3. */
  tableCount?: number
  /** mode deny: the error number. Default 1045. */
  denyErrno?: number
  /** mode deny: the error text, sent as UTF-8 as is. Default "Access denied for user 'etl'@'127.0.0.1' (using password: YES)". */
  denyMessage?: string
}

export interface MysqlStandIn {
  host: '127.0.0.1'
  port: number
  /**
   * What happened, in order, over all connections: 'connect', 'greeting', 'login <user>', 'ok',
   * 'query <sql>', 'quit', 'client-end' (the client ended its side), 'close'.
   */
  events: string[]
  /** Client connections whose socket is still open on the server side. */
  openSockets(): number
  /** Stops listening and destroys every socket and pending answer. */
  close(): Promise<void>
}

export const DEFAULT_MYSQL_VERSION = '8.0.36-stand-in'

// Capability flags (mysql_com.h). No SSL, COMPRESS, SESSION_TRACK, DEPRECATE_EOF or
// QUERY_ATTRIBUTES: the client then keeps to the plain classic exchange.
const LONG_PASSWORD = 0x1
const FOUND_ROWS = 0x2
const LONG_FLAG = 0x4
const CONNECT_WITH_DB = 0x8
const PROTOCOL_41 = 0x200
const TRANSACTIONS = 0x2000
const SECURE_CONNECTION = 0x8000
const MULTI_RESULTS = 0x20000
const PLUGIN_AUTH = 0x80000
const PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x200000
const CAPABILITIES =
  LONG_PASSWORD | FOUND_ROWS | LONG_FLAG | CONNECT_WITH_DB | PROTOCOL_41 | TRANSACTIONS | SECURE_CONNECTION | MULTI_RESULTS | PLUGIN_AUTH | PLUGIN_AUTH_LENENC_CLIENT_DATA

const UTF8_GENERAL_CI = 33
const BINARY = 63
const SERVER_STATUS_AUTOCOMMIT = 0x0002
const COM_QUIT = 0x01
const COM_QUERY = 0x03
const TYPE_LONGLONG = 0x08
const TYPE_VAR_STRING = 0xfd

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2)
  b.writeUInt16LE(n)
  return b
}
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n >>> 0)
  return b
}

function lengthEncoded(n: number): Buffer {
  if (n < 251) return Buffer.from([n])
  if (n < 0x10000) return Buffer.concat([Buffer.from([0xfc]), u16(n)])
  const b = Buffer.alloc(4)
  b[0] = 0xfd
  b.writeUIntLE(n, 1, 3)
  return b
}

function lengthEncodedString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8')
  return Buffer.concat([lengthEncoded(bytes.length), bytes])
}

/** One protocol packet: 3-byte little-endian payload length, sequence id, payload. */
function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUIntLE(payload.length, 0, 3)
  header[3] = sequence & 0xff
  return Buffer.concat([header, payload])
}

function greeting(connectionId: number, version: string): Buffer {
  // The scramble avoids NUL bytes, as real servers do.
  const scramble = Buffer.from(randomBytes(20).map((byte) => (byte % 127) + 1))
  return Buffer.concat([
    Buffer.from([10]), // protocol version
    Buffer.from(`${version}\0`, 'utf8'),
    u32(connectionId),
    scramble.subarray(0, 8),
    Buffer.from([0]),
    u16(CAPABILITIES & 0xffff),
    Buffer.from([UTF8_GENERAL_CI]),
    u16(SERVER_STATUS_AUTOCOMMIT),
    u16(CAPABILITIES >>> 16),
    Buffer.from([21]), // length of the auth plugin data, both parts and the NUL
    Buffer.alloc(10), // reserved
    scramble.subarray(8, 20),
    Buffer.from([0]),
    Buffer.from('mysql_native_password\0', 'latin1')
  ])
}

const ok = (): Buffer => Buffer.concat([Buffer.from([0x00, 0x00, 0x00]), u16(SERVER_STATUS_AUTOCOMMIT), u16(0)])
const eof = (): Buffer => Buffer.concat([Buffer.from([0xfe]), u16(0), u16(SERVER_STATUS_AUTOCOMMIT)])
const error = (errno: number, message: string): Buffer => Buffer.concat([Buffer.from([0xff]), u16(errno), Buffer.from('#28000', 'latin1'), Buffer.from(message, 'utf8')])

function columnDefinition(name: string, type: number): Buffer {
  const numeric = type === TYPE_LONGLONG
  return Buffer.concat([
    lengthEncodedString('def'),
    lengthEncodedString(''), // schema
    lengthEncodedString(''), // table
    lengthEncodedString(''), // original table
    lengthEncodedString(name),
    lengthEncodedString(name),
    Buffer.from([0x0c]),
    u16(numeric ? BINARY : UTF8_GENERAL_CI),
    u32(numeric ? 21 : 255),
    Buffer.from([type]),
    u16(numeric ? 0x81 : 0), // NOT_NULL | BINARY for the count
    Buffer.from([0]), // decimals
    u16(0)
  ])
}

/** A one-column, one-row text result set: its payloads, in order. */
function resultSet(column: string, type: number, value: string): Buffer[] {
  return [lengthEncoded(1), columnDefinition(column, type), eof(), lengthEncodedString(value), eof()]
}

/** The user name from a HandshakeResponse41, for the event log. */
function userOf(payload: Buffer): string {
  const start = 4 + 4 + 1 + 23 // capabilities, max packet size, charset, filler
  const end = payload.indexOf(0, start)
  return payload.subarray(start, end < 0 ? payload.length : end).toString('utf8')
}

export async function startMysqlStandIn(options: MysqlStandInOptions): Promise<MysqlStandIn> {
  const { mode, version = DEFAULT_MYSQL_VERSION, tableCount = 3, denyErrno = 1045 } = options
  const denyMessage = options.denyMessage ?? "Access denied for user 'etl'@'127.0.0.1' (using password: YES)"
  const delays = typeof options.delayMs === 'number' ? { greeting: options.delayMs, login: options.delayMs, query: options.delayMs } : (options.delayMs ?? {})
  const delayOf = (phase: MysqlPhase): number => (mode === 'slow' ? (delays[phase] ?? 0) : 0)

  const events: string[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let nextConnectionId = 1

  /** Runs `action` after `ms` (at once for 0), unless close() came first. */
  const later = (ms: number, action: () => void): void => {
    if (ms <= 0) return action()
    const timer = setTimeout(() => {
      timers.delete(timer)
      action()
    }, ms)
    timers.add(timer)
  }

  function serve(socket: Socket): void {
    sockets.add(socket)
    events.push('connect')
    socket.on('close', () => {
      sockets.delete(socket)
      events.push('close')
    })
    // A client that goes away mid-answer must not become an unhandled 'error'.
    socket.on('error', () => socket.destroy())
    socket.on('end', () => {
      events.push('client-end')
      // A real server closes its side too; never-close and a hung server do not.
      if (mode !== 'never-close' && mode !== 'hang-after-login') socket.end()
    })

    const send = (payloads: Buffer[], firstSequence: number): void => {
      if (socket.destroyed) return
      socket.write(Buffer.concat(payloads.map((payload, i) => packet(firstSequence + i, payload))))
    }

    let loggedIn = false
    let buffered = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      while (buffered.length >= 4) {
        const length = buffered.readUIntLE(0, 3)
        if (buffered.length < 4 + length) break
        const sequence = buffered[3]!
        const payload = buffered.subarray(4, 4 + length)
        buffered = buffered.subarray(4 + length)
        if (!loggedIn) {
          loggedIn = true
          events.push(`login ${userOf(payload)}`)
          if (mode === 'deny') {
            send([error(denyErrno, denyMessage)], sequence + 1)
            socket.end()
            continue
          }
          later(delayOf('login'), () => {
            events.push('ok')
            send([ok()], sequence + 1)
          })
          continue
        }
        onCommand(payload)
      }
    })

    function onCommand(payload: Buffer): void {
      const command = payload[0]
      if (command === COM_QUIT) {
        events.push('quit')
        if (mode === 'ok' || mode === 'slow') socket.end()
        return
      }
      if (command !== COM_QUERY) {
        events.push(`command ${command}`)
        if (mode !== 'hang-after-login') send([ok()], 1)
        return
      }
      const sql = payload.subarray(1).toString('utf8')
      events.push(`query ${sql}`)
      if (mode === 'hang-after-login') return
      const answer = /VERSION\(\)/i.test(sql)
        ? resultSet('version', TYPE_VAR_STRING, version)
        : /information_schema/i.test(sql)
          ? resultSet('n', TYPE_LONGLONG, String(tableCount))
          : [ok()]
      later(delayOf('query'), () => send(answer, 1))
    }

    const connectionId = nextConnectionId++
    later(delayOf('greeting'), () => {
      events.push('greeting')
      send([greeting(connectionId, version)], 0)
    })
  }

  // allowHalfOpen: the client's FIN alone does not close our side; each mode decides.
  const server = createServer({ allowHalfOpen: true }, serve)
  const port = await listenOnLoopback(server)

  return {
    host: '127.0.0.1',
    port,
    events,
    openSockets: () => sockets.size,
    close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}
