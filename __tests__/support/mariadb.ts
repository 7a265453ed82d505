// A throw-away MariaDB server for the preflight tests: its own data dir, port, socket and TLS
// certificates under a temp dir, started from Debian's `mariadb-server` binaries (see
// .ci/install-mariadb). Nothing is mocked: the action's mysql2 login runs against a real server.

import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import type { Connection } from 'mysql2/promise'

export interface MariaDb {
  host: '127.0.0.1'
  port: number
  /** PEM of the CA that signed the server certificate (its SAN names IP 127.0.0.1 and DNS localhost; the server also listens on 127.0.0.2, which the certificate does not name). */
  caPem: string
  /** Runs SQL as root over the unix socket, returns rows ([] for statements without a result set). */
  query(sql: string, params?: unknown[]): Promise<unknown[]>
  stop(): Promise<void>
}

export interface StartOptions {
  /** Serve TLS with a throw-away CA (default true). false gives a server whose have_ssl is DISABLED. */
  tls?: boolean
}

const READY_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000
const TOOL_TIMEOUT_MS = 60_000

const run = promisify(execFile)

/** Finds an executable on PATH, then in the sbin/bin dirs Debian uses (root's PATH may lack /usr/sbin). */
function findBinary(...names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/bin']
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name)
      if (existsSync(candidate)) return candidate
    }
  }
  return undefined
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('could not find a free port')
  return address.port
}

/** A CA and a server certificate it signed, valid for 127.0.0.1 and localhost, as MariaDB's ssl-* files. */
async function makeCertificates(openssl: string, dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const file = (name: string) => join(dir, name)
  const opts = { timeout: TOOL_TIMEOUT_MS }
  await run(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=preflight test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      file('ca-key.pem'),
      '-out',
      file('ca.pem')
    ],
    opts
  )
  await run(openssl, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', file('server-key.pem'), '-out', file('server.csr')], opts)
  // An extfile rather than -copy_extensions, which OpenSSL 1.1 lacks.
  writeFileSync(file('server.ext'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n')
  await run(
    openssl,
    [
      'x509',
      '-req',
      '-days',
      '2',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca-key.pem'),
      '-CAcreateserial',
      '-extfile',
      file('server.ext'),
      '-out',
      file('server.pem')
    ],
    opts
  )
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server-key.pem') }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return true
  let timer: NodeJS.Timeout | undefined
  const done = await Promise.race([once(child, 'exit').then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)))])
  clearTimeout(timer)
  return done
}

// Kills the server and removes `dir` once our end of its stdin closes, i.e. when this process ends
// in any way, SIGKILL included. A process 'exit' handler would not do: under jest, `process` is a
// sandboxed copy whose 'exit' never fires.
const WATCHDOG = `
dir=$1 pid=
while read -r line; do pid=$line; done
if [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; then
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
fi
rm -rf "$dir"
`

function startWatchdog(dir: string) {
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'watchdog', dir], { stdio: ['pipe', 'ignore', 'ignore'] })
  // It must not keep the test process alive: it is there for when that process is gone.
  watchdog.unref()
  ;(watchdog.stdin as unknown as Socket).unref()
  // A watchdog that died early (no `sh`?) only loses the crash cleanup; it must not crash the tests.
  watchdog.on('error', () => undefined)
  watchdog.stdin?.on('error', () => undefined)
  return {
    guard: (pid: number) => watchdog.stdin?.write(`${pid}\n`),
    /** After a clean stop: forget the pid (it may be reused) and let the watchdog go. */
    async release() {
      watchdog.stdin?.end('\n')
      if (!(await waitForExit(watchdog, STOP_TIMEOUT_MS))) watchdog.kill('SIGKILL')
    }
  }
}

/** SIGTERM, then SIGKILL after a bounded wait; false if the process is somehow still there. */
async function stopProcess(child: ChildProcess): Promise<boolean> {
  if (exited(child)) return true
  child.kill('SIGTERM')
  if (await waitForExit(child, STOP_TIMEOUT_MS)) return true
  child.kill('SIGKILL')
  return waitForExit(child, STOP_TIMEOUT_MS)
}

/** Retries `connect` until the server answers, it dies, or READY_TIMEOUT_MS passes. */
async function connectWhenReady(child: ChildProcess, connect: () => Promise<Connection>): Promise<Connection> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (exited(child)) throw new Error(`mariadbd exited early (code ${child.exitCode}, signal ${child.signalCode})`)
    try {
      return await connect()
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`mariadbd did not accept connections within ${READY_TIMEOUT_MS} ms: ${(error as Error).message}`, { cause: error })
      }
    }
    await sleep(100)
  }
}

interface Binaries {
  mariadbd: string
  installDb: string
  openssl: string | undefined
}

/** The binaries startMariaDb() needs, or why it must skip. */
function locate(tls: boolean): Binaries | string {
  const mariadbd = findBinary('mariadbd', 'mysqld')
  const installDb = findBinary('mariadb-install-db', 'mysql_install_db')
  const openssl = findBinary('openssl')
  if (!mariadbd || !installDb) return 'no MariaDB server (mariadbd/mysqld) here: run .ci/install-mariadb'
  if (tls && !openssl) return 'no openssl CLI here to make the test certificates: run .ci/install-mariadb'
  return { mariadbd, installDb, openssl }
}

/** Why startMariaDb() would skip on this machine, or undefined; lets a test file decide at collection time. */
export function mariaDbSkipReason(options: StartOptions = {}): string | undefined {
  const found = locate(options.tls ?? true)
  return typeof found === 'string' ? found : undefined
}

/** Starts a throw-away server, or returns { skip: reason } when no server binary exists on this machine. */
export async function startMariaDb(options: StartOptions = {}): Promise<MariaDb | { skip: string }> {
  const tls = options.tls ?? true
  const found = locate(tls)
  if (typeof found === 'string') return { skip: found }
  const { mariadbd, installDb, openssl } = found

  const mysql = await import('mysql2/promise')
  const dir = mkdtempSync(join(tmpdir(), 'mariadb-'))
  const datadir = join(dir, 'data')
  const socket = join(dir, 'mysqld.sock')
  // mariadbd refuses to run as root unless told to; elsewhere it runs as the current user.
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : []
  // Small InnoDB files (the default 96 MB redo log alone costs more than the whole test) and no
  // fsyncs: the data is thrown away, and the same flags keep mariadb-install-db fast too.
  const innodb = ['--innodb-buffer-pool-size=16M', '--innodb-log-file-size=8M', '--innodb-flush-method=nosync', '--innodb-flush-log-at-trx-commit=0', '--innodb-doublewrite=0']

  let child: ChildProcess | undefined
  // mariadb-install-db's output, then mariadbd's stderr: shown when the start fails.
  let log = ''
  const watchdog = startWatchdog(dir)
  const cleanup = async () => {
    if (child && !(await stopProcess(child))) log += '\n(mariadbd survived SIGKILL)'
    await watchdog.release()
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    const initDataDir = run(
      installDb,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        ...asRoot,
        '--skip-test-db',
        // root@localhost with an empty password: mysql2 cannot speak the unix_socket auth plugin.
        '--auth-root-authentication-method=normal',
        ...innodb
      ],
      { timeout: TOOL_TIMEOUT_MS }
    ).catch((error) => {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
      log = `${stdout}${stderr}`
      throw new Error(`mariadb-install-db failed: ${(error as Error).message.split('\n')[0]}`)
    })
    const [certs] = await Promise.all([tls && openssl ? makeCertificates(openssl, dir) : undefined, initDataDir])
    const sslArgs = certs ? [`--ssl-ca=${certs.ca}`, `--ssl-cert=${certs.cert}`, `--ssl-key=${certs.key}`] : []

    const port = await freePort()
    child = spawn(
      mariadbd,
      [
        '--no-defaults', // must come first
        `--datadir=${datadir}`,
        `--socket=${socket}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--tmpdir=${dir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1,127.0.0.2',
        '--skip-name-resolve',
        ...asRoot,
        ...innodb,
        ...sslArgs,
        '--skip-log-bin',
        // Debian's my.cnf sets utf8mb4, but --no-defaults would leave the compiled-in latin1.
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci'
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    )
    // A failed spawn (EACCES, …) is reported by the bounded wait below rather than crashing the tests.
    child.on('error', (error) => (log += `\nspawn failed: ${error.message}`))
    if (child.pid !== undefined) watchdog.guard(child.pid)
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      log = (log + chunk).slice(-16_000)
    })

    const server = child
    const root = await connectWhenReady(server, () => mysql.createConnection({ socketPath: socket, user: 'root', password: '', connectTimeout: 2000 }))

    let stopped = false
    return {
      host: '127.0.0.1',
      port,
      caPem: certs ? readFileSync(certs.ca, 'utf8') : '',
      async query(sql, params) {
        const [rows] = await root.query(sql, params)
        return Array.isArray(rows) ? rows : []
      },
      async stop() {
        if (stopped) return
        stopped = true
        await root.end().catch(() => root.destroy())
        await cleanup()
      }
    }
  } catch (error) {
    await cleanup()
    throw new Error(`could not start MariaDB: ${(error as Error).message}\n--- log tail ---\n${log.slice(-4000)}`, { cause: error })
  }
}

/**
 * Declares a suite's tests (`declare` runs describe/test) when a MariaDB server can start here.
 * Otherwise they are declared skipped, so jest counts them, and one plain line on stderr says why (console.warn would print a block
 * with a source location under jest), and under CI=true, where .ci/install-mariadb installs the
 * server, a failing test says so instead: a missing server there is a broken setup, not a skip.
 */
export function withMariaDb(file: string, title: string, declare: () => void): void {
  const skipReason = mariaDbSkipReason()
  if (skipReason === undefined) {
    declare()
  } else if (process.env.CI === 'true') {
    test('a MariaDB server is installed (required when CI=true)', () => {
      throw new Error(skipReason)
    })
  } else {
    process.stderr.write(`${file}: its tests are skipped (jest counts them below): ${skipReason}\n`)
    // The suite's own tests, declared and skipped, so the run reports how many did not run.
    describe.skip(`${title} (skipped: ${skipReason})`, declare)
  }
}

const START_TIMEOUT_MS = 120_000

/** Starts a server before the suite's tests (within its describe) and stops it after; returns a getter. */
export function useMariaDb(options: StartOptions = {}): () => MariaDb {
  let db: MariaDb | undefined
  beforeAll(async () => {
    const started = await startMariaDb(options)
    if ('skip' in started) throw new Error(started.skip)
    db = started
  }, START_TIMEOUT_MS)
  afterAll(async () => {
    await db?.stop()
  }, START_TIMEOUT_MS)
  return () => {
    if (!db) throw new Error('the server did not start (see beforeAll)')
    return db
  }
}
