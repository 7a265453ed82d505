// The README's workflows are meant to be pasted: each is a complete workflow, and a step that
// uses this action gives only inputs action.yml declares, and every input it requires.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './support/run-action.js'

interface Step {
  uses?: string
  with?: Record<string, unknown>
}
interface Workflow {
  on?: unknown
  jobs?: Record<string, { 'runs-on'?: unknown; steps?: Step[] }>
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { required?: boolean }> }
const workflows = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => parse(match[1] ?? '') as Workflow)

test('the README has workflows', () => {
  expect(workflows.length).toBeGreaterThanOrEqual(4)
})

test.each(workflows.map((workflow, index) => [index + 1, workflow] as const))('workflow %i is complete: on, jobs, runs-on and steps', (_, workflow) => {
  expect(workflow.on).toBeDefined()
  expect(Object.keys(workflow.jobs ?? {}).length).toBeGreaterThan(0)
  for (const job of Object.values(workflow.jobs ?? {})) {
    expect(job['runs-on']).toBeDefined()
    expect(job.steps?.length).toBeGreaterThan(0)
  }
})

test.each(workflows.map((workflow, index) => [index + 1, workflow] as const))('workflow %i uses this action with declared inputs only', (_, workflow) => {
  const steps = Object.values(workflow.jobs ?? {}).flatMap((job) => job.steps ?? [])
  for (const step of steps.filter((s) => s.uses?.includes('aep-mysql-connection-action'))) {
    const given = Object.keys(step.with ?? {})
    expect(given.filter((name) => !(name in action.inputs))).toEqual([])
    const required = Object.entries(action.inputs).filter(([, input]) => input.required).map(([name]) => name)
    expect(required.filter((name) => !given.includes(name))).toEqual([])
  }
})
