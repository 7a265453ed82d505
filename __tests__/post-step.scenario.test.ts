// Issue 16, classes 1 to 3, in-process: main and post through run(), with the real transport
// against the local test server and time through a clock that only counts. The Io below keeps
// the runner's rule for state: the post step sees the environment first, then the state its own
// main step saved on top of it, so a later step's GITHUB_ENV can set only what main never saved.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../src/runner/clock.js'
import type { Io } from '../src/runner/io.js'
import { run } from '../src/run/main.js'
import { runnerIo } from '../src/runner/workflow-commands.js'
import { runnerTransport } from '../src/platform/transport.js'
import { type FakePlatform, flowErrorBody, startFakePlatform } from '../testing/fake-platform.mjs'
import { parseCommandFile } from '../testing/run-action.mjs'
import { FLOW_BASE, platformInputs } from '../testing/scenario.mjs'

const PASSWORD = 'post-step-Pass;word-16'
const CLIENT_SECRET = 'post-step-client-secret-16'
const NAME = 'Orders DB'
const CONNECTIONS = `${FLOW_BASE}/connections`
const GITHUB = { GITHUB_REPOSITORY: 'octo-org/repo', GITHUB_RUN_ID: '16', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'source', GITHUB_ACTION: 'mysql', GITHUB_WORKFLOW: 'ci' }

let platform: FakePlatform

beforeAll(async () => {
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET })
})
afterAll(() => platform.close())
beforeEach(() => platform.reset())

const inputs = (overrides: Record<string, string> = {}): Record<string, string> =>
  platformInputs(platform, CLIENT_SECRET, { host: 'db.example.com', database: 'shop', username: 'etl', password: PASSWORD, name: NAME, ...overrides })

interface Step {
  io: Io
  lines: string[]
  outputs: Record<string, string>
  /** What this step saved, as the runner keeps it for the post step. */
  saved: Record<string, string>
  summary: string[]
}

/**
 * One step as the runner runs it. `environment`: STATE_* variables of the step's environment (job
 * env, GITHUB_ENV); `applied`: the state main saved, which the runner sets after the environment.
 */
function runnerStep(stepInputs: Record<string, string>, environment: Record<string, string> = {}, applied: Record<string, string> = {}): Step {
  const step: Step = { lines: [], outputs: {}, saved: {}, summary: [], io: undefined as unknown as Io }
  const state = { ...environment, ...applied }
  step.io = {
    input: (name) => stepInputs[name] ?? '',
    mask: () => undefined,
    info: (message) => step.lines.push(message),
    debug: (message) => step.lines.push(`debug: ${message}`),
    notice: (message) => step.lines.push(`notice: ${message}`),
    warning: (message) => step.lines.push(`warning: ${message}`),
    error: (message) => step.lines.push(`error: ${message}`),
    setOutput: (name, value) => (step.outputs[name] = value),
    saveState: (name, value) => (step.saved[name] = value),
    state: (name) => state[name] ?? '',
    appendSummary: (markdown) => step.summary.push(markdown),
    env: GITHUB
  }
  return step
}

/** A clock that only counts: sleeping moves it on at once, and `onSleep` sees each wait. */
function countingClock(onSleep: (ms: number) => void = () => undefined): Clock {
  let now = 1_000_000
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms
      onSleep(ms)
    },
    // Time moves only when the action sleeps: no attempt times out.
    timeout: () => ({ expired: new Promise<void>(() => undefined), cancel: () => undefined }),
    random: () => 0
  }
}

const edges = (clock: Clock = countingClock()) => ({ clock, openTransport: runnerTransport })
const errors = (step: Step) => step.lines.filter((line) => line.startsWith('error: '))
const warnings = (step: Step) => step.lines.filter((line) => line.startsWith('warning: '))
const deletes = () => platform.requests.filter((request) => request.method === 'DELETE').map((request) => request.path.replace(FLOW_BASE, ''))

describe('1 a create committed after the step ended is still found and deleted', () => {
  test('the answer was lost and main never found it: post looks again with growing waits, and deletes it once it commits', async () => {
    const step = { cleanup: 'true', 'max-attempts': '1' }
    platform.inject({ method: 'POST', path: CONNECTIONS, action: 'reset' })
    const main = runnerStep(inputs(step))
    await run(main.io, edges())
    expect(errors(main)).toEqual([expect.stringMatching(/the connection may exist/)])
    expect(platform.connections.size).toBe(0)
    const create = platform.requests.find((request) => request.method === 'POST' && request.path === CONNECTIONS)!.json as { name: string; description: string }

    // The backend commits the lost create 1.5 s into the post step, after its first look.
    let committed = false
    const commit = (): void => {
      if (!committed) platform.addConnection({ name: create.name, description: create.description })
      committed = true
    }
    const waits: number[] = []
    const clock = countingClock((ms) => {
      waits.push(ms)
      if (waits.reduce((sum, wait) => sum + wait, 0) >= 1500) commit()
    })
    const post = runnerStep(inputs(step), {}, main.saved)
    await run(post.io, edges(clock))
    commit()

    expect(platform.connections.size).toBe(0)
    expect(waits).toEqual([1000, 2000])
    expect(post.lines).toContainEqual(expect.stringMatching(/^Cleanup: no connection carries \[run-token [0-9a-f-]{36}\] yet; looking again in 1\.0 s$/))
    expect(warnings(post)).toEqual([])
  })

  test('a create Platform refused outright: main forgets it, and the post step neither looks nor waits', async () => {
    const step = { cleanup: 'true' }
    platform.inject({ method: 'POST', path: CONNECTIONS, status: 400, body: flowErrorBody('1302-400', 'Invalid request') })
    const main = runnerStep(inputs(step))
    await run(main.io, edges())
    expect(errors(main)).toEqual([expect.stringContaining('FLOW-1302-400')])
    platform.requests.length = 0

    const waits: number[] = []
    const post = runnerStep(inputs(step), {}, main.saved)
    await run(post.io, edges(countingClock((ms) => waits.push(ms))))

    expect(main.saved).toMatchObject({ 'cleanup-name': '', 'cleanup-run-token': '' })
    expect(platform.requests).toEqual([])
    expect(waits).toEqual([])
  })

  test('post looks within its own budget only: the deadline ends the waits with a warning naming the connection', async () => {
    const step = { cleanup: 'true', 'max-attempts': '1', 'timeout-seconds': '2' }
    platform.inject({ method: 'POST', path: CONNECTIONS, action: 'reset' })
    const main = runnerStep(inputs(step))
    await run(main.io, edges())

    const waits: number[] = []
    const post = runnerStep(inputs(step), {}, main.saved)
    await run(post.io, edges(countingClock((ms) => waits.push(ms))))

    expect(waits).toEqual([1000])
    expect(warnings(post)).toEqual([
      expect.stringMatching(/^warning: Cleanup could not delete the connection named "Orders DB" that carries \[run-token [^\]]+\]: .*deadline.* Delete it in Platform by hand\.$/)
    ])
  })
})

describe('2 the post step trusts only what its own main step saved', () => {
  /** What a later step could write to GITHUB_ENV: another connection's id, name and token. */
  const forged = (victim: { id: string; name: string }) => ({
    'cleanup-connection-id': victim.id,
    'cleanup-name': victim.name,
    'cleanup-run-token': '[run-token forged]'
  })

  test.each([
    ['plan: true', { plan: 'true', cleanup: 'true' }],
    ['dry-run: true', { 'dry-run': 'true', cleanup: 'true' }],
    ['cleanup: false', {}],
    ['cleanup: true, after a reuse', { cleanup: 'true', 'if-exists': 'reuse' }]
  ])('after main with %s, state forged through GITHUB_ENV deletes nothing', async (_, step) => {
    const victim = platform.addConnection({ name: NAME, description: 'production [run-token forged]' })
    const main = runnerStep(inputs(step))
    await run(main.io, edges())
    platform.requests.length = 0

    const post = runnerStep(inputs(step), forged(victim), main.saved)
    await run(post.io, edges())

    expect(deletes()).toEqual([])
    expect(platform.connections.has(victim.id)).toBe(true)
  })

  test('main saves every key the post step reads, empty when unused, and the post marker first', async () => {
    const main = runnerStep(inputs({ plan: 'true' }))
    await run(main.io, edges())

    expect(Object.keys(main.saved)[0]).toBe('isPost')
    expect(main.saved).toMatchObject({ 'cleanup-connection-id': '', 'cleanup-name': '', 'cleanup-run-token': '' })
  })

  test('the connection main made, whose description another job has since rewritten: read first, then left alone with a warning', async () => {
    const step = { cleanup: 'true' }
    const main = runnerStep(inputs(step))
    await run(main.io, edges())
    const id = main.outputs['connection-id']!
    platform.connections.get(id)!.description = 'Managed by another job (if-exists: update)'
    platform.requests.length = 0

    const post = runnerStep(inputs(step), {}, main.saved)
    await run(post.io, edges())

    expect(platform.requests.map((request) => `${request.method} ${request.path.replace(FLOW_BASE, '')}`)).toContain(`GET /connections/${id}`)
    expect(deletes()).toEqual([])
    expect(warnings(post)).toEqual([expect.stringContaining(`Cleanup left connection ${id} alone: its description does not carry this run's token`)])
  })

  describe('values changed under main’s seal, as a runner that applied the environment last would pass them', () => {
    test.each<[string, (victim: { id: string; name: string }) => Record<string, string>]>([
      ['the id "."', () => ({ 'cleanup-connection-id': '.' })],
      ['the id ".."', () => ({ 'cleanup-connection-id': '..' })],
      ['the id "a/b"', () => ({ 'cleanup-connection-id': 'a/b' })],
      ['another connection’s id, name and token', forged]
    ])('%s: nothing is deleted, and a warning says why', async (_, change) => {
      const step = { cleanup: 'true' }
      const victim = platform.addConnection({ name: 'Billing DB', description: 'production [run-token forged]' })
      const main = runnerStep(inputs(step))
      await run(main.io, edges())
      platform.requests.length = 0

      const post = runnerStep(inputs(step), {}, { ...main.saved, ...change(victim) })
      await run(post.io, edges())

      expect(deletes()).toEqual([])
      expect(platform.connections.has(victim.id)).toBe(true)
      expect(warnings(post)).toEqual([
        expect.stringMatching(/^warning: Cleanup could not delete what this run created: the saved state is not what main saved .* Delete it in Platform by hand\.$/)
      ])
    })

    test('the seal is keyed with the credential input: a post step given another one deletes nothing', async () => {
      const step = { cleanup: 'true' }
      const main = runnerStep(inputs(step))
      await run(main.io, edges())

      const post = runnerStep(inputs({ ...step, 'client-secret': 'another-client-secret-16' }), {}, main.saved)
      await run(post.io, edges())

      expect(deletes()).toEqual([])
      expect(platform.connections.size).toBe(1)
      expect(warnings(post)).toEqual([expect.stringContaining('the saved state is not what main saved')])
    })
  })
})

describe('3 the runner’s files', () => {
  test('STATE_isPost set in main’s environment does not make main the post step', async () => {
    const main = runnerStep(inputs(), { isPost: 'true' })
    await run(main.io, edges())

    expect(main.outputs.outcome).toBe('created')
    expect(platform.connections.size).toBe(1)
  })

  test('a post marker spelled from the run’s public ids in main’s environment: nothing is sent, and a warning says why', async () => {
    // An earlier step sees GITHUB_ACTION, GITHUB_JOB and the run's id and attempt, and can write this
    // marker to GITHUB_ENV. Main cannot tell it from a post step whose credential input changed, so
    // it must neither run main's work (a post step must never create) nor pass in silence.
    const forged = `post of ${GITHUB.GITHUB_ACTION} in job ${GITHUB.GITHUB_JOB} of run ${GITHUB.GITHUB_RUN_ID}.${GITHUB.GITHUB_RUN_ATTEMPT}`
    const main = runnerStep(inputs(), { isPost: forged })
    await run(main.io, edges())

    expect(platform.requests).toEqual([])
    expect(warnings(main)).toEqual([
      expect.stringMatching(/^warning: Cleanup could not delete what this run created: the saved state is not what main saved .*an earlier step set STATE_isPost.*\.$/)
    ])
  })

  describe('with the runner’s own Io', () => {
    const FILES = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'] as const
    const before = FILES.map((name) => process.env[name])
    let dir: string
    let lines: string[]

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'runner-files-'))
      for (const name of ['output', 'state', 'summary']) writeFileSync(join(dir, name), '')
      Object.assign(process.env, { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state'), GITHUB_STEP_SUMMARY: join(dir, 'summary') })
      lines = []
    })
    afterEach(() => {
      FILES.forEach((name, i) => {
        if (before[i] === undefined) delete process.env[name]
        else process.env[name] = before[i]
      })
      rmSync(dir, { recursive: true, force: true })
    })

    /** The runner's Io on files in `dir`, its log lines recorded instead of printed. */
    function fileIo(stepInputs: Record<string, string>, state: Record<string, string> = {}): Io {
      return {
        ...runnerIo(),
        input: (name) => stepInputs[name] ?? '',
        mask: () => undefined,
        info: (message) => lines.push(message),
        debug: (message) => lines.push(`debug: ${message}`),
        warning: (message) => lines.push(`warning: ${message}`),
        error: (message) => lines.push(`error: ${message}`),
        state: (name) => state[name] ?? '',
        env: GITHUB
      }
    }
    /** A path no file can be written at: a folder stands where the file should be. */
    const unwritable = (name: string): string => {
      mkdirSync(join(dir, `${name}-folder`))
      return join(dir, `${name}-folder`)
    }
    const lineErrors = () => lines.filter((line) => line.startsWith('error: '))
    const lineWarnings = () => lines.filter((line) => line.startsWith('warning: '))

    test('an unwritable job summary after a create: one warning, the step succeeds with its outputs', async () => {
      process.env.GITHUB_STEP_SUMMARY = unwritable('summary')

      await run(fileIo(inputs()), edges())

      expect(lineErrors()).toEqual([])
      expect(lineWarnings()).toEqual([
        expect.stringMatching(/^warning: Could not write the job summary \(GITHUB_STEP_SUMMARY\): EISDIR.*\. Check the runner's free disk space and the file's permissions\.$/)
      ])
      expect(lines.filter((line) => line.startsWith('debug:     at '))).toEqual([])
      expect(platform.connections.size).toBe(1)
    })

    test('an unwritable job summary in the post step: a warning, and the cleanup is done', async () => {
      const step = { cleanup: 'true' }
      await run(fileIo(inputs(step)), edges())
      const state = parseCommandFile(readFileSync(join(dir, 'state'), 'utf8'))
      lines = []
      process.env.GITHUB_STEP_SUMMARY = unwritable('summary')

      await run(fileIo(inputs(step), state), edges())

      expect(lineErrors()).toEqual([])
      expect(lineWarnings()).toEqual([expect.stringMatching(/^warning: Could not write the job summary/)])
      expect(platform.connections.size).toBe(0)
    })

    test('unwritable outputs: one error line naming GITHUB_OUTPUT, no stack', async () => {
      process.env.GITHUB_OUTPUT = unwritable('output')

      await run(fileIo(inputs()), edges())

      expect(lineErrors()).toEqual([
        expect.stringMatching(/^error: Could not write the step's outputs \(GITHUB_OUTPUT\): .*\. Check the runner's free disk space and the file's permissions\.$/)
      ])
      expect(lines.filter((line) => line.startsWith('debug:     at '))).toEqual([])
    })

    test('unwritable state: one error line, and nothing is sent', async () => {
      process.env.GITHUB_STATE = unwritable('state')

      await run(fileIo(inputs({ cleanup: 'true' })), edges())

      expect(lineErrors()).toEqual([expect.stringMatching(/^error: Could not write the post step's state \(GITHUB_STATE\): /)])
      expect(platform.requests).toEqual([])
    })
  })
})
