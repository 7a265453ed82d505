// The one way this action sends a request: one retry policy and one deadline for the whole
// step, over whichever transport it is given (transport.ts has the runner's).

import type { IncomingHttpHeaders } from 'node:http'
import type { Clock } from '../runner/clock.js'
import { ActionError, OutcomeUnknownError } from '../runner/errors.js'
import type { RawResponse, Transport } from '../runner/step.js'
import { ATTEMPT_TIMEOUT_MS, describeCode } from './transport.js'

export interface Response extends RawResponse {
  /** True when an earlier attempt of this request may have reached the server. */
  repeated: boolean
  attempts: number
  /** True when a failed answer's body was too large to read and was left out (see MAX_ERROR_BODY_CHARS). */
  oversized?: boolean
}

/**
 * A failed answer's body is read for its error, which takes a few KB. Redaction is synchronous,
 * so the deadline cannot interrupt it: a larger body is left out before it is redacted (31 MB
 * held the step up for seconds past its deadline). Nothing of it is shown then, not even a part
 * in which a secret could be cut beyond recognition.
 */
export const MAX_ERROR_BODY_CHARS = 1024 * 1024

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  headers: Record<string, string>
  body?: string
  /** Says what the request is for in messages, e.g. "Creating the connection". */
  what: string
  /** False for a POST that creates: its lost answers are not repeated blindly (see OutcomeUnknownError). */
  idempotent: boolean
  /** Fewer attempts than max-attempts, for a create that shares its budget with the lookups between its attempts. */
  maxAttempts?: number
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504])
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ETRUNCATED', 'ETIMEOUT', 'EPROXY'])
// Refused connections, and tunnels a proxy did not open, never reached the server: repeating them is safe even for a create.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EPROXY'])

const BASE_DELAY_MS = 500
const MAX_DELAY_MS = 15_000
interface SenderOptions {
  maxAttempts: number
  /** Absolute time (clock.now()) by which everything must be done. */
  deadline: number
  /** The timeout-seconds value, for messages. */
  timeoutSeconds: number
  clock: Clock
  log: (line: string) => void
  /** One line per attempt, shown with RUNNER_DEBUG=1: method, URL, status and time taken. */
  debug: (line: string) => void
  /** Applied to the body of every answer that is not a success, before anything reads it: an error may echo a secret. */
  redact: (text: string) => string
  transport: Transport
}

/** "1 attempt", "3 attempts". */
export function attempts(count: number): string {
  return `${count} attempt${count === 1 ? '' : 's'}`
}

/** Full jitter: a uniformly random wait up to an exponentially growing cap. */
export function backoffDelay(attempt: number, random: number): number {
  return Math.floor(random * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)))
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (!text) return undefined
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000
  // Only the HTTP-date form: Date.parse alone would read "1.5" or "-1" as dates long past.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text.trim())) return undefined
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : 'EUNKNOWN'
}

/** The transport's own words for a failure, which say what to do too (a proxy's failure, see transport.ts). */
function ownDescription(error: unknown): string | undefined {
  const description = (error as { description?: unknown }).description
  return typeof description === 'string' ? description : undefined
}

export class Sender {
  constructor(private readonly options: SenderOptions) {}

  /**
   * Sends the request, repeating it on 429, 5xx and network failures until it succeeds,
   * max-attempts is used up or the deadline comes. Any other status is returned for the caller to judge.
   */
  async send(spec: RequestSpec): Promise<Response> {
    const maxAttempts = spec.maxAttempts ?? this.options.maxAttempts
    let repeated = false
    for (let attempt = 1; ; attempt++) {
      if (this.options.deadline <= this.options.clock.now()) throw this.deadlineError(spec, attempt === 1)
      let reason: string
      let arrived: boolean
      let waitMs: number | undefined
      try {
        const response = await this.attempt(spec)
        if (!RETRYABLE_STATUSES.has(response.status)) return { ...response, repeated, attempts: attempt }
        reason = `HTTP ${response.status}`
        // A 429 is refused at the gateway before anything happens; a 5xx may come after the work was done.
        if (!spec.idempotent && response.status !== 429) {
          const retryAfter = retryAfterMs(response.headers['retry-after'], this.options.clock.now())
          throw new OutcomeUnknownError(`${spec.what} answered ${reason}, so it is unknown whether it took effect`, reason, attempt, retryAfter)
        }
        if (attempt >= maxAttempts) return { ...response, repeated, attempts: attempt }
        arrived = true
        waitMs = retryAfterMs(response.headers['retry-after'], this.options.clock.now())
      } catch (error) {
        if (error instanceof OutcomeUnknownError || error instanceof ActionError) throw error
        const code = errorCode(error)
        if (code === 'EDEADLINE') {
          // A create still in flight at the deadline may have happened: its caller must look before saying so.
          if (spec.idempotent) throw this.deadlineError(spec)
          throw new OutcomeUnknownError(
            `${spec.what} got no answer before the step's ${this.options.timeoutSeconds} s deadline (timeout-seconds), so it is unknown whether it took effect`,
            'no answer before the deadline',
            attempt
          )
        }
        const origin = new URL(spec.url).origin
        // An answer the HTTP parser could not read came after the request went out: a create may have happened.
        if (!spec.idempotent && (code.startsWith('HPE_') || code === 'EUNKNOWN')) {
          throw new OutcomeUnknownError(`${spec.what} got an answer that could not be read (${code}), so it is unknown whether it took effect`, describeCode(code), attempt)
        }
        if (!RETRYABLE_CODES.has(code)) {
          const own = ownDescription(error)
          throw new ActionError(
            own ? `${spec.what} failed (${origin}): ${own}.` : `${spec.what} failed: ${describeCode(code)} (${origin}). Check the URL inputs and the runner's network.`
          )
        }
        reason = ownDescription(error) ?? describeCode(code)
        arrived = !NOT_SENT_CODES.has(code)
        if (!spec.idempotent && arrived) {
          throw new OutcomeUnknownError(`${spec.what} failed: ${reason}, so it is unknown whether it took effect`, reason, attempt)
        }
        if (attempt >= maxAttempts) {
          throw new ActionError(`${spec.what} failed after ${attempts(attempt)}: ${reason} (${origin}). Try again later, or raise max-attempts.`)
        }
      }
      await this.pause(spec.what, reason, attempt, maxAttempts, 'retrying', waitMs)
      repeated ||= arrived
    }
  }

  now(): number {
    return this.options.clock.now()
  }

  /** Whether a wait of `ms` still ends before the deadline. */
  fits(ms: number): boolean {
    return this.options.clock.now() + ms < this.options.deadline
  }

  /**
   * Waits before the next step (`next` names it in the log line): as long as the server asked
   * (`asked`), or as the retry policy says; fails when the wait would pass the deadline.
   */
  private async pause(what: string, reason: string, attempt: number, maxAttempts: number, next: string, asked?: number): Promise<void> {
    const { clock, timeoutSeconds } = this.options
    const delay = asked ?? backoffDelay(attempt, clock.random())
    if (!this.fits(delay)) {
      const request = asked === undefined ? '' : ` (the server asked to wait ${Math.ceil(asked / 1000)} s)`
      throw new ActionError(
        `${what} failed: ${reason} on attempt ${attempt}/${maxAttempts}, and waiting to try again${request} would pass the ${timeoutSeconds} s deadline (timeout-seconds). Try again later, or raise timeout-seconds.`
      )
    }
    this.options.log(`${what}: ${reason}, attempt ${attempt}/${maxAttempts}; ${next} in ${(delay / 1000).toFixed(1)} s`)
    await clock.sleep(delay)
  }

  /** Waits `ms` (the caller checked that it fits), saying why in one log line. */
  async wait(ms: number, line: string): Promise<void> {
    this.options.log(`${line} in ${(ms / 1000).toFixed(1)} s`)
    await this.options.clock.sleep(ms)
  }

  /** One attempt, abandoned after ATTEMPT_TIMEOUT_MS (retryable) or at the deadline (final), whichever is first. */
  private async attempt(spec: RequestSpec): Promise<RawResponse & Pick<Response, 'oversized'>> {
    const started = this.options.clock.now()
    const response = await this.race(spec)
    this.options.debug(`${spec.method} ${spec.url} -> ${response.status} in ${Math.round(this.options.clock.now() - started)} ms`)
    if (response.status >= 200 && response.status < 300) return response
    const headers = this.redactHeaders(response.headers)
    if (response.body.length > MAX_ERROR_BODY_CHARS) return { ...response, headers, body: '', oversized: true }
    return { ...response, headers, body: this.options.redact(response.body) }
  }

  /**
   * A failed answer's headers (its request id, a redirect's Location) reach messages too. Node
   * reads header bytes as Latin-1: UTF-8 text is decoded as such before it is redacted.
   */
  private redactHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
    const redact = (value: string): string => this.options.redact(Buffer.from(value, 'latin1').toString('utf8'))
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, typeof value === 'string' ? redact(value) : Array.isArray(value) ? value.map(redact) : value]))
  }

  private async race(spec: RequestSpec): Promise<RawResponse> {
    const remaining = this.options.deadline - this.options.clock.now()
    const attempt = this.options.transport(spec.method, spec.url, spec.headers, spec.body)
    // An abandoned attempt fails later, when dispose destroys its socket; nobody waits for it then.
    attempt.catch(() => undefined)
    const code = remaining <= ATTEMPT_TIMEOUT_MS ? 'EDEADLINE' : 'ETIMEOUT'
    const timeout = this.options.clock.timeout(Math.min(remaining, ATTEMPT_TIMEOUT_MS))
    const given = timeout.expired.then((): never => {
      throw Object.assign(new Error(describeCode(code)), { code })
    })
    try {
      return await Promise.race([attempt, given])
    } finally {
      timeout.cancel()
    }
  }

  private deadlineError(spec: RequestSpec, beforeSending = false): ActionError {
    const limit = `the step's ${this.options.timeoutSeconds} s deadline (timeout-seconds)`
    return new ActionError(
      beforeSending
        ? `${spec.what} was not sent: ${limit} had already passed. Raise timeout-seconds.`
        : `${spec.what} timed out: ${limit} passed without an answer. Check that ${new URL(spec.url).origin} is reachable from the runner, or raise timeout-seconds.`
    )
  }
}
