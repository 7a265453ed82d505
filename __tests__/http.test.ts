import { systemClock } from '../src/runner/clock.js'
import type { RawResponse, Transport } from '../src/runner/step.js'
import { type RequestSpec, Sender, backoffDelay, retryAfterMs } from '../src/platform/sender.js'
import { ATTEMPT_TIMEOUT_MS } from '../src/platform/transport.js'
import { ActionError, OutcomeUnknownError } from '../src/runner/errors.js'
import { type VirtualClock, virtualClock } from './support/virtual-clock.js'

const START = Date.UTC(2025, 0, 1, 0, 0, 0)

type Step = RawResponse | Error

function response(status: number, headers: Record<string, string> = {}, body = ''): RawResponse {
  return { status, headers, body }
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code })
}

/** Answers each attempt with the next scripted step; records what was sent. */
function scripted(steps: Step[]): { transport: Transport; calls: Array<{ method: string; url: string; body: string | undefined }> } {
  const calls: Array<{ method: string; url: string; body: string | undefined }> = []
  const transport: Transport = async (method, url, _headers, body) => {
    calls.push({ method, url, body })
    const step = steps[calls.length - 1]
    if (step === undefined) throw new Error(`the script has no step ${calls.length}`)
    if (step instanceof Error) throw step
    return step
  }
  return { transport, calls }
}

/** A clock whose sleep passes instantly, moving `now` on and recording the wait. */
function fakeClock(random = 0.5): VirtualClock {
  return virtualClock({ start: START, random })
}

function setup(steps: Step[], options: { maxAttempts?: number; timeoutSeconds?: number; random?: number; deadline?: number } = {}) {
  const { maxAttempts = 5, timeoutSeconds = 300, random = 0.5 } = options
  const clock = fakeClock(random)
  const { transport, calls } = scripted(steps)
  const logs: string[] = []
  const debugs: string[] = []
  const sender = new Sender({
    maxAttempts,
    deadline: options.deadline ?? START + timeoutSeconds * 1000,
    timeoutSeconds,
    clock,
    log: (line) => logs.push(line),
    debug: (line) => debugs.push(line),
    redact: (text) => text.replaceAll('s3cret', '***'),
    transport
  })
  return { sender, clock, calls, logs, debugs }
}

const GET: RequestSpec = { method: 'GET', url: 'https://platform.example.com/data/connections?x=1', headers: {}, what: 'Listing connections', idempotent: true }
const CREATE: RequestSpec = { method: 'POST', url: 'https://platform.example.com/data/connections', headers: {}, body: '{}', what: 'Creating the connection', idempotent: false }

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the request to fail, but it succeeded')
}

describe('backoffDelay', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8, 10])('attempt %i stays within [0, min(15000, 500 * 2^(n-1)))', (attempt) => {
    const cap = Math.min(15_000, 500 * 2 ** (attempt - 1))
    expect(backoffDelay(attempt, 0)).toBe(0)
    expect(backoffDelay(attempt, 0.5)).toBe(Math.floor(cap / 2))
    const highest = backoffDelay(attempt, 0.999999)
    expect(highest).toBeLessThan(cap)
    expect(highest).toBeGreaterThanOrEqual(cap - 1)
  })
})

describe('retryAfterMs', () => {
  test.each<[string | string[] | undefined, number | undefined]>([
    ['2', 2000],
    [' 5 ', 5000],
    ['0', 0],
    [['3', '9'], 3000],
    ['Wed, 01 Jan 2025 00:00:07 GMT', 7000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    [undefined, undefined],
    ['', undefined],
    [[], undefined],
    ['soon', undefined],
    ['2 seconds', undefined],
    // Date.parse reads these as dates long past; they must not mean "retry at once".
    ['1.5', undefined],
    ['-1', undefined],
    ['abc 1', undefined]
  ])('%j -> %s', (value, expected) => {
    expect(retryAfterMs(value, START)).toBe(expected)
  })
})

describe('Sender.send', () => {
  test('a 503 then 200 is retried once, with one log line', async () => {
    const { sender, calls, logs, clock } = setup([response(503), response(200, {}, '{"ok":true}')])
    const result = await sender.send(GET)
    expect(result).toEqual({ status: 200, headers: {}, body: '{"ok":true}', repeated: true, attempts: 2 })
    expect(calls).toHaveLength(2)
    expect(logs).toEqual([`Listing connections: HTTP 503, attempt 1/5; retrying in ${(clock.waits[0]! / 1000).toFixed(1)} s`])
    expect(clock.waits).toEqual([backoffDelay(1, 0.5)])
  })

  test('each attempt is one debug line with method, URL, status and time', async () => {
    const { sender, debugs } = setup([response(503), response(200)])
    await sender.send(GET)
    expect(debugs).toEqual([`GET ${GET.url} -> 503 in 0 ms`, `GET ${GET.url} -> 200 in 0 ms`])
  })

  test('a first answer that needs no retry is returned as it is', async () => {
    const { sender, calls, logs, clock } = setup([response(200, { etag: '"1"' }, 'body')])
    expect(await sender.send(GET)).toEqual({ status: 200, headers: { etag: '"1"' }, body: 'body', repeated: false, attempts: 1 })
    expect(calls).toEqual([{ method: 'GET', url: GET.url, body: undefined }])
    expect(logs).toEqual([])
    expect(clock.waits).toEqual([])
  })

  test('429 with Retry-After: 2 waits 2000 ms', async () => {
    const { sender, clock, logs } = setup([response(429, { 'retry-after': '2' }), response(200)])
    expect((await sender.send(GET)).status).toBe(200)
    expect(clock.waits).toEqual([2000])
    expect(logs[0]).toContain('retrying in 2.0 s')
  })

  test('Retry-After as an HTTP date waits until then', async () => {
    const { sender, clock } = setup([response(503, { 'retry-after': 'Wed, 01 Jan 2025 00:00:04 GMT' }), response(200)])
    expect((await sender.send(GET)).status).toBe(200)
    expect(clock.waits).toEqual([4000])
  })

  test('Retry-After beyond the deadline fails at once, naming timeout-seconds', async () => {
    const { sender, calls, clock } = setup([response(429, { 'retry-after': '60' }), response(200)], { timeoutSeconds: 30 })
    const error = await rejection(sender.send(GET))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toContain('the server asked to wait 60 s')
    expect(error.message).toContain('30 s deadline (timeout-seconds)')
    expect(error.message).toContain('HTTP 429 on attempt 1/5')
    expect(calls).toHaveLength(1)
    expect(clock.waits).toEqual([])
  })

  test('a backoff that would pass the deadline fails at once too', async () => {
    const { sender, calls } = setup([response(502), response(200)], { deadline: START + 100, random: 0.5 })
    const error = await rejection(sender.send(GET))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toMatch(/waiting to try again would pass the 300 s deadline/)
    expect(calls).toHaveLength(1)
  })

  test('when max-attempts is used up, the last 5xx answer is returned', async () => {
    const { sender, calls, clock, logs } = setup([response(500, {}, 'a'), response(502, {}, 'b'), response(504, {}, 'c')], { maxAttempts: 3 })
    const result = await sender.send(GET)
    expect(result).toMatchObject({ status: 504, body: 'c', repeated: true })
    expect(calls).toHaveLength(3)
    expect(clock.waits).toHaveLength(2)
    expect(logs.map((line) => line.match(/attempt \d\/3/)?.[0])).toEqual(['attempt 1/3', 'attempt 2/3'])
  })

  test('max-attempts 1 never retries', async () => {
    const { sender, calls } = setup([response(503), response(200)], { maxAttempts: 1 })
    expect((await sender.send(GET)).status).toBe(503)
    expect(calls).toHaveLength(1)
  })

  test.each([[400], [401], [403], [404], [409], [412], [201], [204], [302]])('HTTP %i is never retried', async (status) => {
    const { sender, calls, clock } = setup([response(status), response(200)])
    expect(await sender.send(GET)).toMatchObject({ status, repeated: false })
    expect(calls).toHaveLength(1)
    expect(clock.waits).toEqual([])
  })

  test.each([['ECONNRESET'], ['EPIPE'], ['ETIMEDOUT'], ['ECONNABORTED'], ['ETRUNCATED']])('%s is retried for an idempotent request and marks it repeated', async (code) => {
    const { sender, calls, logs } = setup([networkError(code), response(200)])
    expect(await sender.send(GET)).toMatchObject({ status: 200, repeated: true })
    expect(calls).toHaveLength(2)
    expect(logs).toHaveLength(1)
    expect(logs[0]).toContain('attempt 1/5')
  })

  test.each([['ECONNREFUSED'], ['EAI_AGAIN']])('%s never reached the server: retried, but not marked repeated', async (code) => {
    const { sender } = setup([networkError(code), networkError(code), response(200)])
    expect(await sender.send(GET)).toMatchObject({ status: 200, repeated: false })
  })

  test('repeated stays true once an attempt may have arrived', async () => {
    const { sender } = setup([response(503), networkError('ECONNREFUSED'), response(404)])
    expect(await sender.send(GET)).toMatchObject({ status: 404, repeated: true })
  })

  test('network failures until max-attempts give an ActionError naming the attempts and origin', async () => {
    const { sender, calls } = setup([networkError('ECONNRESET'), networkError('ECONNRESET'), networkError('ECONNRESET')], { maxAttempts: 3 })
    const error = await rejection(sender.send(GET))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe('Listing connections failed after 3 attempts: the connection was reset (https://platform.example.com). Try again later, or raise max-attempts.')
    expect(calls).toHaveLength(3)
  })

  test.each<[string, string]>([
    ['ENOTFOUND', 'the host name does not exist'],
    ['CERT_HAS_EXPIRED', "the server's TLS certificate has expired"],
    ['EWHATEVER', 'the request failed (EWHATEVER)']
  ])('%s fails at once with an ActionError', async (code, words) => {
    const { sender, calls } = setup([networkError(code), response(200)])
    const error = await rejection(sender.send(GET))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe(`Listing connections failed: ${words} (https://platform.example.com). Check the URL inputs and the runner's network.`)
    expect(error.message).not.toContain('?x=1')
    expect(calls).toHaveLength(1)
  })

  test('an error without a code fails at once', async () => {
    const { sender, calls } = setup([new Error('boom'), response(200)])
    expect((await rejection(sender.send(GET))).message).toContain('the request failed (EUNKNOWN)')
    expect(calls).toHaveLength(1)
  })

  test('the body of a failed answer is redacted before anyone reads it; a success is left alone', async () => {
    const { sender } = setup([response(400, {}, 'bad value s3cret'), response(200, {}, 'token s3cret')])
    expect((await sender.send(GET)).body).toBe('bad value ***')
    expect((await sender.send(GET)).body).toBe('token s3cret')
  })

  test('a request may have fewer attempts than max-attempts', async () => {
    const { sender, calls } = setup([response(429), response(429), response(429)], { maxAttempts: 5 })
    const result = await sender.send({ ...CREATE, maxAttempts: 2 })
    expect(result).toMatchObject({ status: 429, attempts: 2 })
    expect(calls).toHaveLength(2)
  })

  test('wait logs its line with the time and waits that long; fits says whether a wait ends before the deadline', async () => {
    const { sender, logs, clock } = setup([], { timeoutSeconds: 30 })
    expect(sender.fits(29_999)).toBe(true)
    expect(sender.fits(30_000)).toBe(false)
    await sender.wait(2000, 'Creating the connection: HTTP 503, attempt 2/5; checking again')
    expect(clock.waits).toEqual([2000])
    expect(logs).toEqual(['Creating the connection: HTTP 503, attempt 2/5; checking again in 2.0 s'])
  })

  describe('a non-idempotent POST', () => {
    test.each([['HPE_INVALID_CONTENT_LENGTH'], ['HPE_HEADER_OVERFLOW'], ['EUNKNOWN']])(
      'an answer the parser could not read (%s) is an unknown outcome, not a plain failure',
      async (code) => {
        const { sender, calls } = setup([networkError(code)])
        expect(await rejection(sender.send(CREATE))).toBeInstanceOf(OutcomeUnknownError)
        expect(calls).toHaveLength(1)
      }
    )

    test('HTTP 503 on the last attempt is still an unknown outcome, not a plain failure', async () => {
      const { sender } = setup([response(429), response(503)], { maxAttempts: 2 })
      expect(await rejection(sender.send(CREATE))).toBeInstanceOf(OutcomeUnknownError)
    })

    test.each([[500], [502], [503], [504]])('HTTP %i throws OutcomeUnknownError without retrying', async (status) => {
      const { sender, calls, clock } = setup([response(status), response(201)])
      const error = await rejection(sender.send(CREATE))
      expect(error).toBeInstanceOf(OutcomeUnknownError)
      expect(error.message).toBe(`Creating the connection answered HTTP ${status}, so it is unknown whether it took effect`)
      expect(error).toMatchObject({ reason: `HTTP ${status}`, attempts: 1 })
      expect(calls).toHaveLength(1)
      expect(clock.waits).toEqual([])
    })

    test.each([['ECONNRESET'], ['ETIMEDOUT'], ['EPIPE']])('%s throws OutcomeUnknownError without retrying', async (code) => {
      const { sender, calls } = setup([networkError(code), response(201)])
      const error = await rejection(sender.send(CREATE))
      expect(error).toBeInstanceOf(OutcomeUnknownError)
      expect(error.message).toMatch(/^Creating the connection failed: .*, so it is unknown whether it took effect$/)
      expect(calls).toHaveLength(1)
    })

    test('429 is retried (the gateway refused it before anything happened)', async () => {
      const { sender, calls, clock } = setup([response(429, { 'retry-after': '1' }), response(201, {}, '{"id":"x"}')])
      expect(await sender.send(CREATE)).toMatchObject({ status: 201, body: '{"id":"x"}' })
      expect(calls).toHaveLength(2)
      expect(calls[1]).toEqual({ method: 'POST', url: CREATE.url, body: '{}' })
      expect(clock.waits).toEqual([1000])
    })

    test.each([['ECONNREFUSED'], ['EAI_AGAIN']])('%s is retried, and the result is not marked repeated', async (code) => {
      const { sender, calls } = setup([networkError(code), response(201)])
      expect(await sender.send(CREATE)).toMatchObject({ status: 201, repeated: false })
      expect(calls).toHaveLength(2)
    })

    test('ENOTFOUND fails at once with an ActionError', async () => {
      const { sender, calls } = setup([networkError('ENOTFOUND'), response(201)])
      const error = await rejection(sender.send(CREATE))
      expect(error).toBeInstanceOf(ActionError)
      expect(error).not.toBeInstanceOf(OutcomeUnknownError)
      expect(calls).toHaveLength(1)
    })
  })

  test('a deadline that has already passed fails before sending', async () => {
    const { sender, calls } = setup([response(200)], { deadline: START, timeoutSeconds: 42 })
    const error = await rejection(sender.send(GET))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe("Listing connections was not sent: the step's 42 s deadline (timeout-seconds) had already passed. Raise timeout-seconds.")
    expect(calls).toHaveLength(0)
  })

  test.each([[0], [0.3], [0.999999]])('full-jitter waits stay within [0, min(15000, 500 * 2^(n-1))) with random %f', async (random) => {
    const steps: Step[] = [...Array<Step>(9).fill(response(503)), response(200)]
    const { sender, clock } = setup(steps, { maxAttempts: 10, timeoutSeconds: 3600, random })
    expect((await sender.send(GET)).status).toBe(200)
    expect(clock.waits).toHaveLength(9)
    clock.waits.forEach((wait, index) => {
      const cap = Math.min(15_000, 500 * 2 ** index)
      expect(wait).toBeGreaterThanOrEqual(0)
      expect(wait).toBeLessThan(cap)
      expect(wait).toBe(Math.floor(random * cap))
    })
  })

  /** A Sender on the fake clock whose transport hands out `answers` in turn. */
  function racing(answers: Array<Promise<RawResponse>>) {
    const clock = fakeClock()
    const logs: string[] = []
    let sent = 0
    const sender = new Sender({
      maxAttempts: 3,
      deadline: START + 300_000,
      timeoutSeconds: 300,
      clock,
      log: (line) => logs.push(line),
      debug: () => undefined,
      redact: (text) => text,
      transport: () => {
        sent++
        return answers.shift()!
      }
    })
    return { sender, clock, logs, sent: () => sent }
  }

  test("an attempt is never abandoned before Adobe's gateway would end it (60 s)", async () => {
    let answer: (raw: RawResponse) => void = () => undefined
    const { sender, clock, logs, sent } = racing([new Promise((resolve) => (answer = resolve))])

    const answered = sender.send(GET)
    clock.advance(60_000)
    answer(response(201))

    expect((await answered).status).toBe(201)
    expect(sent()).toBe(1)
    expect(logs).toEqual([])
  })

  test('a hung attempt is abandoned after the attempt timeout and tried again', async () => {
    const { sender, clock, logs, sent } = racing([new Promise<never>(() => undefined), Promise.resolve(response(200))])

    const answered = sender.send(GET)
    await Promise.resolve()
    clock.advance(ATTEMPT_TIMEOUT_MS - 1)
    await Promise.resolve()
    expect(sent()).toBe(1)
    clock.advance(1)

    expect((await answered).status).toBe(200)
    expect(sent()).toBe(2)
    expect(logs).toEqual([expect.stringMatching(/^Listing connections: no answer within 65 s, attempt 1\/3; retrying in/)])
  })

  test('a hung attempt is abandoned at the deadline', async () => {
    const clock = systemClock()
    const hung: Transport = () => new Promise<never>(() => undefined)
    const sender = new Sender({
      maxAttempts: 5,
      deadline: clock.now() + 50,
      timeoutSeconds: 7,
      clock,
      log: () => undefined,
      debug: () => undefined,
      redact: (text) => text,
      transport: hung
    })
    const started = Date.now()
    const error = await rejection(sender.send(GET))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toMatch(/^Listing connections timed out: the step's 7 s deadline \(timeout-seconds\) passed without an answer/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(40)
    expect(Date.now() - started).toBeLessThan(5000)
  })
})

test("a failed answer's headers are redacted too, after their UTF-8 bytes are read as such", async () => {
  const secret = 'wörd-sekret-7'
  const latin1 = Buffer.from(secret, 'utf8').toString('latin1')
  const transport: Transport = async () => response(400, { 'x-request-id': `rq-${latin1}`, location: `https://elsewhere.example/?pw=${latin1}` })
  const sender = new Sender({
    maxAttempts: 1,
    deadline: START + 60_000,
    timeoutSeconds: 60,
    clock: fakeClock(),
    log: () => undefined,
    debug: () => undefined,
    redact: (text) => text.replaceAll(secret, '***'),
    transport
  })
  const answer = await sender.send(GET)
  expect(answer.headers).toMatchObject({ 'x-request-id': 'rq-***', location: 'https://elsewhere.example/?pw=***' })
})
