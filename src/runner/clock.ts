// Time, passed in: every wait and deadline of a step reads this clock, so a test can run a
// minute of retries and look-agains in milliseconds.

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
  /** In [0, 1): the jitter source. */
  random(): number
}

export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: () => Math.random()
  }
}
