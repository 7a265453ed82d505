// lookAgain: the growing waits with which main (before a create is sent again) and the post step
// (before it says there was nothing to delete) look for a create of unknown outcome.

import { lookAgain } from '../src/platform/look-again.js'

/** An Http stand-in whose time moves only by `step` per wait; `deadline` in the same units. */
function timeline(deadline = Infinity, step = (ms: number) => ms) {
  let now = 0
  const waits: number[] = []
  return {
    waits,
    http: {
      now: () => now,
      fits: (ms: number) => now + ms < deadline,
      wait: async (ms: number) => {
        waits.push(ms)
        now += step(ms)
      }
    }
  }
}

const never = async (): Promise<string | undefined> => undefined

test('waits 1, 2 and 4 s, then what is left of 8 s, and gives up', async () => {
  const { http, waits } = timeline()
  expect(await lookAgain(http, never, () => '')).toBeUndefined()
  expect(waits).toEqual([1000, 2000, 4000, 1000])
})

test('stops at the first look that finds something', async () => {
  const { http, waits } = timeline()
  let looks = 0
  expect(
    await lookAgain(
      http,
      async () => (++looks === 2 ? 'c0ffee' : undefined),
      () => ''
    )
  ).toBe('c0ffee')
  expect(waits).toEqual([1000, 2000])
})

test('the first wait as the server asked (Retry-After)', async () => {
  const { http, waits } = timeline()
  await lookAgain(http, never, () => '', 5000)
  expect(waits).toEqual([5000, 3000])
})

test("'no time' when the next wait would pass the deadline", async () => {
  const { http, waits } = timeline(2500)
  expect(await lookAgain(http, never, () => '')).toBe('no time')
  expect(waits).toEqual([1000])
})

test.each([
  ['a clock that stands still', timeline(Infinity, () => 0), 1000],
  ['a Retry-After of 0', timeline(), 0]
])('%s: the looks are bounded all the same', async (_, { http, waits }, firstWait) => {
  await lookAgain(http, never, () => '', firstWait)
  expect(waits.length).toBeLessThanOrEqual(10)
})
