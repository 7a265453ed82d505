// Signing in to Platform for one step: the transport and the retrying Sender it shares, the
// access token, and the Flow Service client that uses them.

import type { Step } from '../runner/step.js'
import { FlowService } from './flow-service.js'
import { fetchAccessToken } from './ims.js'
import type { PlatformAccess } from './requests.js'
import { type RequestSpec, type Response, Sender } from './sender.js'

const USER_AGENT = 'aep-mysql-connection-action'

export type Credentials = { kind: 'client-secret'; clientSecret: string; scopes: string } | { kind: 'access-token'; accessToken: string }

/** Everything signing in and sending needs: who asks, where, with what, and how patiently. */
export interface SignIn extends PlatformAccess {
  imsUrl: string
  credentials: Credentials
  maxAttempts: number
  timeoutSeconds: number
}

export interface Session {
  flow: FlowService
  sender: Sender
  /** Sends a request with the access token (the dataflow's client sends its own requests through this). */
  send(request: RequestSpec): Promise<Response>
  /** Ends every socket, also a hung one, so the process can exit. */
  close(): void
}

async function openSession(signIn: SignIn, step: Step, deadline: number): Promise<Session> {
  const { log, redactor, clock } = step
  const { transport, dispose } = step.openTransport(USER_AGENT)
  const sender = new Sender({
    maxAttempts: signIn.maxAttempts,
    deadline,
    timeoutSeconds: signIn.timeoutSeconds,
    clock,
    log: log.info,
    debug: log.debug,
    redact: (body) => redactor.redactBody(body),
    transport
  })
  try {
    let token: string
    if (signIn.credentials.kind === 'access-token') token = signIn.credentials.accessToken
    else {
      token = await fetchAccessToken(sender, { imsUrl: signIn.imsUrl, clientId: signIn.clientId, ...signIn.credentials })
      redactor.hide(token, step.io.mask)
      log.info('Got an access token from IMS.')
    }
    const send = (request: RequestSpec): Promise<Response> => sender.send({ ...request, headers: { Authorization: `Bearer ${token}`, ...request.headers } })
    return { flow: new FlowService(send, signIn), sender, send, close: dispose }
  } catch (error) {
    dispose()
    throw error
  }
}

/** Runs `work` signed in, and closes the session however it ends. */
export async function inSession<T>(signIn: SignIn, step: Step, deadline: number, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(signIn, step, deadline)
  try {
    return await work(session)
  } finally {
    session.close()
  }
}
