// The start time against the clock, in-process against the local test server (which checks start
// times against the same virtual clock): a pinned start-time keeps working after it has passed, a
// past one is refused only where it would be sent, and what Platform refuses once a flow's first
// run is due is refused before any write, by apply and plan alike.

import { flowErrorBody } from '../testing/fake-platform.mjs'
import { type Scenario, startScenario } from './support/dataflow-scenario.js'

let scenario: Scenario

beforeEach(async () => {
  scenario = await startScenario()
})
afterEach(() => scenario.close())

const writes = (): string[] => scenario.calls().filter((call) => !call.startsWith('GET '))
const errors = (lines: string[]): string[] => lines.filter((line) => line.startsWith('error: '))
const inSeconds = (seconds: number): string => String(Math.floor(scenario.clock.now() / 1000) + seconds)

/** Creates the flow with a start 45 s from now, then moves the clock past it. */
async function startedFlow(overrides: Record<string, string> = {}): Promise<{ flowId: string; startTime: string }> {
  const startTime = inSeconds(45)
  const created = await scenario.run({ 'start-time': startTime, ...overrides })
  expect(created.outputs.outcome).toBe('created')
  scenario.clock.advance(50_000)
  scenario.platform.requests.length = 0
  return { flowId: created.outputs['dataflow-id']!, startTime }
}

describe('a pinned start-time', () => {
  test('an identical re-run after that time has passed writes nothing and succeeds; so does its plan', async () => {
    const { flowId, startTime } = await startedFlow()

    const again = await scenario.run({ 'start-time': startTime })
    const plan = await scenario.run({ 'start-time': startTime, plan: 'true' })

    expect(errors(again.lines)).toEqual([])
    expect(again.outputs).toMatchObject({ outcome: 'reused', 'dataflow-id': flowId })
    expect(errors(plan.lines)).toEqual([])
    expect(plan.outputs).toMatchObject({ plan: 'reuse', 'has-changes': 'false' })
    expect(writes()).toEqual([])
  })

  test('a past start-time for a new dataflow is refused after the reads, before any write', async () => {
    const recorded = await scenario.run({ 'start-time': inSeconds(-60) })

    expect(writes()).toEqual([])
    expect(scenario.calls()).toHaveLength(5)
    expect(errors(recorded.lines)).toEqual([expect.stringMatching(/^error: Input start-time \S+ is in the past: .*give a later time, or leave start-time empty/)])
    expect(recorded.outputs).not.toHaveProperty('outcome')
  })

  test('a past start-time for a flow that has not started yet is refused before any write, and its plan fails the same', async () => {
    const created = await scenario.run({ 'start-time': inSeconds(3600) })
    scenario.platform.requests.length = 0
    scenario.writeMapping([{ source: 'id', destination: '_tenant.orderId' }])

    const applied = await scenario.run({ 'start-time': inSeconds(-60) })
    const plan = await scenario.run({ 'start-time': inSeconds(-60), plan: 'true' })

    expect(writes()).toEqual([])
    const [message] = errors(applied.lines)
    expect(message).toMatch(/^error: Input start-time \S+ is in the past: .*leave start-time empty to keep the dataflow's/)
    expect(plan.outputs).toMatchObject({ plan: 'fail', 'has-changes': 'false', 'dataflow-id': created.outputs['dataflow-id'] })
    expect(errors(plan.lines)).toEqual([message])
  })
})

describe('once the first run is due', () => {
  test.each([
    [
      'a new start time (1366)',
      () => ({ 'start-time': inSeconds(7200) }),
      /cannot take start-time \S+: Platform refuses a new start time after a dataflow's first run is due \(this one's was at \S+\); leave start-time empty,/
    ],
    ['a switch to once (1403)', () => ({ frequency: 'once', 'delta-column': '' }), /cannot take frequency once: Platform refuses a switch to once after .*; keep frequency hour,/],
    ['a backfill change (1404)', () => ({ backfill: 'false' }), /cannot take backfill false: Platform refuses a backfill change after .*; keep backfill true,/]
  ])('%s: apply refuses before any write, and the plan fails with the same sentence', async (_, inputs, expected) => {
    const { flowId } = await startedFlow()
    scenario.writeMapping([{ source: 'id', destination: '_tenant.orderId' }])

    const applied = await scenario.run(inputs())
    const plan = await scenario.run({ ...inputs(), plan: 'true' })

    expect(writes()).toEqual([])
    const [message] = errors(applied.lines)
    expect(message).toMatch(expected)
    expect(message).toContain(`Dataflow "MySQL shop.orders to ${scenario.dataset.id}" (${flowId})`)
    expect(message).toMatch(/, or delete the dataflow \(operation: delete\) and apply again\.$/)
    expect(errors(applied.lines)).toHaveLength(1)
    expect(plan.outputs).toMatchObject({ plan: 'fail', 'has-changes': 'false', 'dataflow-id': flowId })
    expect(errors(plan.lines)).toEqual([message])
    expect(plan.outputs['plan-markdown']).toContain('Applying would fail')
  })

  test('several at once are named in one sentence', async () => {
    await startedFlow({ backfill: 'false' })

    const applied = await scenario.run({ 'start-time': inSeconds(7200), frequency: 'once', 'delta-column': '' })

    expect(writes()).toEqual([])
    expect(errors(applied.lines)).toEqual([
      expect.stringMatching(
        /cannot take start-time \S+ and frequency once: Platform refuses a new start time and a switch to once after .*; leave start-time empty, keep frequency hour, or delete/
      )
    ])
  })

  test('what Platform still takes is changed in place: the interval', async () => {
    const { flowId, startTime } = await startedFlow()

    const applied = await scenario.run({ interval: '2' })

    expect(errors(applied.lines)).toEqual([])
    expect(applied.outputs.outcome).toBe('updated')
    expect(scenario.platform.flows.get(flowId)!.scheduleParams).toMatchObject({ startTime, interval: '2' })
  })

  test('a server that judges the first run due before this clock does is still explained', async () => {
    const created = await scenario.run({ 'start-time': inSeconds(3600) })
    const flowId = created.outputs['dataflow-id']!
    scenario.platform.inject({
      method: 'PATCH',
      path: `/data/foundation/flowservice/flows/${flowId}`,
      status: 400,
      body: flowErrorBody('1366-400', 'Invalid schedule', 'The start time has passed and the update operation is no longer allowed')
    })

    const applied = await scenario.run({ 'start-time': inSeconds(7200) })

    expect(errors(applied.lines)).toEqual([expect.stringMatching(/1366-400.*after a dataflow's first run is due.*: delete the dataflow \(operation: delete\) and apply again\.$/)])
  })
})
