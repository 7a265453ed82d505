// Issue 16, class 9: redaction is synchronous, so the deadline cannot interrupt it. A failed
// answer's body is read for its error only: what redaction gets of it is bounded, so a 31 MB
// error body costs no more than a small one, and the deadline holds.

import { Sender } from '../src/platform/sender.js'
import type { RawResponse } from '../src/runner/step.js'
import { describeFailure } from '../src/platform/answers.js'
import { Redactor } from '../src/runner/secrets.js'

const MB = 1024 * 1024

function httpAnswering(answer: RawResponse, redacted: number[], redact: (text: string) => string = (text) => text) {
  return new Sender({
    maxAttempts: 1,
    deadline: 1000,
    timeoutSeconds: 1,
    clock: { now: () => 0, sleep: async () => undefined, timeout: () => ({ expired: new Promise<void>(() => undefined), cancel: () => undefined }), random: () => 0 },
    log: () => undefined,
    debug: () => undefined,
    redact: (text) => {
      redacted.push(text.length)
      return redact(text)
    },
    transport: async () => answer
  })
}

const spec = { method: 'GET' as const, url: 'https://platform.test/data/foundation/flowservice/connections', headers: {}, what: 'Looking up connections', idempotent: true }

test('a 31 MB error body: redaction gets at most 1 MB of it, and the failure is still one sentence', async () => {
  const body = JSON.stringify({ title: 'Internal error', detail: 'x'.repeat(31 * MB) })
  const redacted: number[] = []

  const response = await httpAnswering({ status: 500, headers: { 'content-type': 'application/json' }, body }, redacted).send(spec)

  expect(Math.max(...redacted)).toBeLessThanOrEqual(MB)
  expect(response.body.length).toBeLessThanOrEqual(MB)
  expect(describeFailure(spec.what, response)).toMatch(
    /^Looking up connections failed: HTTP 500, with an error body too large to read \(over 1 MB\)\. The service had a problem; try again later\.$/
  )
})

test('an error body under the cap is redacted whole, and its details read', async () => {
  const redactor = new Redactor()
  redactor.hide('Deadline-pass-16', () => undefined)
  const body = JSON.stringify({ title: 'Bad request', detail: `password Deadline-pass-16 refused ${'y'.repeat(MB / 2)}` })
  const redacted: number[] = []

  const response = await httpAnswering({ status: 400, headers: { 'content-type': 'application/json' }, body }, redacted, (text) => redactor.redactBody(text)).send(spec)

  expect(redacted).toContain(body.length)
  expect(describeFailure(spec.what, response)).toContain('password *** refused')
})
