// A clock for tests: time moves only when the action sleeps (or a test moves it), so a minute of
// retries, look-agains and Retry-After waits passes in microseconds, and every wait is recorded.

import type { Clock } from '../../src/runner/clock.js'

export interface VirtualClock extends Clock {
  /** Every sleep the action asked for, in ms, in order. */
  waits: number[]
  /** Moves time on by `ms` without a sleep, ending the timeouts that fall due. */
  advance(ms: number): void
  /** Moves time on to the earliest pending timeout and ends it: what a hung attempt waits for. False when none is pending. */
  expireNext(): boolean
}

/** Starts at `start` (ms since the epoch); `random` is the jitter every call returns. */
export function virtualClock({ start = Date.now(), random = 0.5 }: { start?: number; random?: number } = {}): VirtualClock {
  let now = start
  const waits: number[] = []
  const pending = new Set<{ at: number; expire: () => void }>()
  const advance = (ms: number): void => {
    now += ms
    for (const timeout of [...pending].sort((a, b) => a.at - b.at)) {
      if (timeout.at > now) break
      pending.delete(timeout)
      timeout.expire()
    }
  }
  return {
    waits,
    advance,
    expireNext: () => {
      const next = Math.min(...[...pending].map((timeout) => timeout.at))
      if (next === Infinity) return false
      advance(next - now)
      return true
    },
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms)
      advance(ms)
    },
    timeout: (ms) => {
      let expire: () => void = () => undefined
      const expired = new Promise<void>((resolve) => (expire = resolve))
      const timeout = { at: now + ms, expire }
      if (ms <= 0) expire()
      else pending.add(timeout)
      return { expired, cancel: () => pending.delete(timeout) }
    },
    random: () => random
  }
}
