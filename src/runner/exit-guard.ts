// The last resort once main or post has finished: nothing the action opened may keep the process,
// and with it the job, alive.

/** How long the process may outlive the step's work before the guard ends it. */
export const LINGER_MS = 1000

export interface Ending {
  /** Calls `done` once everything written to stdout and stderr so far has been handed to the system. */
  flush(done: () => void): void
  debug(message: string): void
  /** What still holds the process, for the debug line (process.getActiveResourcesInfo). */
  resources(): string[]
  /** Ends the process with the exit code the step has already set. */
  exit(): void
  /** Runs `action` after `ms` without keeping the process alive for it (an unref'd timer). */
  later(ms: number, action: () => void): void
}

/**
 * Everything the action opens is closed when it finishes or gives up (session.ts, transport.ts,
 * preflight.ts), so the process normally exits by itself at once and the guard's timer, which holds
 * nothing, never fires. Should something still hold the process (a bug of ours, or a library that
 * leaves a socket or timer behind), the job would hang until the runner's own limit, hours later:
 * after LINGER_MS the guard names what held it in a debug line and ends the process. stdout is
 * flushed before the wait and again before the exit, so no log line or ::error:: is lost.
 */
export function endWhenDone(ending: Ending, lingerMs = LINGER_MS): void {
  ending.flush(() =>
    ending.later(lingerMs, () => {
      ending.debug(`The step had finished, but ${ending.resources().join(', ') || 'something'} still held the process after ${lingerMs} ms: ended it.`)
      ending.flush(() => ending.exit())
    })
  )
}

/** The guard on the real process. */
export function processEnding(debug: (message: string) => void): Ending {
  return {
    flush: (done) => process.stdout.write('', () => process.stderr.write('', () => done())),
    debug,
    resources: () => process.getActiveResourcesInfo(),
    exit: () => process.exit(),
    later: (ms, action) => {
      setTimeout(action, ms).unref()
    }
  }
}
