// The in-process twin of testing/run-action.mjs: runAction() with the same inputs, options and
// result (outputs, state, summary, stdout with its workflow-command lines, exit code), but it
// calls run() from src/run/main.ts in this process, with the runner's real transport against
// whatever server the inputs name and a virtual clock, so waits cost nothing. A scenario suite
// imports runAction from here instead of from run-action.mjs; only what needs a process of its
// own (a proxy from the environment, a heap limit, a database or answer that holds real time,
// the exit guard, the command files, the bundle's chunks) stays with run-action.mjs.

import { EOL } from 'node:os'
import { run } from '../../src/run/main.js'
import { runnerTransport } from '../../src/platform/transport.js'
import type { Io } from '../../src/runner/io.js'
import { RUN_VARIABLES, type RunOptions, type RunResult, checkForLeaks, commandLines, withDefaults } from '../../testing/run-action.mjs'
import type { FakePlatform } from '../../testing/fake-platform.mjs'
import { type VirtualClock, virtualClock } from './virtual-clock.js'

export interface InProcessOptions extends Omit<RunOptions, 'entry' | 'nodeArgs' | 'timeoutMs'> {
  /** The clock the run reads; a fresh virtual one by default. */
  clock?: VirtualClock
  /**
   * The test server whose 'hang' faults this run meets: as soon as it holds a hung request, the
   * clock moves on to the attempt's timeout (the attempt limit or the deadline), as real time would.
   */
  hangsOn?: FakePlatform
}

export interface InProcessResult extends RunResult {
  /** The clock the run read: its `waits` are the sleeps the action asked for. */
  clock: VirtualClock
}

export type { InProcessOptions as RunOptions, InProcessResult as RunResult }

/** What @actions/core does to a command's message: the runner reads %25, %0D and %0A back. */
const escapeData = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

/** Runs the action once in this process; throws when it printed a secret input or one of `options.secrets`. */
export async function runAction(inputs: Record<string, string>, options: InProcessOptions = {}): Promise<InProcessResult> {
  const { state = {}, env = {}, debug = true, clock = virtualClock(), hangsOn } = options
  // These variables act on a process (its proxy, heap or CA certificates), which this run does not have.
  const processOnly = Object.keys(env).filter((name) => !/^(GITHUB|RUNNER)_/.test(name))
  if (processOnly.length > 0) throw new Error(`${processOnly.join(', ')} act on a process: run this test with run-action.mjs, in the process tier.`)
  const given = withDefaults(inputs)
  let stdout = ''
  let failed = false
  const result = { outputs: {} as Record<string, string>, state: {} as Record<string, string>, summary: '' }
  const print = (line: string): void => {
    stdout += line + EOL
  }
  const io: Io = {
    input: (name) => given[name] ?? '',
    mask: (secret) => print(`::add-mask::${escapeData(secret)}`),
    info: print,
    debug: (message) => print(`::debug::${escapeData(message)}`),
    notice: (message) => print(`::notice::${escapeData(message)}`),
    warning: (message) => print(`::warning::${escapeData(message)}`),
    error: (message) => {
      failed = true
      print(`::error::${escapeData(message)}`)
    },
    setOutput: (name, value) => (result.outputs[name] = value),
    saveState: (name, value) => (result.state[name] = value),
    state: (name) => state[name] ?? '',
    appendSummary: (markdown) => (result.summary += markdown + EOL),
    env: { ...RUN_VARIABLES, ...(debug ? { RUNNER_DEBUG: '1' } : {}), ...env }
  }
  const started = performance.now()
  let stderr = ''
  // The client started the attempt's timeout before the request reached the server.
  const unwatch = hangsOn?.watch((request) => request.fault === 'hang' && clock.expireNext())
  try {
    await run(io, { clock, openTransport: runnerTransport })
  } catch (error) {
    // What a crash of the process would print: a test expecting a clean failure sees it on stderr.
    stderr = String((error as Error).stack ?? error)
    failed = true
  } finally {
    unwatch?.()
  }
  const done = {
    code: failed ? 1 : 0,
    stdout,
    stderr,
    ...result,
    errors: commandLines(stdout, 'error'),
    warnings: commandLines(stdout, 'warning'),
    ms: performance.now() - started,
    clock
  }
  checkForLeaks(done, inputs, options)
  return done
}
