// run() on a recording Io and a scripted network, for unit-tier scenarios that need no real server.

import type { Clock } from '../../src/runner/clock.js'
import type { RawResponse, Transport } from '../../src/runner/step.js'
import type { Io } from '../../src/runner/io.js'

export interface Recorded {
  io: Io
  lines: string[]
  masked: string[]
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string[]
}

export function recordingIo(inputs: Record<string, string>): Recorded {
  const recorded: Recorded = { lines: [], masked: [], outputs: {}, state: {}, summary: [], io: undefined as unknown as Io }
  recorded.io = {
    input: (name) => inputs[name] ?? '',
    mask: (secret) => recorded.masked.push(secret),
    info: (message) => recorded.lines.push(message),
    debug: (message) => recorded.lines.push(`debug: ${message}`),
    notice: (message) => recorded.lines.push(`notice: ${message}`),
    warning: (message) => recorded.lines.push(`warning: ${message}`),
    error: (message) => recorded.lines.push(`error: ${message}`),
    setOutput: (name, value) => (recorded.outputs[name] = value),
    saveState: (name, value) => (recorded.state[name] = value),
    state: (name) => recorded.state[name] ?? '',
    appendSummary: (markdown) => recorded.summary.push(markdown),
    env: { GITHUB_REPOSITORY: 'octo-org/repo', GITHUB_RUN_ID: '7', GITHUB_WORKFLOW: 'ci' }
  }
  return recorded
}

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
