// What a step runs on: the runner's io, the clock, the network and its own redaction, passed in
// so that run() works the same under the runner and in a test that records what it says.

import type { IncomingHttpHeaders } from 'node:http'
import type { Clock } from './clock.js'
import type { Io, Log } from './io.js'
import type { Redactor } from './secrets.js'

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** Sends one attempt; rejects with a Node network error (it has a `code`) when no answer came. */
export type Transport = (method: string, url: string, headers: Record<string, string>, body: string | undefined) => Promise<RawResponse>

/** Opens the network for one step; dispose ends every socket, also a hung one, so the process can exit. */
export type OpenTransport = (userAgent: string) => { transport: Transport; dispose: () => void }

export interface Step {
  io: Io
  /** io's log, redacted. */
  log: Log
  redactor: Redactor
  clock: Clock
  openTransport: OpenTransport
  /** Until the returned undo, what to say should the job be cancelled; absent, a signal just ends the process. */
  onCancel?: (say: (signal: string) => void) => () => void
}
