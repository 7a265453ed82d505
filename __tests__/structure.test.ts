// Facts that hold the code together: one place for each input's default, and the one module
// that reaches into @actions/core's files by path.

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { DEFAULTS } from '../src/settings/inputs.js'
import { INPUT, OUTPUT } from '../src/settings/names.js'
import { SIGN_IN_DEFAULTS } from '../src/settings/reader.js'
import { DEFAULTS as DATAFLOW_DEFAULTS, INPUT as DATAFLOW_INPUT, OUTPUT as DATAFLOW_OUTPUT } from '../src/dataflow/names.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SRC = join(ROOT, 'src')
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string; required?: boolean }>; outputs: Record<string, unknown> }

test('src/settings/names.ts names exactly the inputs and outputs action.yml declares', () => {
  expect(Object.values(INPUT).sort()).toEqual(Object.keys(action.inputs).sort())
  expect(Object.values(OUTPUT).sort()).toEqual(Object.keys(action.outputs).sort())
})

test('action.yml and src/settings/inputs.ts declare the same default for every input', () => {
  // An expression (github-token's ${{ github.token }}) is the runner's to evaluate: the action only ever sees its value.
  const declared = Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined && !String(input.default).includes('${{'))
      .map(([name, input]) => [name, String(input.default)])
  )
  expect(declared).toEqual(DEFAULTS)
})

const DEEP_IMPORT = /from '((?:\.\.\/)+node_modules\/[^']+)'/g

const RUNNER_COMMANDS = 'runner/workflow-commands.ts'

test(`only src/${RUNNER_COMMANDS} imports files of node_modules by path`, () => {
  const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))
  const importers = sources.filter((file) => readFileSync(join(SRC, file), 'utf8').match(DEEP_IMPORT)).map((file) => file.split('\\').join('/'))
  expect(importers).toEqual([RUNNER_COMMANDS])
})

test(`the files src/${RUNNER_COMMANDS} imports by path exist in the installed packages`, () => {
  const text = readFileSync(join(SRC, RUNNER_COMMANDS), 'utf8')
  const paths = [...text.matchAll(DEEP_IMPORT)].map((match) => match[1] ?? '')
  expect(paths.length).toBeGreaterThan(0)
  const missing = paths.filter((path) => !existsSync(resolve(SRC, dirname(RUNNER_COMMANDS), path)))
  if (missing.length > 0) {
    throw new Error(
      `src/${RUNNER_COMMANDS} imports ${missing.join(', ')}, which the installed @actions packages no longer have: an update moved their internal files. ` +
        `Find where the workflow-command functions (issueCommand, issueFileCommand, prepareKeyValueMessage) now live and update the imports in src/${RUNNER_COMMANDS}.`
    )
  }
})

describe('dataflow/action.yml', () => {
  const dataflow = parse(readFileSync(join(ROOT, 'dataflow', 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string; required?: boolean }>
    outputs: Record<string, unknown>
    runs: { using: string; main: string; post?: string; 'post-if'?: string }
  }

  test('src/dataflow/names.ts names exactly the inputs and outputs it declares', () => {
    expect(Object.values(DATAFLOW_INPUT).sort()).toEqual(Object.keys(dataflow.inputs).sort())
    expect(Object.values(DATAFLOW_OUTPUT).sort()).toEqual(Object.keys(dataflow.outputs).sort())
  })

  test('it describes sandbox-name as the connection action does: a technical name, refused in any other spelling', () => {
    const root = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { description: string }> }
    const sandbox = dataflow.inputs[DATAFLOW_INPUT.sandboxName] as { description: string }
    expect(sandbox.description).toBe(root.inputs[DATAFLOW_INPUT.sandboxName]!.description)
    expect(sandbox.description).toMatch(/^Technical name .*lower case letters, digits and hyphens.*refused/)
  })

  test('it declares the defaults of src/dataflow/names.ts, and none for interval, backfill and delta-column', () => {
    const declared = Object.fromEntries(
      Object.entries(dataflow.inputs)
        .filter(([, input]) => input.default !== undefined)
        .map(([name, input]) => [name, String(input.default)])
    )
    expect(declared).toEqual(DATAFLOW_DEFAULTS)
    for (const name of [DATAFLOW_INPUT.interval, DATAFLOW_INPUT.backfill, DATAFLOW_INPUT.deltaColumn]) expect(dataflow.inputs[name]).not.toHaveProperty('default')
  })

  test('the shared sign-in inputs are required and defaulted as the connection action has them', () => {
    const shared = ['client-id', 'client-secret', 'access-token', 'ims-org-id', ...Object.keys(SIGN_IN_DEFAULTS)]
    const declared = (inputs: typeof action.inputs): unknown => shared.map((name) => [name, inputs[name]?.required, inputs[name]?.default])
    expect(declared(dataflow.inputs)).toEqual(declared(action.inputs))
  })

  test('it runs its own bundle, which package.json builds, on the Node of the connection action', () => {
    const build = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build
    // GitHub resolves main relative to the folder of the action.yml.
    const bundle = join('dataflow', dataflow.runs.main)
    expect(bundle).toBe(join('dist', 'dataflow', 'index.js'))
    expect(build).toContain('ncc build src/dataflow/index.ts -o dist/dataflow ')
    expect(dataflow.runs.using).toBe((parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { runs: { using: string } }).runs.using)
  })

  test('its post step runs the same bundle whatever main did, so a create cut short is rolled back', () => {
    expect(dataflow.runs.post).toBe(dataflow.runs.main)
    expect(dataflow.runs['post-if']).toBe('always()')
  })
})
