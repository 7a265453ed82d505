// The last-resort guard after main or post: it never holds the process itself, and ends it only
// after stdout is flushed, when something else still holds it.

import { type Ending, LINGER_MS, endWhenDone } from '../src/runner/exit-guard.js'

/** An Ending that records what the guard did, in order, and runs timers and flushes on demand. */
function recorded(resources: string[] = ['TCPSocketWrap']) {
  const steps: string[] = []
  const flushes: Array<() => void> = []
  const timers: Array<{ ms: number; action: () => void }> = []
  const ending: Ending = {
    flush: (done) => {
      steps.push('flush')
      flushes.push(done)
    },
    debug: (message) => steps.push(`debug ${message}`),
    resources: () => resources,
    exit: () => steps.push('exit'),
    later: (ms, action) => {
      steps.push(`later ${ms}`)
      timers.push({ ms, action })
    }
  }
  const flushed = (): void => flushes.shift()?.()
  const fire = (): void => timers.shift()?.action()
  return { ending, steps, flushed, fire }
}

test('waits for stdout to be flushed before it starts its wait', () => {
  const { ending, steps, flushed } = recorded()

  endWhenDone(ending)
  expect(steps).toEqual(['flush'])

  flushed()
  expect(steps).toEqual(['flush', `later ${LINGER_MS}`])
})

test('a process that ends by itself never meets the guard: nothing but the unref-ed wait', () => {
  const { ending, steps, flushed } = recorded()

  endWhenDone(ending)
  flushed()

  expect(steps).not.toContain('exit')
  expect(steps.some((step) => step.startsWith('debug'))).toBe(false)
})

test('a process still held after the wait: a debug line naming what held it, a flush, then the exit', () => {
  const { ending, steps, flushed, fire } = recorded(['TCPSocketWrap', 'Timeout'])

  endWhenDone(ending, 250)
  flushed()
  fire()
  expect(steps).toEqual(['flush', 'later 250', 'debug The step had finished, but TCPSocketWrap, Timeout still held the process after 250 ms: ended it.', 'flush'])

  flushed()
  expect(steps.at(-1)).toBe('exit')
})

test('with nothing to name, the debug line still reads as a sentence', () => {
  const { ending, steps, flushed, fire } = recorded([])

  endWhenDone(ending)
  flushed()
  fire()

  expect(steps).toContain(`debug The step had finished, but something still held the process after ${LINGER_MS} ms: ended it.`)
})
