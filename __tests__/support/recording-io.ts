// An Io that records what run() says: its log lines (prefixed by kind), masks, outputs, saved state and summary.

import type { Io } from '../../src/runner/io.js'

export interface Recorded {
  io: Io
  lines: string[]
  masked: string[]
  outputs: Record<string, string>
  /** What the step saved; a test may also put in what the runner would hand a post step. */
  state: Record<string, string>
  summary: string[]
}

export const RUN_ENV = { GITHUB_REPOSITORY: 'octo-org/repo', GITHUB_RUN_ID: '7', GITHUB_WORKFLOW: 'ci' }

/** `onOutput` runs before each output is recorded, so a test can make setting one throw. */
export function recordingIo(inputs: Record<string, string>, onOutput?: (name: string) => void, env: Record<string, string> = RUN_ENV): Recorded {
  const recorded: Recorded = { lines: [], masked: [], outputs: {}, state: {}, summary: [], io: undefined as unknown as Io }
  recorded.io = {
    input: (name) => inputs[name] ?? '',
    mask: (secret) => recorded.masked.push(secret),
    info: (message) => recorded.lines.push(message),
    debug: (message) => recorded.lines.push(`debug: ${message}`),
    notice: (message) => recorded.lines.push(`notice: ${message}`),
    warning: (message) => recorded.lines.push(`warning: ${message}`),
    error: (message) => recorded.lines.push(`error: ${message}`),
    setOutput: (name, value) => {
      onOutput?.(name)
      recorded.outputs[name] = value
    },
    saveState: (name, value) => (recorded.state[name] = value),
    state: (name) => recorded.state[name] ?? '',
    appendSummary: (markdown) => recorded.summary.push(markdown),
    env
  }
  return recorded
}
