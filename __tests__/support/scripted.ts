// run() on a recording Io and a scripted network, for unit-tier scenarios that need no real server.

import type { Clock } from '../../src/runner/clock.js'
import type { RawResponse, Transport } from '../../src/runner/step.js'

export { type Recorded, recordingIo } from './recording-io.js'

export const json = (status: number, body: unknown, type = 'application/json'): RawResponse => ({ status, headers: { 'content-type': type }, body: JSON.stringify(body) })

/** Answers in order; `sent` records "METHOD /path" of each request, `urls` each whole URL. */
export function scripted(answers: Array<RawResponse | ((url: URL) => RawResponse)>): {
  openTransport: () => { transport: Transport; dispose: () => void }
  sent: string[]
  urls: URL[]
} {
  const sent: string[] = []
  const urls: URL[] = []
  const transport: Transport = async (method, url) => {
    const parsed = new URL(url)
    sent.push(`${method} ${parsed.pathname}`)
    urls.push(parsed)
    const answer = answers.shift()
    if (!answer) throw Object.assign(new Error('no answer scripted'), { code: 'ECONNREFUSED' })
    return typeof answer === 'function' ? answer(parsed) : answer
  }
  return { openTransport: () => ({ transport, dispose: () => undefined }), sent, urls }
}

/** Time that stands still, and waits that take none. */
export const stillClock: Clock = {
  now: () => 0,
  sleep: async () => undefined,
  timeout: () => ({ expired: new Promise<void>(() => undefined), cancel: () => undefined }),
  random: () => 0
}

export const MYSQL_SPEC = { id: '26d738e0-8963-47ea-aadf-c60de735468a' }
