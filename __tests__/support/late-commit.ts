// Two things a real backend does that the fake platform's faults alone cannot: commit a create
// after the gateway already answered (504, 503, or no answer at all), and stop failing once a
// test no longer wants it to. Both work from outside the fake, through its public API.

import type { Connection, FakePlatform, RecordedRequest } from '../../testing/fake-platform.mjs'
import { FLOW_BASE } from '../../testing/scenario.mjs'

const CONNECTIONS = `${FLOW_BASE}/connections`

export interface LateCommitOptions {
  /**
   * How many lookups (GET /connections) after the create still miss it: the backend stores it
   * just before the next one is answered. 0 stores it as the create arrives.
   */
  afterLookups: number
  /** The id it gets (default: random), e.g. one an attacker chose. */
  id?: string
}

export interface LateCommit {
  /** The connection once stored; rejects when stop() came first. */
  committed: Promise<Connection>
  stop(): void
}

/**
 * Waits for the first POST /connections that a fault answered (any fault: a status, a reset, a
 * hang), then stores the connection that request asked for after `afterLookups` lookups, as the
 * backend behind a gateway that gave up on it would. Counting lookups rather than time keeps the
 * moment of the commit the same on a virtual clock and on a loaded machine.
 */
export function commitLater(platform: FakePlatform, options: LateCommitOptions): LateCommit {
  let create: RecordedRequest | undefined
  let lookups = 0
  let resolve: (connection: Connection) => void = () => undefined
  let reject: (error: Error) => void = () => undefined
  const committed = new Promise<Connection>((done, fail) => {
    resolve = done
    reject = fail
  })
  const store = (): void => {
    stopWatching()
    const body = create!.json as { name: string; description?: string; auth: Connection['auth'] }
    resolve(
      platform.addConnection({
        name: body.name,
        ...(body.description === undefined ? {} : { description: body.description }),
        auth: structuredClone(body.auth),
        sandboxName: create!.headers['x-sandbox-name'] ?? 'prod',
        ...(options.id === undefined ? {} : { id: options.id })
      })
    )
  }
  const stopWatching = platform.watch((request) => {
    if (!create) {
      if (request.method !== 'POST' || request.path !== CONNECTIONS || request.fault === undefined) return
      create = request
      if (options.afterLookups === 0) store()
    } else if (request.method === 'GET' && request.path === CONNECTIONS && ++lookups > options.afterLookups) store()
  })
  // A test that never awaits it must not see an unhandled rejection.
  committed.catch(() => undefined)
  return {
    committed,
    stop() {
      stopWatching()
      reject(new Error('commitLater: stopped before the commit'))
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
