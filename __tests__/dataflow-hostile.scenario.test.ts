// Issue 19: each create of the dataflow action against a server that loses its answer or fails
// after committing, and wait-for-run's three endings. In-process (support/dataflow-scenario.ts).

import { run, workspaceFiles } from '../src/dataflow/main.js'
import { runnerTransport } from '../src/platform/transport.js'
import type { FakePlatformOptions } from '../testing/fake-platform.mjs'
import { recordingIo } from './support/scripted.js'
import { MAPPING, type Scenario, startScenario } from './support/dataflow-scenario.js'

let scenario: Scenario
const start = async (options: FakePlatformOptions = {}): Promise<void> => {
  scenario = await startScenario(options)
}
afterEach(() => scenario.close())

const FLOW_SERVICE = '/data/foundation/flowservice'
const errors = (lines: string[]): string[] => lines.filter((line) => line.startsWith('error: '))

describe.each([
  ['source connection', `${FLOW_SERVICE}/sourceConnections`, 'sourceConnections'],
  ['target connection', `${FLOW_SERVICE}/targetConnections`, 'targetConnections'],
  ['dataflow', `${FLOW_SERVICE}/flows`, 'flows']
] as const)('the %s create', (noun, path, store) => {
  test('whose answer is lost and which commits only later is looked for, found by its run token and adopted: exactly one', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path, action: 'commit-after-lookups', lookups: 2 })

    const recorded = await scenario.run()

    expect(errors(recorded.lines)).toEqual([])
    expect(scenario.platform[store].size).toBe(1)
    expect(scenario.platform.flows.size).toBe(1)
    expect(recorded.outputs.outcome).toBe('created')
    expect(recorded.lines).toContainEqual(expect.stringMatching(new RegExp(`^The create did take effect: adopting ${noun} `)))
    expect(scenario.calls().filter((call) => call === `POST ${path.replace(FLOW_SERVICE, '')}`)).toHaveLength(1)
  })

  test('answered 502 after it committed is found at the first look: exactly one', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path, action: 'status-after-commit', status: 502 })

    const recorded = await scenario.run()

    expect(errors(recorded.lines)).toEqual([])
    expect(scenario.platform[store].size).toBe(1)
    expect(recorded.outputs.outcome).toBe('created')
    expect(scenario.platform.invalidBodies).toEqual([])
  })
})

test('a dataflow create answered with an id that is not plain fails in one sentence and is not sent again', async () => {
  await start()
  scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/flows`, status: 201, body: { id: 'f/../1', etag: '"e"' } })

  const recorded = await scenario.run()

  expect(errors(recorded.lines)).toEqual([
    'error: Creating the dataflow failed: the answer holds an invalid id, one with whitespace, a control character or a slash. Check platform-url; look in Platform before running again.'
  ])
  expect(scenario.calls().filter((call) => call === 'POST /flows')).toHaveLength(1)
})

describe('the mapping set', () => {
  test('answered 502 after it committed is sent again (it cannot be looked for), and the log says an unused one may remain', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path: '/data/foundation/conversion/mappingSets', action: 'status-after-commit', status: 502 })

    const recorded = await scenario.run()

    expect(errors(recorded.lines)).toEqual([])
    expect(scenario.platform.mappingSets.size).toBe(2)
    expect(recorded.lines).toContainEqual(expect.stringMatching(/^warning: .*an unused mapping set may remain/))
    const flow = [...scenario.platform.flows.values()][0]!
    expect(flow.transformations[1]!.params.mappingId).toBe(recorded.outputs['mapping-id'])
  })

  test('a new version answered 502 after it committed is found as the latest version with these rows: no third version', async () => {
    await start()
    const first = await scenario.run()
    scenario.writeMapping([...MAPPING, { source: 'updated_at', destination: '_tenant.changedAt' }])
    scenario.platform.inject({ method: 'PUT', path: /\/mappingSets\//, action: 'status-after-commit', status: 502 })

    const second = await scenario.run()

    expect(errors(second.lines)).toEqual([])
    expect(second.outputs).toMatchObject({ outcome: 'updated', 'mapping-version': '1', 'dataflow-id': first.outputs['dataflow-id'] })
    expect(scenario.platform.mappingSets.get(first.outputs['mapping-id']!)!.versions).toHaveLength(2)
  })

  test('a new version answered without its version is made all the same: the set is read for it, not looked for as a lost create', async () => {
    await start()
    const first = await scenario.run()
    const mappingId = first.outputs['mapping-id']!
    scenario.writeMapping([...MAPPING, { source: 'updated_at', destination: '_tenant.changedAt' }])
    scenario.platform.inject({ method: 'PUT', path: /\/mappingSets\//, action: 'status-after-commit', status: 200, body: { id: mappingId } })
    scenario.platform.requests.length = 0

    const second = await scenario.run()

    expect(errors(second.lines)).toEqual([])
    expect(second.lines).not.toContainEqual(expect.stringMatching(/checking whether it took effect/))
    expect(second.outputs).toMatchObject({ outcome: 'updated', 'mapping-version': '1', 'dataflow-id': first.outputs['dataflow-id'] })
    expect(scenario.calls().filter((call) => call.startsWith('PUT /mappingSets/'))).toHaveLength(1)
    expect(scenario.platform.mappingSets.get(mappingId)!.versions).toHaveLength(2)
  })
})

describe('a job cancelled while the dataflow is applied says what the post step will do', () => {
  /** Runs the create; the signal arrives as `request` is sent. */
  const cancelledAt = async (request: RegExp): Promise<{ lines: string[]; registered: string[]; token: string }> => {
    const registered: string[] = []
    let signal: ((signal: string) => void) | undefined
    const onCancel = (say: (signal: string) => void): (() => void) => {
      registered.push('listening')
      signal = say
      return () => registered.push('done')
    }
    const stop = scenario.platform.watch((sent) => {
      if (request.test(`${sent.method} ${sent.path}`)) signal?.('SIGTERM')
    })
    const recorded = recordingIo(scenario.inputs())
    await run(recorded.io, { clock: scenario.clock, openTransport: runnerTransport, onCancel }, workspaceFiles({ GITHUB_WORKSPACE: scenario.workspace }))
    stop()
    const flow = [...scenario.platform.flows.values()][0]!
    return { lines: recorded.lines, registered, token: /\[run-token [^\]]+\]/.exec(String(flow.description))![0] }
  }

  test('while its connections are created: the post step deletes them', async () => {
    await start()
    const { lines, registered, token } = await cancelledAt(/^POST .*\/sourceConnections$/)

    const name = `MySQL shop.orders to ${scenario.dataset.id}`
    expect(errors(lines)).toEqual([
      `error: The job was cancelled (SIGTERM) while dataflow "${name}" was being applied: the source connection "${name} (source)" and the target connection "${name} (target)" may exist, with ${token} in their descriptions; the post step looks for them and deletes them (a mapping set this run made may remain).`
    ])
    expect(registered).toEqual(['listening', 'done'])
  })

  test('while an existing dataflow is updated: nothing for the post step, and a run again finishes it', async () => {
    await start()
    await scenario.run()
    scenario.writeMapping([...MAPPING, { source: 'updated_at', destination: '_tenant.changedAt' }])

    const { lines } = await cancelledAt(/^PUT .*\/mappingSets\//)

    expect(errors(lines)).toEqual([
      `error: The job was cancelled (SIGTERM) while dataflow "MySQL shop.orders to ${scenario.dataset.id}" was being applied, before it created anything (an update may be half done): run the step again to finish it.`
    ])
  })

  test('while the flow is created: the post step keeps it if it came, else deletes the connections; never operation: delete, which finds no flow', async () => {
    await start()
    const { lines } = await cancelledAt(/^POST .*\/flows$/)

    expect(errors(lines)).toEqual([
      expect.stringMatching(
        /^error: The job was cancelled \(SIGTERM\) .*: the dataflow may exist, with \[run-token [^\]]+\] in its description; the post step keeps it and its connections if it does \(run the step again to finish it\), and otherwise deletes the source connection ".* \(source\)" and the target connection ".* \(target\)"\.$/
      )
    ])
  })
})

describe('wait-for-run', () => {
  test('prints a line per poll and outputs the first run and its record counts when it succeeds', async () => {
    await start()
    const recorded = await scenario.run({ 'wait-for-run': 'true' })

    expect(errors(recorded.lines)).toEqual([])
    const runs = [...scenario.platform.runs.values()]
    expect(recorded.outputs).toMatchObject({ 'run-id': runs[0]!.id, 'run-status': 'success', 'records-read': '100', 'records-written': '99', 'records-failed': '1' })
    expect(recorded.lines.filter((line) => /^Dataflow .*, run .*: (inProgress|success), records: /.test(line))).toHaveLength(3)
  })

  test('fails on a failed run with its error code and message, the ids still in the outputs', async () => {
    await start({ firstRun: { status: 'failed', errorCode: 'CONNECTOR-2001-500', errorMessage: 'Access denied for user etl' } })

    const recorded = await scenario.run({ 'wait-for-run': 'true' })

    expect(errors(recorded.lines)).toEqual([expect.stringMatching(/^error: Run .* failed: CONNECTOR-2001-500 Access denied for user etl \(records: /)])
    expect(recorded.outputs).toMatchObject({ outcome: 'created', 'run-status': 'failed' })
    expect(recorded.outputs['dataflow-id']).toBeTruthy()
  })

  test('at the deadline fails saying the dataflow exists and its first run still goes on', async () => {
    await start({ firstRun: { polls: 1000 } })

    const recorded = await scenario.run({ 'wait-for-run': 'true', 'timeout-seconds': '60' })

    expect(errors(recorded.lines)).toEqual([
      expect.stringMatching(/^error: Dataflow \S+ exists, but its first run \S+ is still inProgress after \d+ s of waiting \(its ids are in the outputs\)/)
    ])
    expect(recorded.outputs).toMatchObject({ outcome: 'created', 'run-status': 'inProgress' })
    expect(scenario.platform.flows.size).toBe(1)
  })

  test('on a dataflow that existed already, its first run is long over: no wait, no run outputs, and an old failure does not fail the step', async () => {
    await start({ firstRun: { status: 'failed', errorCode: 'CONNECTOR-2001-500', errorMessage: 'an old failure' } })
    await scenario.run()
    scenario.platform.requests.length = 0

    const recorded = await scenario.run({ description: 'Orders, changed', 'wait-for-run': 'true' })

    expect(errors(recorded.lines)).toEqual([])
    expect(recorded.outputs.outcome).toBe('updated')
    expect(recorded.outputs['run-id']).toBeUndefined()
    expect(recorded.lines).toContainEqual(
      expect.stringMatching(/^Not waiting for a run: dataflow \S+ existed already, so its first run is over \(wait-for-run waits for a new dataflow's first run\)\.$/)
    )
    expect(scenario.calls().some((call) => call.startsWith('GET /runs'))).toBe(false)
  })

  test('with enabled: false is refused before any request: no run would come', async () => {
    await start()
    const recorded = await scenario.run({ 'wait-for-run': 'true', enabled: 'false' })
    expect(scenario.platform.requests).toEqual([])
    expect(errors(recorded.lines)).toEqual([expect.stringContaining('Input "wait-for-run" is true, but enabled is false')])
  })
})
