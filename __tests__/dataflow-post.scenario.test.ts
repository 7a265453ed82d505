// The dataflow's post step, in-process: main and post through run() on the virtual clock against
// the local test server. Main leaves a create cut short (its outcome lost, as a cancelled job or a
// gateway leaves it); the post step rolls back what carries this run's token, and nothing else.
// (dataflow-post.process.test.ts proves it with a real signal.)

import type { FakePlatformOptions } from '../testing/fake-platform.mjs'
import { recordingIo, type Recorded } from './support/scripted.js'
import { CLIENT_SECRET, type Scenario, everything, startScenario } from './support/dataflow-scenario.js'

const FLOW_SERVICE = '/data/foundation/flowservice'

let scenario: Scenario
/** An hour ahead: the default, the next whole minute, may pass while main and post look for a create on the virtual clock. */
let startTime: string
const start = async (options: FakePlatformOptions = {}): Promise<void> => {
  scenario = await startScenario(options)
  startTime = String(Math.floor(scenario.clock.now() / 1000) + 3600)
}
const apply = (overrides: Record<string, string> = {}): Promise<Recorded> => scenario.run({ 'start-time': startTime, ...overrides })
afterEach(() => scenario.close())

const errors = (recorded: Recorded): string[] => recorded.lines.filter((line) => line.startsWith('error: '))
const warnings = (recorded: Recorded): string[] => recorded.lines.filter((line) => line.startsWith('warning: '))
const deletes = (): string[] => scenario.calls().filter((call) => call.startsWith('DELETE'))
const name = (): string => `MySQL shop.orders to ${scenario.dataset.id}`

/** The post step as the runner runs it: the same inputs (unless overridden), and the state main saved. */
async function post(main: Recorded, overrides: Record<string, string> = {}, state: Record<string, string> = main.state): Promise<Recorded> {
  const recorded = recordingIo(scenario.inputs({ 'max-attempts': '1', 'start-time': startTime, ...overrides }))
  Object.assign(recorded.state, state)
  return scenario.run({}, recorded)
}

describe('after a create main did not see to its end', () => {
  test('a source connection committed only after main gave up on it: the post step looks again, finds it and deletes it', async () => {
    await start()
    // Main looks four times (1, 2, 4 and 1 s); the post step's first look misses it too, its second finds it.
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/sourceConnections`, action: 'commit-after-lookups', lookups: 5 })
    const main = await apply({ 'max-attempts': '1' })
    expect(errors(main)).toEqual([expect.stringContaining('the source connection may exist')])
    expect(main.state).toMatchObject({ 'rollback-stage': 'connections', 'rollback-name': name() })
    expect(scenario.platform.sourceConnections.size).toBe(0)
    scenario.platform.requests.length = 0

    const after = await post(main)

    expect(scenario.platform.sourceConnections.size).toBe(0)
    expect(scenario.platform.targetConnections.size).toBe(0)
    expect(deletes()).toEqual([expect.stringMatching(/^DELETE \/sourceConnections\/[^/]+$/)])
    expect(after.lines).toContainEqual(`Rollback: no source or target connection carries ${main.state['rollback-run-token']} yet; looking again in 1.0 s`)
    expect(after.lines).toContainEqual(expect.stringMatching(/^Rollback: deleted source connection \S+, which this run made\.$/))
    expect(warnings(after)).toEqual(['warning: Rollback: a mapping set this run made may remain in Platform: Adobe documents no way to delete one.'])
    expect(everything(after)).not.toContain(CLIENT_SECRET)
  })

  test('a flow committed only after main gave up on it is kept with its connections, and a run again reuses it', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/flows`, action: 'commit-after-lookups', lookups: 5 })
    const main = await apply({ 'max-attempts': '1' })
    expect(errors(main)).toEqual([expect.stringMatching(/the dataflow may exist: .* The post step looks for it again: if it came, it is kept with its connections/)])
    // Main left the connections to the post step: the flow may still come and need them.
    expect(scenario.platform.sourceConnections.size).toBe(1)
    expect(main.state['rollback-stage']).toBe('dataflow')
    scenario.platform.requests.length = 0

    const after = await post(main)

    const [flow] = [...scenario.platform.flows.values()]
    expect(flow?.description).toContain(main.state['rollback-run-token'])
    expect(deletes()).toEqual([])
    expect(scenario.platform.sourceConnections.size).toBe(1)
    expect(scenario.platform.targetConnections.size).toBe(1)
    expect(warnings(after)).toEqual([
      `warning: Rollback: dataflow ${flow!.id}, which this run made, did commit: it is kept with its connections; run the step again to finish applying it.`
    ])

    const again = await apply()
    expect(again.outputs['dataflow-id']).toBe(flow!.id)
    expect(scenario.platform.sourceConnections.size).toBe(1)
  })

  test('with enabled: false, a flow that committed late is kept disabled: it must not ingest before the step runs again', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/flows`, action: 'commit-after-lookups', lookups: 5 })
    const main = await apply({ 'max-attempts': '1', enabled: 'false' })
    expect(main.state['rollback-stage']).toBe('dataflow')

    const after = await post(main, { enabled: 'false' })

    const [flow] = [...scenario.platform.flows.values()]
    expect(flow?.state).toBe('disabled')
    expect(warnings(after)).toEqual([
      `warning: Rollback: dataflow ${flow!.id}, which this run made, did commit: it is kept with its connections, disabled as enabled: false asks; run the step again to finish applying it.`
    ])
  })

  test('a flow that never came: once the looks end, its source and target connections are deleted', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/flows`, action: 'reset' })
    const main = await apply({ 'max-attempts': '1' })
    expect(scenario.platform.targetConnections.size).toBe(1)
    scenario.platform.requests.length = 0

    const after = await post(main)

    expect(scenario.platform.flows.size).toBe(0)
    expect(scenario.platform.sourceConnections.size).toBe(0)
    expect(scenario.platform.targetConnections.size).toBe(0)
    expect(deletes().sort()).toEqual([expect.stringMatching(/^DELETE \/sourceConnections\//), expect.stringMatching(/^DELETE \/targetConnections\//)])
    expect(after.lines).toContainEqual(expect.stringMatching(/^Rollback: no dataflow ".*" carries \[run-token [^\]]+\] yet; looking again in 1\.0 s$/))
  })

  test('the post step looks within its own budget: at the deadline it deletes nothing and names what to delete by hand', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/flows`, action: 'reset' })
    const main = await apply({ 'max-attempts': '1' })
    scenario.platform.requests.length = 0

    const after = await post(main, { 'timeout-seconds': '1' })

    expect(deletes()).toEqual([])
    expect(warnings(after)).toEqual([
      expect.stringMatching(
        /^warning: Rollback could not remove what this run created for dataflow ".*" \(carrying \[run-token [^\]]+\]\): the deadline \(timeout-seconds\) leaves no time to look for dataflow ".*"\. Delete what carries that token in Platform by hand\.$/
      )
    ])
  })
  test('a connection main failed to delete is deleted; one the deadline left no time to wait for is named to delete by hand', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/sourceConnections`, action: 'reset' })
    scenario.platform.inject({ method: 'DELETE', path: /\/targetConnections\//, status: 500 })
    const main = await apply({ 'max-attempts': '1' })
    expect(scenario.platform.targetConnections.size).toBe(1)
    scenario.platform.requests.length = 0

    const after = await post(main, { 'timeout-seconds': '2' })

    expect(scenario.platform.targetConnections.size).toBe(0)
    expect(deletes()).toEqual([expect.stringMatching(/^DELETE \/targetConnections\//)])
    expect(warnings(after)).toContainEqual(
      `warning: Rollback: the deadline (timeout-seconds) left no time to look again for "${name()} (source)" carrying ${main.state['rollback-run-token']}: should it appear, delete it in Platform by hand.`
    )
  })
})

describe('nothing to roll back', () => {
  test('after a create that succeeded, or whose rollback main finished itself, the post step sends nothing', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/targetConnections`, status: 400 })
    const refused = await apply()
    expect(errors(refused)).toEqual([expect.stringContaining('Creating the target connection failed')])
    const created = await apply()
    expect(created.outputs.outcome).toBe('created')
    scenario.platform.requests.length = 0

    for (const main of [refused, created]) {
      const after = await post(main)
      expect(after.lines).toEqual([])
    }
    expect(scenario.platform.requests).toEqual([])
    expect(scenario.platform.flows.size).toBe(1)
  })

  test('a create that never committed: the post step looks, finds nothing of this run, and deletes nothing', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/sourceConnections`, action: 'reset' })
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/targetConnections`, action: 'reset' })
    // Another run's connection of the same name is not this run's.
    scenario.platform.sourceConnections.set('other-run', {
      id: 'other-run',
      sandboxName: 'prod',
      etag: '"1"',
      name: `${name()} (source)`,
      description: 'made by another run [run-token other]'
    })
    const main = await apply({ 'max-attempts': '1' })
    scenario.platform.requests.length = 0

    const after = await post(main)

    expect(deletes()).toEqual([])
    expect(scenario.platform.sourceConnections.has('other-run')).toBe(true)
    expect(after.lines).toContainEqual(`Rollback: no connection carries ${main.state['rollback-run-token']}: nothing was left.`)
  })
})

describe('state the post step does not trust, and inputs that create nothing', () => {
  const victim = (): void => {
    scenario.platform.sourceConnections.set('victim', { id: 'victim', sandboxName: 'prod', etag: '"1"', name: `${name()} (source)`, description: 'production [run-token forged]' })
  }

  test('forged values over the state of a plan, or state sealed with another credential: nothing is sent, and a warning says why', async () => {
    await start()
    victim()
    const plan = await apply({ plan: 'true' })
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/sourceConnections`, action: 'reset' })
    const applied = await apply({ 'max-attempts': '1' })
    scenario.platform.requests.length = 0
    const forged = { ...plan.state, 'rollback-stage': 'connections', 'rollback-name': name(), 'rollback-run-token': '[run-token forged]' }

    const afterForged = await post(plan, {}, forged)
    const otherKey = await post(applied, { 'client-secret': 'another-client-secret' })

    expect(scenario.platform.requests).toEqual([])
    expect(scenario.platform.sourceConnections.has('victim')).toBe(true)
    for (const after of [afterForged, otherKey]) {
      expect(warnings(after)).toEqual([expect.stringMatching(/^warning: Rollback could not remove what this run created: the saved state is not what main saved /)])
    }
  })

  test('post with plan: true or operation: delete does nothing, whatever main saved', async () => {
    await start()
    scenario.platform.inject({ method: 'POST', path: `${FLOW_SERVICE}/sourceConnections`, action: 'reset' })
    const applied = await apply({ 'max-attempts': '1' })
    const plan = await apply({ plan: 'true' })
    const deleted = await apply({ operation: 'delete' })
    expect(plan.state['rollback-stage']).toBe('')
    expect(deleted.state['rollback-stage']).toBe('')
    scenario.platform.requests.length = 0

    const runs = [
      await post(applied, { plan: 'true' }),
      await post(applied, { operation: 'delete' }),
      await post(plan, { plan: 'true' }),
      await post(deleted, { operation: 'delete' })
    ]

    expect(scenario.platform.requests).toEqual([])
    for (const after of runs) expect(after.lines).toEqual([])
  })
})
