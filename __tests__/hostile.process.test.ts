// Issue 10, the promises only a process of its own can show (the rest run in-process in
// hostile.scenario.test.ts): the bundled action runs as the runner runs it, against a MySQL server
// that hangs, crawls or never lets go of its socket, a proxy whose tunnel goes nowhere, answers
// that trickle in or never stop paging; and the process ends with the step, on a bounded heap.
// The describe blocks keep the numbers of the "What must hold" items.

import { type ProxyMode, startConnectProxy } from './support/connect-proxy.js'
import { endlessPages, slowDrip, startScriptedServer } from './support/hostile-http.js'
import { DEFAULT_MYSQL_VERSION, type MysqlStandIn, startMysqlStandIn } from './support/mysql-stand-in.js'
import { type RunOptions, type RunResult, runAction } from '../testing/run-action.mjs'
import { platformInputs } from '../testing/scenario.mjs'
import { suitePlatform } from './support/suite-platform.js'
import { closedAfterEach } from './support/closed-after-each.js'

// ---------------------------------------------------------------------------------------------
// ASSUMPTIONS about names and words the implementation has yet to choose. Change them here.
// ---------------------------------------------------------------------------------------------
/** Item 7: the error when the cap on what is kept across pages is reached. */
const PAGES_CAPPED = /\b(cap|capped|limit|more than|too many|too large|too much)\b/i
/** Item 7: the heap the action runs with there; what the cap lets it keep must stay well below. */
const CHILD_HEAP_MB = 256
// ---------------------------------------------------------------------------------------------

const PASSWORD = 'Hostile-pass-10'
const CLIENT_SECRET = 'hostile-client-secret-10'
const NAME = 'Orders DB'

/** Process start-up and a loaded machine: what a "prompt" end may take beyond its deadline. */
const SLACK_MS = 2500
/** Item 1: the step's deadline for a database that hangs after login (the preflight may use half). */
const HANG_TIMEOUT_S = 8
/** Item 1: a slow database's phases each fit the preflight's budget (half the deadline), but not together. */
const SLOW_TIMEOUT_S = 10
const SLOW_PHASE_MS = 4800
/**
 * Items 1 and 2: the debug line of the last-resort guard (src/runner/exit-guard.ts), which ends a process that
 * something still holds after the step has finished. These promises must hold without it.
 */
const LINGERED = /still held the process/

const platform = suitePlatform({ clientSecret: CLIENT_SECRET })
const mysqlStandIn = closedAfterEach(startMysqlStandIn)
const connectProxy = closedAfterEach((mode: ProxyMode) => startConnectProxy({ mode }))
const scriptedServer = closedAfterEach(startScriptedServer)

const inputs = (overrides: Record<string, string> = {}) =>
  platformInputs(platform, CLIENT_SECRET, { host: 'db.example.com', database: 'shop', username: 'etl', password: PASSWORD, name: NAME, ...overrides })

/** Runs main; checks, as every run does, that no secret input, client secret or access token is printed. */
function run(overrides: Record<string, string> = {}, options: RunOptions = {}): Promise<RunResult> {
  return runAction(inputs(overrides), { ...options, secrets: [CLIENT_SECRET, platform.accessToken, ...(options.secrets ?? [])] })
}

async function timed(start: () => Promise<RunResult>): Promise<RunResult & { ms: number }> {
  const started = Date.now()
  const result = await start()
  return { ...result, ms: Date.now() - started }
}

/** The inputs that point the preflight at a stand-in: it speaks no TLS. */
const preflightAt = (db: MysqlStandIn, overrides: Record<string, string> = {}) => ({
  host: db.host,
  port: String(db.port),
  'ssl-mode': 'None',
  preflight: 'fail',
  ...overrides
})

describe('1 preflight: one budget for the whole exchange, and the database never holds the step', () => {
  test('a database that hangs after login, preflight warn: a warning well within the deadline, then the connection is made', async () => {
    const db = await mysqlStandIn({ mode: 'hang-after-login' })

    const result = await timed(() => run(preflightAt(db, { preflight: 'warn', 'timeout-seconds': String(HANG_TIMEOUT_S) }), { timeoutMs: HANG_TIMEOUT_S * 1000 + 1000 }))

    expect(db.events.some((event) => event.startsWith('query '))).toBe(true)
    expect(result.ms).toBeLessThan(HANG_TIMEOUT_S * 1000 - 1000)
    expect(result.stdout).not.toMatch(LINGERED)
    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([expect.stringMatching(/^Preflight\b/)])
    expect(result.outputs.outcome).toBe('created')
  }, 15_000)

  test('a database that hangs after login, preflight fail: one sentence, before any Platform request', async () => {
    const db = await mysqlStandIn({ mode: 'hang-after-login' })

    const result = await timed(() => run(preflightAt(db, { 'timeout-seconds': String(HANG_TIMEOUT_S) }), { timeoutMs: HANG_TIMEOUT_S * 1000 + 1000 }))

    expect(result.ms).toBeLessThan(HANG_TIMEOUT_S * 1000 - 1000)
    expect(result.stdout).not.toMatch(LINGERED)
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([expect.stringMatching(/^Preflight\b[^\n]*MySQL[^\n]*\.$/)])
    expect(platform.requests).toEqual([])
  }, 15_000)

  test('a database whose every phase fits the budget but not all together: one budget, the step ends before its deadline', async () => {
    const db = await mysqlStandIn({ mode: 'slow', delayMs: { greeting: SLOW_PHASE_MS, login: 0, query: SLOW_PHASE_MS } })

    const result = await timed(() => run(preflightAt(db, { preflight: 'warn', 'timeout-seconds': String(SLOW_TIMEOUT_S) }), { timeoutMs: SLOW_TIMEOUT_S * 1000 + 2000 }))

    expect(result.ms).toBeLessThan(SLOW_TIMEOUT_S * 1000)
    expect(result.stdout).not.toMatch(LINGERED)
    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([expect.stringMatching(/^Preflight\b/)])
    expect(result.outputs['mysql-version']).toBeUndefined()
    expect(result.outputs.outcome).toBe('created')
  }, 20_000)

  test('a database that never closes its socket after a successful preflight: the process still ends promptly', async () => {
    const db = await mysqlStandIn({ mode: 'never-close' })

    const result = await timed(() => run(preflightAt(db), { timeoutMs: 7000 }))

    expect(result.outputs).toMatchObject({ outcome: 'created', 'mysql-version': DEFAULT_MYSQL_VERSION, 'mysql-table-count': '3' })
    expect(result.ms).toBeLessThan(5000)
    expect(result.stdout).not.toMatch(LINGERED)
    expect(result.code).toBe(0)
  }, 15_000)
})

describe('2 the deadline ends the process, behind a proxy too', () => {
  const viaProxy = { 'ims-url': 'https://ims.test', 'platform-url': 'https://platform.test', 'timeout-seconds': '3' }

  test.each([
    ['https_proxy', 'hang-after-connect'],
    ['HTTPS_PROXY', 'hang-before-connect']
  ] as const)(
    '%s to a proxy in mode %s: the deadline error, and the process ends with it',
    async (variable, mode) => {
      const proxy = await connectProxy(mode)

      const result = await timed(() => run(viaProxy, { env: { [variable]: proxy.url }, timeoutMs: 3000 + SLACK_MS + 1000 }))

      expect(proxy.connects).toEqual(['ims.test:443'])
      expect(result.errors).toEqual([expect.stringMatching(/\b3 s deadline\b/)])
      expect(result.ms).toBeLessThan(3000 + SLACK_MS)
      expect(result.stdout).not.toMatch(LINGERED)
      expect(result.code).toBe(1)
    },
    15_000
  )

  test('an answer trickled a byte at a time, forever: the deadline error, and the process ends with it', async () => {
    const server = await scriptedServer(slowDrip({ body: '{"items": [', intervalMs: 100, endless: true }))

    const result = await timed(() =>
      runAction(
        {
          'client-id': 'test-client-id',
          'access-token': 'hostile-token-0123456789',
          'ims-org-id': 'TESTORG@AdobeOrg',
          'platform-url': server.url,
          host: 'db.example.com',
          database: 'shop',
          username: 'etl',
          password: PASSWORD,
          'timeout-seconds': '3'
        },
        { timeoutMs: 12_000 }
      )
    )

    expect(server.requests.length).toBeGreaterThan(0)
    expect(result.errors).toEqual([expect.stringMatching(/\b3 s deadline\b/)])
    expect(result.code).toBe(1)
    expect(result.ms).toBeLessThan(3000 + SLACK_MS)
    expect(result.stdout).not.toMatch(LINGERED)
  }, 20_000)
})

describe('7 bounded memory across pages', () => {
  const direct = (url: string, overrides: Record<string, string> = {}) => ({
    'client-id': 'test-client-id',
    'access-token': 'hostile-token-0123456789',
    'ims-org-id': 'TESTORG@AdobeOrg',
    'platform-url': url,
    host: 'db.example.com',
    database: 'shop',
    username: 'etl',
    password: PASSWORD,
    name: NAME,
    ...overrides
  })

  test(`endless pages of namesakes, 3 MB each, on a ${CHILD_HEAP_MB} MB heap: an ::error:: line at the cap, never a crash`, async () => {
    const pages = endlessPages({ name: NAME, itemsPerPage: 400, descriptionBytes: 8192 })
    const server = await scriptedServer(pages.script)

    const result = await timed(() =>
      runAction(direct(server.url, { 'timeout-seconds': '60' }), { env: { NODE_OPTIONS: `--max-old-space-size=${CHILD_HEAP_MB}` }, timeoutMs: 40_000 })
    )

    expect(pages.served.pages).toBeGreaterThan(1)
    expect(result.stderr).not.toMatch(/heap out of memory|FATAL ERROR/i)
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([expect.stringMatching(new RegExp(`^Looking up connections named "${NAME}" failed`))])
    expect(result.errors[0]).toMatch(PAGES_CAPPED)
    expect(result.ms).toBeLessThan(30_000)
  }, 45_000)

  test('endless pages of other connections: the step ends by its deadline with an ::error:: line', async () => {
    const pages = endlessPages({ name: 'Somebody else', itemsPerPage: 500, descriptionBytes: 2048 })
    const server = await scriptedServer(pages.script)

    const result = await timed(() =>
      runAction(direct(server.url, { 'timeout-seconds': '4' }), { env: { NODE_OPTIONS: `--max-old-space-size=${CHILD_HEAP_MB}` }, timeoutMs: 15_000 })
    )

    expect(result.stderr).not.toMatch(/heap out of memory|FATAL ERROR/i)
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.ms).toBeLessThan(4000 + SLACK_MS)
  }, 20_000)
})
