// Signing in to Platform for one step: the transport and retrying Http it shares, the access
// token, and the Flow Service client that uses them.

import { buildConnectionString } from './connection-string.js'
import { FlowService } from './flow-service.js'
import { type Clock, Http, type Transport } from './http.js'
import { fetchAccessToken } from './ims.js'
import type { Settings } from './inputs.js'
import type { Io, Log } from './io.js'
import type { Redactor } from './secrets.js'

const USER_AGENT = 'aep-mysql-connection-action'

/** What a step runs on: the runner, the clock, the network, and its own redaction. */
export interface Step {
  io: Io
  /** io's log, redacted. */
  log: Log
  redactor: Redactor
  clock: Clock
  openTransport: (userAgent: string) => { transport: Transport; dispose: () => void }
  /** Until the returned undo, what to say should the job be cancelled; absent, a signal just ends the process. */
  onCancel?: (say: (signal: string) => void) => () => void
}

/**
 * The secrets the settings hold beyond the inputs as given: the password a connection string
 * held, and the connection string as built. Both steps register them before any request.
 */
export function maskSettingsSecrets(settings: Settings, { io, redactor }: Step): void {
  if (settings.operation !== 'upsert') return
  redactor.add(settings.target.password, io.mask)
  redactor.add(buildConnectionString(settings.target), io.mask)
}

export interface Session {
  flow: FlowService
  http: Http
  /** Ends every socket, also a hung one, so the process can exit. */
  close(): void
}

async function openSession(settings: Settings, step: Step, deadline: number): Promise<Session> {
  const { log, redactor, clock } = step
  const { transport, dispose } = step.openTransport(USER_AGENT)
  const http = new Http({
    maxAttempts: settings.maxAttempts,
    deadline,
    timeoutSeconds: settings.timeoutSeconds,
    clock,
    log: log.info,
    debug: log.debug,
    redact: (body) => redactor.redactBody(body),
    transport
  })
  try {
    let token: string
    if (settings.credentials.kind === 'access-token') token = settings.credentials.accessToken
    else {
      token = await fetchAccessToken(http, { imsUrl: settings.imsUrl, clientId: settings.clientId, ...settings.credentials })
      redactor.add(token, step.io.mask)
      log.info('Got an access token from IMS.')
    }
    return { flow: new FlowService(http, settings, token), http, close: dispose }
  } catch (error) {
    dispose()
    throw error
  }
}

/** Runs `work` signed in, and closes the session however it ends. */
export async function inSession<T>(settings: Settings, step: Step, deadline: number, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(settings, step, deadline)
  try {
    return await work(session)
  } finally {
    session.close()
  }
}
