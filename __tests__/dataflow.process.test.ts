// The dataflow action's bundle run as the runner runs it: a child node process with INPUT_*
// variables, the command files and GITHUB_WORKSPACE, against the local test server. Everything
// else about the action is held in-process (dataflow-run.test.ts); this proves the bundle.

import { DATAFLOW, runAction } from '../testing/run-action.mjs'
import { platformInputs } from '../testing/scenario.mjs'
import { mappingWorkspace } from './support/mapping-workspace.js'
import { suitePlatform } from './support/suite-platform.js'

const CLIENT_SECRET = 'dataflow-bundle-client-secret-19'
const platform = suitePlatform({ clientSecret: CLIENT_SECRET })
const workspace = mappingWorkspace('dataflow-bundle-')

test('the bundle creates the dataflow, then finds it unchanged, with its outputs and summary and no secret shown', async () => {
  const base = platform.addConnection({ name: 'Orders DB' })
  const dataset = platform.addDataset({ name: 'Orders' })
  const inputs = platformInputs(platform, CLIENT_SECRET, {
    'connection-id': base.id,
    table: 'orders',
    'dataset-id': dataset.id,
    mapping: 'orders.json',
    'delta-column': 'updated_at'
  })
  const options = { action: DATAFLOW, env: { GITHUB_WORKSPACE: workspace() }, secrets: [platform.accessToken] }

  const first = await runAction(inputs, options)

  expect({ code: first.code, errors: first.errors }).toEqual({ code: 0, errors: [] })
  const [flow] = [...platform.flows.values()]
  expect(first.outputs).toEqual({
    'dataflow-id': flow!.id,
    'source-connection-id': flow!.sourceConnectionIds[0],
    'target-connection-id': flow!.targetConnectionIds[0],
    'mapping-id': [...platform.mappingSets.keys()][0],
    'mapping-version': '0',
    outcome: 'created'
  })
  expect(first.summary).toContain(`| Dataflow id | ${flow!.id} |`)
  expect(first.stdout).toContain(`::add-mask::${CLIENT_SECRET}`)

  const second = await runAction(inputs, options)

  expect({ code: second.code, errors: second.errors }).toEqual({ code: 0, errors: [] })
  expect(second.outputs).toMatchObject({ outcome: 'reused', 'dataflow-id': flow!.id })
  expect(platform.flows.size).toBe(1)
  expect(platform.sourceConnections.size).toBe(1)
})
