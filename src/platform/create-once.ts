// A create exactly once, for every resource either action creates: a create whose answer was lost
// may still have happened, so what it made is looked for (by the run token in its description)
// before it is sent again.

import { MayExistError, OutcomeUnknownError, RefusedError, failureMessage } from '../runner/errors.js'
import type { Log } from '../runner/io.js'
import { lookAgain } from './look-again.js'
import { type Sender, attempts } from './sender.js'

export interface Create<T extends { id: string }> {
  /** "connection", "source connection": in log lines and failures. */
  noun: string
  /** Sends the create with at most this many attempts; a lost answer is an OutcomeUnknownError. */
  send(maxAttempts: number): Promise<T>
  /** What this very create made, when it can be found; absent when nothing can find it (it is sent again). */
  find?: () => Promise<T | undefined>
  /** How a user finds what a create of unknown outcome may have made, e.g. `look in Platform for "x" with [run-token …] in its description`. */
  lookFor: string
  /** Platform refused the create outright, before any answer was lost: it made nothing. */
  refused?: () => void
}

interface Sending {
  sender: Pick<Sender, 'now' | 'fits' | 'wait'>
  log: Log
  maxAttempts: number
}

/**
 * Creates exactly once. After a lost answer the resource is looked for with growing waits (the
 * first as long as Retry-After asks) until it is found and adopted, or the looks end; only then is
 * the create sent again. The creates and the repeats share max-attempts.
 */
export async function createOnce<T extends { id: string }>(create: Create<T>, { sender, log, maxAttempts }: Sending): Promise<T> {
  const { noun } = create
  const mayExist = (cause: string): MayExistError => new MayExistError(`${cause}; the ${noun} may exist: ${create.lookFor} before running the step again.`)
  let used = 0
  for (;;) {
    let unknown: OutcomeUnknownError
    try {
      return await create.send(maxAttempts - used)
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) {
        // Refused before any answer was lost: Platform made nothing.
        if (used === 0 && error instanceof RefusedError) create.refused?.()
        throw error
      }
      unknown = error
    }
    used += unknown.attempts
    const { find } = create
    if (!find) {
      if (used >= maxAttempts) throw mayExist(`${unknown.message}, after ${attempts(used)}`)
      log.warning(`${unknown.message}; it cannot be looked for, so it is sent again: an unused ${noun} may remain in Platform.`)
      continue
    }
    let adopted: T | 'no time' | undefined
    try {
      adopted = await lookAgain(
        sender,
        find,
        (look) => `Creating the ${noun}: ${unknown.reason}, attempt ${used}/${maxAttempts}; ${look === 1 ? 'checking whether it took effect' : 'checking again'}`,
        unknown.retryAfterMs
      )
    } catch (error) {
      throw mayExist(`${unknown.message}, and looking for it failed: ${failureMessage(error, log.debug).replace(/\.$/, '')}`)
    }
    if (adopted === 'no time') throw mayExist(`${unknown.message}, and the deadline leaves no time to look for it`)
    if (adopted) {
      log.info(`The create did take effect: adopting ${noun} ${adopted.id}.`)
      return adopted
    }
    if (used >= maxAttempts) throw mayExist(`${unknown.message}, and after ${attempts(used)} no such ${noun} was found`)
  }
}
