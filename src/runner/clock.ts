// Time, passed in: every wait and deadline of a step reads this clock, so a test can run a
// minute of retries and look-agains in milliseconds.

/** A wait that can be called off: what an attempt or a budget races against. */
export interface Timeout {
  /** Settles when the time is up; never, once cancelled. */
  expired: Promise<void>
  cancel(): void
}

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
  /** Starts a wait of `ms` for a race: the caller cancels it once the race is decided. */
  timeout(ms: number): Timeout
  /** In [0, 1): the jitter source. */
  random(): number
}

export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    timeout: (ms) => {
      let timer: NodeJS.Timeout | undefined
      const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
      return { expired, cancel: () => clearTimeout(timer) }
    },
    random: () => Math.random()
  }
}
