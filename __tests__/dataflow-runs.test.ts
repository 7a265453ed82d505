import { type Run, firstRun } from '../src/dataflow/answers.js'
import { pollDelay, progressLine, runFailure, runOutputs, runStillGoing } from '../src/dataflow/runs.js'
import { startFakePlatform } from '../testing/fake-platform.mjs'

const run = (overrides: Partial<Run> = {}): Run => ({
  id: 'r1',
  flowId: 'f1',
  status: 'inProgress',
  phase: 'running',
  recordsRead: 40,
  recordsWritten: 39,
  recordsFailed: 1,
  errors: [],
  ...overrides
})

describe('pollDelay', () => {
  it('5 s, doubling, at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 50].map(pollDelay)).toEqual([5000, 10000, 20000, 30000, 30000, 30000])
  })
})

describe('progressLine', () => {
  it('a run with its status and counts so far', () => {
    expect(progressLine('f1', run())).toBe('Dataflow f1, run r1: inProgress, records: 40 read, 39 written, 1 failed.')
    expect(progressLine('f1', run({ status: '', recordsRead: undefined, recordsWritten: undefined, recordsFailed: undefined }))).toBe(
      'Dataflow f1, run r1: no status yet, no record counts yet.'
    )
  })

  it('no run yet, with when the first is due', () => {
    expect(progressLine('f1', undefined, 1_900_000_000)).toBe('Dataflow f1: no run yet (the first is due at 2030-03-17T17:46:40.000Z).')
    expect(progressLine('f1', undefined)).toBe('Dataflow f1: no run yet.')
  })

  it('a hostile status stays on one short line', () => {
    const line = progressLine('f1', run({ status: `ok\n::error::x${'y'.repeat(100)}` }))
    expect(line).not.toContain('\n')
    expect(line.length).toBeLessThan(150)
  })
})

describe('runFailure and runStillGoing', () => {
  it('a failed run: its codes and messages, one sentence', () => {
    const failed = run({
      status: 'failed',
      phase: 'failed',
      errors: [
        { code: 'CONNECTOR-1001-500', message: 'An error occurred while data is being copied from a source.' },
        { code: '', message: 'Second\nline' }
      ]
    })
    expect(runFailure('f1', failed)).toBe(
      "Run r1 of dataflow f1 failed: CONNECTOR-1001-500 An error occurred while data is being copied from a source.; Second line (records: 40 read, 39 written, 1 failed). Look at the run in Platform's dataflow monitoring, fix the cause, and the next scheduled run will try again."
    )
    expect(runFailure('f1', run({ status: 'failed', errors: [] }))).toMatch(/^Run r1 of dataflow f1 failed without an error code \(/)
  })

  it('at the deadline: the flow exists, the run goes on', () => {
    expect(runStillGoing('f1', run(), 300)).toBe(
      'Dataflow f1 exists, but its first run r1 is still inProgress after 300 s of waiting (its ids are in the outputs). Follow it in Platform, or raise timeout-seconds to wait longer.'
    )
    expect(runStillGoing('f1', undefined, 60)).toMatch(/^Dataflow f1 exists, but its first run has not started after 60 s/)
  })
})

describe('runOutputs', () => {
  it('strings; a count not given is empty, not 0', () => {
    expect(runOutputs(run({ status: 'success', recordsFailed: undefined }))).toEqual({
      'run-id': 'r1',
      'run-status': 'success',
      'records-read': '40',
      'records-written': '39',
      'records-failed': ''
    })
  })
})

describe('against the test server', () => {
  it('the lines of polls until a failing run ends', async () => {
    const server = await startFakePlatform()
    try {
      // Only the flow's runs are polled here: the flow is stored as the server keeps it, with its run plan.
      const runPlan = { polls: 2, status: 'failed' as const, records: { input: 10, output: 8, failed: 2 }, errorCode: 'CONNECTOR-2001-500', errorMessage: 'Parsing failed.' }
      server.flows.set('f1', {
        id: 'f1',
        sandboxName: 'prod',
        etag: '"e"',
        name: 'n',
        state: 'enabled',
        sourceConnectionIds: [],
        targetConnectionIds: [],
        scheduleParams: {},
        transformations: [],
        runPlan
      })
      const lines: string[] = []
      let last: Run | undefined
      for (let poll = 1; poll <= 5 && last?.phase !== 'failed'; poll++) {
        const response = await fetch(`${server.url}/data/foundation/flowservice/runs?property=flowId==f1`, {
          headers: { authorization: `Bearer ${server.accessToken}`, 'x-api-key': 'test-client-id', 'x-gw-ims-org-id': 'TESTORG@AdobeOrg' }
        })
        last = firstRun(await response.json(), 'f1')
        lines.push(progressLine('f1', last))
      }
      expect(lines).toEqual([
        expect.stringMatching(/^Dataflow f1, run [\w-]+: inProgress, records: 0 read, 0 written, 0 failed\.$/),
        expect.stringMatching(/: inProgress, records: 5 read, 4 written, 1 failed\.$/),
        expect.stringMatching(/: failed, records: 10 read, 8 written, 2 failed\.$/)
      ])
      expect(runFailure('f1', last!)).toMatch(/failed: CONNECTOR-2001-500 Parsing failed \(records: 10 read/)
    } finally {
      await server.close()
    }
  })
})
