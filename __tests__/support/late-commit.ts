// Two things a real backend does that the fake platform's faults alone cannot: commit a create
// after the gateway already answered (504, 503, or no answer at all), and stop failing once a
// test no longer wants it to. Both work from outside the fake, through its public API.

import type { Connection, FakePlatform } from '../../testing/fake-platform.mjs'
import { FLOW_BASE } from '../../testing/scenario.mjs'

const CONNECTIONS = `${FLOW_BASE}/connections`
const POLL_MS = 10

export interface LateCommitOptions {
  /** How long after the create arrived the backend stores it. */
  afterMs: number
  /** The id it gets (default: random), e.g. one an attacker chose. */
  id?: string
  /** Give up waiting for the create after this long. Default 30 s. */
  timeoutMs?: number
}

export interface LateCommit {
  /** The connection once stored; rejects when no faulted create arrived in time or stop() came first. */
  committed: Promise<Connection>
  stop(): void
}

/**
 * Waits for the first POST /connections that a fault answered (any fault: a status, a reset, a
 * hang), then, `afterMs` later, stores the connection that request asked for, as the backend
 * behind a gateway that gave up on it would.
 */
export function commitLater(platform: FakePlatform, options: LateCommitOptions): LateCommit {
  const seen = platform.requests.length
  let poll: NodeJS.Timeout | undefined
  let commit: NodeJS.Timeout | undefined
  let giveUp: NodeJS.Timeout | undefined
  let reject: (error: Error) => void = () => undefined
  const stop = (): void => {
    clearInterval(poll)
    clearTimeout(commit)
    clearTimeout(giveUp)
  }
  const committed = new Promise<Connection>((resolve, fail) => {
    reject = fail
    giveUp = setTimeout(() => {
      stop()
      fail(new Error('commitLater: no faulted POST /connections arrived'))
    }, options.timeoutMs ?? 30_000)
    poll = setInterval(() => {
      const create = platform.requests.slice(seen).find((r) => r.method === 'POST' && r.path === CONNECTIONS && r.fault !== undefined)
      if (!create) return
      clearInterval(poll)
      const body = create.json as { name: string; description?: string; auth: Connection['auth'] }
      commit = setTimeout(() => {
        stop()
        resolve(
          platform.addConnection({
            name: body.name,
            ...(body.description === undefined ? {} : { description: body.description }),
            auth: structuredClone(body.auth),
            sandboxName: create.headers['x-sandbox-name'] ?? 'prod',
            ...(options.id === undefined ? {} : { id: options.id })
          })
        )
      }, options.afterMs)
    }, POLL_MS)
  })
  // A test that never awaits it must not see an unhandled rejection.
  committed.catch(() => undefined)
  return {
    committed,
    stop() {
      stop()
      reject(new Error('commitLater: stopped'))
    }
  }
}

/**
 * Uses up the faults still queued for `method path` by sending requests there until one is
 * answered normally (at most `max`), then forgets those requests. For a test whose main step
 * may use any number of them, before its post step, which should meet a working service.
 * Status faults only: a queued hang or reset would stall or break the loop.
 */
export async function drainFaults(platform: FakePlatform, method: string, path: string, max = 2000): Promise<number> {
  const from = platform.requests.length
  let drained = 0
  for (; drained < max; drained++) {
    const response = await fetch(`${platform.url}${path}`, { method })
    await response.arrayBuffer()
    if (platform.requests.at(-1)?.fault === undefined) break
  }
  platform.requests.splice(from)
  return drained
}
